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

    /**
     * How long {@code --wait} follows an execution by default: the state machine's own
     * TimeoutSeconds (28,800 s in the ASL file) and five minutes, so a wait gives up only after
     * Step Functions has ended the execution itself. CloudOptionsTest ties it to the ASL file.
     */
    static final String DEFAULT_WAIT_TIMEOUT_SECONDS = "29100";

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

    @Option(names = "--wait-timeout", paramLabel = "SECONDS", defaultValue = DEFAULT_WAIT_TIMEOUT_SECONDS,
            description = "With --wait: give up following after this long and exit 1 (default: ${DEFAULT-VALUE}, "
                    + "the state machine's 8 h execution timeout and 5 min).")
    long waitTimeoutSeconds;

    @Option(names = "--execution-name", paramLabel = "NAME",
            description = "Name the executions NAME-<target> instead of deriving the name from pipeline, target, "
                    + "bundle digest and CI run (e.g. to deploy unchanged content again).")
    String executionName;
}
