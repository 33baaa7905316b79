package com.smuscicd.cli;

import picocli.CommandLine.Option;

/**
 * Options of a cloud deployment (without {@code --local}). The state machine ARN and the bundle
 * bucket come from the flag, else the environment variable, else the outputs
 * ({@code StateMachineArn}, {@code BundleBucketName}) of the orchestrator stack.
 */
public final class CloudOptions {

    /** The orchestrator stack's name as the CDK app deploys it. */
    static final String DEFAULT_STACK_NAME = "smus-cicd-orchestrator";

    @Option(names = "--state-machine-arn", paramLabel = "ARN",
            description = "Deployment state machine ARN (default: $SMUS_STATE_MACHINE_ARN, else the stack output).")
    String stateMachineArn;

    @Option(names = "--bundle-bucket", paramLabel = "BUCKET",
            description = "Bundle bucket (default: $SMUS_BUNDLE_BUCKET, else the stack output).")
    String bundleBucket;

    @Option(names = "--stack-name", paramLabel = "NAME", defaultValue = DEFAULT_STACK_NAME,
            description = "Orchestrator stack to read outputs from (default: ${DEFAULT-VALUE}).")
    String stackName;

    @Option(names = "--region", paramLabel = "REGION",
            description = "AWS region of the orchestrator (default: the state machine ARN's region, "
                    + "else $AWS_REGION or the profile's).")
    String region;

    @Option(names = "--wait", description = "Follow the execution, print per-phase progress, exit 0/1 by outcome.")
    boolean waitForCompletion;

    @Option(names = "--wait-timeout", paramLabel = "SECONDS", defaultValue = "3900",
            description = "With --wait: give up following after this long and exit 1 (default: ${DEFAULT-VALUE}).")
    long waitTimeoutSeconds;

    @Option(names = "--execution-name", paramLabel = "NAME",
            description = "Name the executions NAME-<target> instead of deriving the name from pipeline, target, "
                    + "bundle digest and CI run (e.g. to deploy unchanged content again).")
    String executionName;
}
