package com.smuscicd.infra;

import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.events.EventPattern;
import software.amazon.awscdk.services.events.Match;
import software.amazon.awscdk.services.events.Rule;
import software.amazon.awscdk.services.events.targets.LambdaFunction;
import software.amazon.awscdk.services.events.targets.LambdaFunctionProps;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.sqs.QueueEncryption;
import software.constructs.Construct;

/**
 * Upload-to-deploy: S3 "Object Created" for a bundle → EventBridge rule → trigger function →
 * {@code StartExecution}. Events the function cannot take after retries land in a dead-letter queue.
 */
public final class BundleTrigger extends Construct {

    private final PhaseFunction function;
    private final Rule rule;
    private final Queue deadLetterQueue;

    public BundleTrigger(Construct scope, String id, BundleTriggerProps props) {
        super(scope, id);
        this.function = new PhaseFunction(this, "Function", PhaseFunctionProps.builder()
                .handlerClass("BundleTriggerHandler")
                .code(props.code())
                .memoryMb(512)
                .timeout(Duration.seconds(30))
                .environment("EVENT_BUS_NAME", props.eventBuses().defaultBus().nameOrArn())
                .environment("STATE_MACHINE_ARN", props.stateMachine().getStateMachineArn())
                .logRetention(props.logRetention())
                .snapStart(props.snapStart())
                .build());
        String bundleObjects = props.bundleBucket().arnForObjects("*");
        // the trigger reads the version its event names (a later upload may have replaced the key)
        function.allow(Permissions.readBundleVersions(bundleObjects));
        Acknowledgments.wildcardResource(function.role(), bundleObjects, DeployFunctions.BUNDLE_KEYS_REASON);
        function.allow(Permissions.startDeployment(props.stateMachine().getStateMachineArn()));
        function.allow(Permissions.putEvents(props.eventBuses().arns()));

        this.deadLetterQueue = Queue.Builder.create(this, "DeadLetterQueue")
                .encryption(QueueEncryption.SQS_MANAGED)
                .enforceSsl(true)
                .retentionPeriod(Duration.days(14))
                .build();
        Acknowledgments.acknowledge(deadLetterQueue, "AwsSolutions-SQS3",
                "This queue is itself the dead-letter queue of the trigger rule's target.");

        this.rule = Rule.Builder.create(this, "Rule")
                .description("Starts a deployment when a bundle is uploaded")
                .eventPattern(EventPattern.builder()
                        .source(List.of("aws.s3"))
                        .detailType(List.of("Object Created"))
                        .detail(Ordered.map(
                                "bucket", Map.of("name", List.of(props.bundleBucket().getBucketName())),
                                // any case, as the handler accepts it: Release.ZIP is a bundle too
                                "object", Map.of("key", Match.suffixEqualsIgnoreCase(props.bundleKeySuffix()))))
                        .build())
                .targets(List.of(new LambdaFunction(function.invocationTarget(), LambdaFunctionProps.builder()
                        .deadLetterQueue(deadLetterQueue)
                        .retryAttempts(4)
                        .maxEventAge(Duration.hours(2))
                        .build())))
                .build();
    }

    public PhaseFunction function() {
        return function;
    }

    public Rule rule() {
        return rule;
    }

    public Queue deadLetterQueue() {
        return deadLetterQueue;
    }
}
