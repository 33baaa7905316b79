package com.smuscicd.infra;

import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.CreateAlarmOptions;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.events.EventPattern;
import software.amazon.awscdk.services.events.Match;
import software.amazon.awscdk.services.events.Rule;
import software.amazon.awscdk.services.events.targets.LambdaFunction;
import software.amazon.awscdk.services.events.targets.LambdaFunctionProps;
import software.amazon.awscdk.services.lambda.EventInvokeConfigOptions;
import software.amazon.awscdk.services.lambda.destinations.SqsDestination;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.sqs.QueueEncryption;
import software.constructs.Construct;

/**
 * Upload-to-deploy: S3 "Object Created" for a bundle → EventBridge rule → trigger function →
 * {@code StartExecution}. Events that fail after retries land in one dead-letter queue, with an
 * alarm on it: those EventBridge could not deliver to Lambda (the rule target's dead-letter
 * queue) and those the function itself failed on (its asynchronous invocation's on-failure
 * destination).
 */
public final class BundleTrigger extends Construct {

    /** Lambda's own retries of a failed asynchronous invocation (its default, made explicit). */
    static final int ASYNC_RETRY_ATTEMPTS = 2;
    /**
     * The function's timeout: reading and checking a bundle (up to MAX_BUNDLE_BYTES), starting the
     * execution, and a rejected bundle's Deploy-Failed, whose publish alone may take 20 s
     * (EventBridgePublisher.DEFAULT_MAX_PUBLISH_TIME) before it logs the event whole.
     */
    static final Duration TIMEOUT = Duration.minutes(2);
    /** How long an upload event may wait, for delivery and for the function, before it is dead-lettered. */
    static final Duration MAX_EVENT_AGE = Duration.hours(2);

    private final PhaseFunction function;
    private final Rule rule;
    private final Queue deadLetterQueue;
    private final Alarm deadLetterAlarm;

    public BundleTrigger(Construct scope, String id, BundleTriggerProps props) {
        super(scope, id);
        this.function = new PhaseFunction(this, "Function", PhaseFunctionProps.builder()
                .handlerClass("BundleTriggerHandler")
                .code(props.code())
                .memoryMb(512)
                .timeout(TIMEOUT)
                .environment("EVENT_BUS_NAME", props.eventBuses().defaultBus().nameOrArn())
                // the trigger refuses bundles naming another bus: their events would all be denied
                .environment("EVENT_BUS_NAMES", props.eventBuses().joinedNames())
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
                "This queue is itself the dead-letter queue of the trigger rule's and the ended-executions rule's "
                        + "targets and the trigger function's on-failure destination.");

        // The rule's retries only cover EventBridge handing the event to Lambda; once Lambda has
        // it, a function error is retried by Lambda's asynchronous invocation and then dropped
        // unless the function has an on-failure destination. Lambda sends there with the
        // function's role, which CDK grants sqs:SendMessage on this queue.
        function.invocationTarget().configureAsyncInvoke(EventInvokeConfigOptions.builder()
                .onFailure(new SqsDestination(deadLetterQueue))
                .retryAttempts(ASYNC_RETRY_ATTEMPTS)
                .maxEventAge(MAX_EVENT_AGE)
                .build());
        this.deadLetterAlarm = deadLetterQueue.metricApproximateNumberOfMessagesVisible(MetricOptions.builder()
                        .statistic("Maximum")
                        .period(Duration.minutes(5))
                        .build())
                .createAlarm(this, "DeadLetterAlarm", CreateAlarmOptions.builder()
                        .alarmDescription("Events are in the trigger's dead-letter queue: bundle uploads that did "
                                + "not start a deployment (not delivered to the function, or the function failed on "
                                + "them after its retries), or status changes of ended executions the lifecycle "
                                + "function never got (their Deploy-Failed may be missing)")
                        .threshold(0)
                        .comparisonOperator(ComparisonOperator.GREATER_THAN_THRESHOLD)
                        .evaluationPeriods(1)
                        .treatMissingData(TreatMissingData.NOT_BREACHING)
                        .build());

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
                        .maxEventAge(MAX_EVENT_AGE)
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

    public Alarm deadLetterAlarm() {
        return deadLetterAlarm;
    }
}
