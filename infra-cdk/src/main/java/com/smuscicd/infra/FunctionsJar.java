package com.smuscicd.infra;

import java.nio.file.Files;
import java.nio.file.Path;
import software.amazon.awscdk.services.lambda.Code;

/** The shaded jar holding every Lambda handler, checked before CDK turns it into an asset. */
public final class FunctionsJar {

    private FunctionsJar() {
    }

    /**
     * Returns the jar as Lambda code.
     *
     * @throws IllegalStateException naming the path and the build command when the jar is missing,
     *     because CDK's own message (a failed asset fingerprint) does not say how to get it
     */
    public static Code code(Path jar) {
        return Code.fromAsset(require(jar).toString());
    }

    static Path require(Path jar) {
        Path absolute = jar.toAbsolutePath().normalize();
        if (!Files.isRegularFile(absolute)) {
            throw new IllegalStateException("Lambda functions jar not found: " + absolute
                    + ". Build it from the repository root with "
                    + "`mvn -B -pl functions -am package -DskipTests`, "
                    + "or point the app at another jar with `-c " + AppSettings.FUNCTIONS_JAR + "=<path>`.");
        }
        return absolute;
    }
}
