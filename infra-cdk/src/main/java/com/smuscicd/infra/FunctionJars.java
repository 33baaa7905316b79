package com.smuscicd.infra;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import software.amazon.awscdk.services.lambda.Code;

/**
 * The Lambda functions' code: one shaded jar per function in a directory ({@code mvn package}
 * writes them to {@code functions/target/lambda/}), each named after its handler in kebab case:
 * {@code DeployLifecycleHandler} is {@code deploy-lifecycle.jar}. Each jar holds only the SDKs its
 * handler calls.
 */
public final class FunctionJars {

    /** Every handler class in {@code com.smuscicd.lambda}, one per function. */
    public static final List<String> HANDLERS = List.of(
            "DeployLifecycleHandler",
            "ProjectInitializationHandler",
            "BundleUploadHandler",
            "WorkflowCreationHandler",
            "CatalogAssetsHandler",
            "BundleTriggerHandler");

    private final Path dir;

    private FunctionJars(Path dir) {
        this.dir = dir;
    }

    /**
     * The jars in {@code dir}, all of them checked before CDK turns any into an asset.
     *
     * @throws IllegalStateException naming the missing jars and the build command, because CDK's own
     *     message (a failed asset fingerprint) does not say how to get them
     */
    public static FunctionJars in(Path dir) {
        Path absolute = dir.toAbsolutePath().normalize();
        List<String> missing = new ArrayList<>();
        for (String handler : HANDLERS) {
            if (!Files.isRegularFile(absolute.resolve(jarName(handler)))) {
                missing.add(jarName(handler));
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalStateException("Lambda function jars not found in " + absolute + ": "
                    + String.join(", ", missing) + ". Build them from the repository root with "
                    + "`mvn -B -pl functions -am package -DskipTests`, "
                    + "or point the app at another directory with `-c " + AppSettings.FUNCTIONS_DIR + "=<path>`.");
        }
        return new FunctionJars(absolute);
    }

    /** The code of the function whose handler is {@code handlerClass} (a simple name, e.g. {@code BundleTriggerHandler}). */
    public Code code(String handlerClass) {
        if (!HANDLERS.contains(handlerClass)) {
            throw new IllegalArgumentException("no function jar for handler " + handlerClass);
        }
        return Code.fromAsset(dir.resolve(jarName(handlerClass)).toString());
    }

    /** {@code DeployLifecycleHandler} -> {@code deploy-lifecycle.jar}. */
    static String jarName(String handlerClass) {
        String base = handlerClass.endsWith("Handler")
                ? handlerClass.substring(0, handlerClass.length() - "Handler".length()) : handlerClass;
        return base.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT) + ".jar";
    }
}
