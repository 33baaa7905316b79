package com.smuscicd.aws;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.sfn.SfnClient;

/**
 * Creates the real deployment state machine (the statemachine module's ASL file) in an emulator,
 * its {@code ${...}} placeholders replaced by Lambda ARNs that need not exist.
 */
public final class DeployStateMachineFixture {

    /** Where the definition lives, relative to a sibling module's directory (the tests' working directory). */
    static final Path ASL_FILE = Path.of("..", "statemachine", "src", "main", "resources", "statemachine",
            "deploy.asl.json");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z]+)}");

    private DeployStateMachineFixture() {
    }

    /** The definition with every placeholder replaced by {@code arn:aws:lambda:...:function:<placeholder>}. */
    public static String definition() {
        try {
            Matcher m = PLACEHOLDER.matcher(Files.readString(ASL_FILE));
            return m.replaceAll(r -> "arn:aws:lambda:us-east-1:123456789012:function:" + r.group(1));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + ASL_FILE.toAbsolutePath(), e);
        }
    }

    /** Creates the state machine and returns its ARN. */
    public static String create(SfnClient sfn, String name) {
        return sfn.createStateMachine(b -> b.name(name)
                .definition(definition())
                .roleArn("arn:aws:iam::123456789012:role/smus-cicd-deploy")).stateMachineArn();
    }
}
