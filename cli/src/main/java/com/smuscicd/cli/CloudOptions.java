package com.smuscicd.cli;

import picocli.CommandLine.Option;

/** Options of a cloud deployment (without {@code --local}). */
public final class CloudOptions {

    @Option(names = "--state-machine-arn", paramLabel = "ARN",
            description = "Deployment state machine ARN (default: $SMUS_STATE_MACHINE_ARN, else the stack output).")
    String stateMachineArn;

    @Option(names = "--bundle-bucket", paramLabel = "BUCKET",
            description = "Bundle bucket (default: $SMUS_BUNDLE_BUCKET, else the stack output).")
    String bundleBucket;

    @Option(names = "--stack-name", paramLabel = "NAME", defaultValue = "SmusCicdOrchestrator",
            description = "Orchestrator stack to read outputs from (default: ${DEFAULT-VALUE}).")
    String stackName;

    @Option(names = "--region", paramLabel = "REGION",
            description = "AWS region of the orchestrator (default: the SDK's region settings).")
    String region;

    @Option(names = "--wait", description = "Follow the execution, print per-phase progress, exit 0/1 by outcome.")
    boolean waitForCompletion;
}
