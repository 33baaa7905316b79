package com.smuscicd.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * The per-function jars that {@code mvn package} builds into {@code target/lambda/}: each holds
 * every class its handler can reach (so no {@code NoClassDefFoundError} on any path, failure
 * paths included), only the service SDKs it wires, no Apache or Netty HTTP client, and stays
 * under the 20 MB that issue 7 sets for a function's package.
 */
class FunctionJarsIT {

    static final Path DIR = Path.of("target", "lambda");
    static final long MAX_BYTES = 20_000_000L;
    private static final String SERVICES = "software/amazon/awssdk/services/";

    /** A function's jar, its handler, and the service SDKs (package names) it must hold. */
    record FunctionJar(String jar, String handler, Set<String> services) {
        @Override
        public String toString() {
            return jar;
        }
    }

    static List<FunctionJar> jars() {
        return List.of(
                new FunctionJar("deploy-lifecycle", "DeployLifecycleHandler", Set.of("eventbridge", "sfn")),
                new FunctionJar("project-initialization", "ProjectInitializationHandler",
                        Set.of("eventbridge", "datazone")),
                new FunctionJar("bundle-upload", "BundleUploadHandler", Set.of("eventbridge", "s3")),
                new FunctionJar("workflow-creation", "WorkflowCreationHandler",
                        Set.of("eventbridge", "s3", "mwaaserverless")),
                new FunctionJar("catalog-assets", "CatalogAssetsHandler", Set.of("eventbridge", "datazone")),
                new FunctionJar("bundle-trigger", "BundleTriggerHandler", Set.of("eventbridge", "s3", "sfn")));
    }

    @Test
    void targetLambda_holdsExactlyOneJarPerFunction() throws IOException {
        try (var files = Files.list(DIR)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrderElementsOf(jars().stream().map(j -> j.jar() + ".jar").toList());
        }
    }

    @ParameterizedTest
    @MethodSource("jars")
    void jar_holdsEveryServiceClassItsHandlerCanReach(FunctionJar function) throws IOException {
        Map<String, byte[]> classes = classesOf(DIR.resolve(function.jar() + ".jar"));
        Set<String> reached = new HashSet<>();

        Map<String, String> missing = ClassReferences.missingFrom(classes,
                "com/smuscicd/lambda/" + function.handler(), reached);

        assertThat(servicesIn(missing.keySet())).as("service classes reached from %s but not in its jar: %s",
                function.handler(), onlyServices(missing)).isEmpty();
        assertThat(missing.keySet()).as("project classes missing").noneMatch(n -> n.startsWith("com/smuscicd/"));
        // the walk did reach into the SDKs: each service of the jar is on the handler's path
        assertThat(servicesIn(reached)).isEqualTo(function.services());
    }

    @ParameterizedTest
    @MethodSource("jars")
    void jar_holdsOnlyItsServicesAndNoHeavyHttpClientAndIsUnder20Mb(FunctionJar function) throws IOException {
        Path jar = DIR.resolve(function.jar() + ".jar");
        Map<String, byte[]> classes = classesOf(jar);

        assertThat(servicesIn(classes.keySet())).isEqualTo(function.services());
        assertThat(classes.keySet()).noneMatch(n -> n.startsWith("org/apache/http/") || n.startsWith("io/netty/"));
        assertThat(Files.size(jar)).isLessThan(MAX_BYTES);
    }

    @Test
    void walk_whenAHandlerRunsFromAJarWithoutItsServices_reportsTheMissingSdk() throws IOException {
        Map<String, byte[]> lifecycleJar = classesOf(DIR.resolve("deploy-lifecycle.jar"));

        Map<String, String> missing = ClassReferences.missingFrom(lifecycleJar,
                "com/smuscicd/lambda/WorkflowCreationHandler", new HashSet<>());

        assertThat(servicesIn(missing.keySet())).containsExactlyInAnyOrder("s3", "mwaaserverless");
    }

    private static Map<String, String> onlyServices(Map<String, String> missing) {
        Map<String, String> services = new TreeMap<>(missing);
        services.keySet().removeIf(n -> !n.startsWith(SERVICES));
        return services;
    }

    private static Set<String> servicesIn(Set<String> classNames) {
        Set<String> services = new java.util.TreeSet<>();
        for (String name : classNames) {
            if (name.startsWith(SERVICES)) {
                String rest = name.substring(SERVICES.length());
                int slash = rest.indexOf('/');
                if (slash > 0) {
                    services.add(rest.substring(0, slash));
                }
            }
        }
        return services;
    }

    private static Map<String, byte[]> classesOf(Path jar) throws IOException {
        Map<String, byte[]> classes = new HashMap<>();
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry entry = entries.nextElement();
                String name = entry.getName();
                // the multi-release copies are versions of classes listed at the top level
                if (name.endsWith(".class") && !name.startsWith("META-INF/")) {
                    try (InputStream in = zip.getInputStream(entry)) {
                        classes.put(name.substring(0, name.length() - ".class".length()), in.readAllBytes());
                    }
                }
            }
        }
        return new TreeMap<>(classes);
    }
}
