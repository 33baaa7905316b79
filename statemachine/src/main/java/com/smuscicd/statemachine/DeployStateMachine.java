package com.smuscicd.statemachine;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The deployment state machine definition (Amazon States Language), shipped as the resource
 * {@value #RESOURCE}. The same file is deployed by the CDK app (with its {@code ${...}}
 * placeholders substituted by function ARNs) and run by the local runner.
 */
public final class DeployStateMachine {

    /** Classpath location of the definition. */
    public static final String RESOURCE = "statemachine/deploy.asl.json";

    private DeployStateMachine() {
    }

    /** The definition text, placeholders unsubstituted. */
    public static String definition() {
        try (InputStream in = DeployStateMachine.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
