package com.smuscicd.infra;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.assertions.Template;

/**
 * Apps for the template tests. They use a small stand-in for the functions jar (what matters to
 * CloudFormation is that an asset exists, not what is in it), so these tests need no prior build
 * of the functions module; the ASL and schema files are the real ones.
 */
final class TestApps {

    /** The contract's handlers, one function each. */
    static final List<String> HANDLERS = FunctionJars.HANDLERS;

    private static Path fixtureDir;

    private TestApps() {
    }

    static synchronized Path fixtureDir() {
        if (fixtureDir == null) {
            try {
                Path dir = Files.createDirectories(Path.of("target", "test-fixtures", "lambda"));
                for (String handler : FunctionJars.HANDLERS) {
                    Path jar = dir.resolve(FunctionJars.jarName(handler));
                    try (OutputStream out = Files.newOutputStream(jar); ZipOutputStream zip = new ZipOutputStream(out)) {
                        ZipEntry entry = new ZipEntry("com/smuscicd/lambda/FIXTURE");
                        entry.setTime(0L);
                        zip.putNextEntry(entry);
                        // distinct content per function, so each gets its own asset as the real jars do
                        zip.write(("stands in for " + handler).getBytes(java.nio.charset.StandardCharsets.UTF_8));
                        zip.closeEntry();
                    }
                }
                fixtureDir = dir.toAbsolutePath();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return fixtureDir;
    }

    /** An app with the default context, but the stand-in jars, plus {@code extra}. */
    static App app(Map<String, Object> extra) {
        Map<String, Object> context = new HashMap<>();
        context.put(AppSettings.FUNCTIONS_DIR, fixtureDir().toString());
        context.putAll(extra);
        return new App(AppProps.builder().context(context).build());
    }

    static OrchestratorStack orchestrator(App app) {
        return new OrchestratorStack(app, SmusCicdApp.ORCHESTRATOR_STACK,
                software.amazon.awscdk.StackProps.builder().stackName(SmusCicdApp.ORCHESTRATOR_STACK).build(),
                AppSettings.fromContext(app.getNode()));
    }

    static Template orchestratorTemplate(Map<String, Object> extraContext) {
        return Template.fromStack(orchestrator(app(extraContext)));
    }

    static MonitoringStack monitoring(App app) {
        return new MonitoringStack(app, SmusCicdApp.MONITORING_STACK, SmusCicdApp.MONITORING_STACK,
                AppSettings.fromContext(app.getNode()).eventSchemaFile());
    }

    static Path repositoryFile(String relativeToRoot) {
        return Path.of("..").resolve(relativeToRoot).toAbsolutePath().normalize();
    }
}
