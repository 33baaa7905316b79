package com.smuscicd.infra;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Aws;
import software.amazon.awscdk.Fn;
import software.amazon.awscdk.Token;
import software.amazon.awscdk.services.cloudwatch.CfnAlarm;
import software.amazon.awscdk.services.events.CfnRule;
import software.amazon.awscdk.services.iam.AnyPrincipal;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.PolicyDocument;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.sqs.CfnQueue;
import software.amazon.awscdk.services.sqs.CfnQueuePolicy;
import software.constructs.Construct;

/**
 * The rule that captures SMUS CI/CD events and sends them to the archive (and optionally to
 * CloudWatch Logs), with a dead-letter queue for events a target could not take after retries
 * and alarms that say so.
 */
public final class EventCaptureRule extends Construct {

    /** The account's default bus, whose rule metrics have no EventBusName dimension. */
    static final String DEFAULT_BUS = "default";

    /** Retries cover a day of target outage; EventBridge's maximum is 185 attempts and 24 hours. */
    static final int MAX_RETRY_ATTEMPTS = 185;
    static final int MAX_EVENT_AGE_SECONDS = 86_400;

    private final CfnRule rule;
    private final CfnQueue deadLetterQueue;
    private final CfnAlarm failedInvocationsAlarm;
    private final CfnAlarm deadLetterAlarm;

    public EventCaptureRule(Construct scope, String id, EventCaptureRuleProps props) {
        super(scope, id);
        this.deadLetterQueue = CfnQueue.Builder.create(this, "DeadLetterQueue")
                .sqsManagedSseEnabled(true)
                .messageRetentionPeriod(1_209_600)
                .build();
        Acknowledgments.acknowledge(deadLetterQueue, "AwsSolutions-SQS3",
                "This queue is itself the dead-letter queue of the capture rule's targets.");

        Role putRecordsRole = Role.Builder.create(this, "TargetRole")
                .assumedBy(new ServicePrincipal("events.amazonaws.com"))
                .description("Lets the SMUS CI/CD capture rule put events into the archive stream")
                .inlinePolicies(Map.of("PutRecords", PolicyDocument.Builder.create()
                        .statements(List.of(PolicyStatement.Builder.create()
                                .sid("PutEventRecords")
                                .actions(List.of("firehose:PutRecord", "firehose:PutRecordBatch"))
                                .resources(List.of(props.deliveryStreamArn()))
                                .build()))
                        .build()))
                .build();

        CfnRule.DeadLetterConfigProperty deadLetter = CfnRule.DeadLetterConfigProperty.builder()
                .arn(deadLetterQueue.getAttrArn())
                .build();
        CfnRule.RetryPolicyProperty retry = CfnRule.RetryPolicyProperty.builder()
                .maximumRetryAttempts(MAX_RETRY_ATTEMPTS)
                .maximumEventAgeInSeconds(MAX_EVENT_AGE_SECONDS)
                .build();
        List<Object> targets = new ArrayList<>();
        targets.add(CfnRule.TargetProperty.builder()
                .id("Archive")
                .arn(props.deliveryStreamArn())
                .roleArn(putRecordsRole.getRoleArn())
                .deadLetterConfig(deadLetter)
                .retryPolicy(retry)
                .build());
        if (props.logGroupTargetArn() != null) {
            // Inside Fn::If the target is raw CloudFormation: CDK does not map struct fields there.
            Map<String, Object> logsTarget = new LinkedHashMap<>();
            logsTarget.put("Id", "Logs");
            logsTarget.put("Arn", props.logGroupTargetArn());
            logsTarget.put("DeadLetterConfig", Map.of("Arn", deadLetterQueue.getAttrArn()));
            logsTarget.put("RetryPolicy", Ordered.map(
                    "MaximumRetryAttempts", MAX_RETRY_ATTEMPTS,
                    "MaximumEventAgeInSeconds", MAX_EVENT_AGE_SECONDS));
            targets.add(Fn.conditionIf(props.logsEnabled().getLogicalId(), logsTarget, Aws.NO_VALUE));
        }
        this.rule = CfnRule.Builder.create(this, "Rule")
                .name(props.ruleName())
                .description("Captures every SMUS CI/CD deployment event")
                .eventBusName(props.eventBusName())
                .eventPattern(props.eventPattern())
                .state("ENABLED")
                .targets(targets)
                .build();

        CfnQueuePolicy.Builder.create(this, "DeadLetterQueuePolicy")
                .queues(List.of(deadLetterQueue.getRef()))
                .policyDocument(PolicyDocument.Builder.create()
                        .statements(List.of(
                                PolicyStatement.Builder.create()
                                        .sid("CaptureRuleDeadLetters")
                                        .principals(List.of(new ServicePrincipal("events.amazonaws.com")))
                                        .actions(List.of("sqs:SendMessage"))
                                        .resources(List.of(deadLetterQueue.getAttrArn()))
                                        .conditions(Map.of("ArnEquals", Map.of("aws:SourceArn", rule.getAttrArn())))
                                        .build(),
                                PolicyStatement.Builder.create()
                                        .sid("DenyInsecureTransport")
                                        .effect(Effect.DENY)
                                        .principals(List.of(new AnyPrincipal()))
                                        .actions(List.of("sqs:*"))
                                        .resources(List.of(deadLetterQueue.getAttrArn()))
                                        .conditions(Map.of("Bool", Map.of("aws:SecureTransport", "false")))
                                        .build()))
                        .build())
                .build();

        // Fn::If [HasTopic, [topic], AWS::NoValue]: no AlarmActions at all when no topic is given.
        List<String> alarmActions = props.alarmTopicArn() == null
                ? null
                : Token.asList(Fn.conditionIf(
                        props.hasAlarmTopic().getLogicalId(), List.of(props.alarmTopicArn()), Aws.NO_VALUE));

        this.failedInvocationsAlarm = CfnAlarm.Builder.create(this, "FailedInvocationsAlarm")
                .alarmDescription("SMUS CI/CD events could not be delivered to a target of the capture rule "
                        + "(they are retried, then sent to the dead-letter queue)")
                .namespace("AWS/Events")
                .metricName("FailedInvocations")
                .dimensions(ruleMetricDimensions(props))
                .statistic("Sum")
                .period(300)
                .evaluationPeriods(1)
                .threshold(1)
                .comparisonOperator("GreaterThanOrEqualToThreshold")
                .treatMissingData("notBreaching")
                .alarmActions(alarmActions)
                .build();

        if (alarmActions != null) {
            acknowledgeOptionalTopic(failedInvocationsAlarm);
        }

        this.deadLetterAlarm = CfnAlarm.Builder.create(this, "DeadLetterAlarm")
                .alarmDescription("SMUS CI/CD events are waiting in the capture rule's dead-letter queue")
                .namespace("AWS/SQS")
                .metricName("ApproximateNumberOfMessagesVisible")
                .dimensions(List.of(CfnAlarm.DimensionProperty.builder()
                        .name("QueueName").value(deadLetterQueue.getAttrQueueName()).build()))
                .statistic("Maximum")
                .period(300)
                .evaluationPeriods(1)
                .threshold(1)
                .comparisonOperator("GreaterThanOrEqualToThreshold")
                .treatMissingData("notBreaching")
                .alarmActions(alarmActions)
                .build();
        if (alarmActions != null) {
            acknowledgeOptionalTopic(deadLetterAlarm);
        }
    }

    /**
     * EventBridge publishes a rule's metrics with RuleName alone for rules on the default bus, and
     * with EventBusName and RuleName for rules on any other bus: an alarm on RuleName alone would
     * never see a custom bus's failures.
     */
    private static List<Object> ruleMetricDimensions(EventCaptureRuleProps props) {
        List<Object> dimensions = new ArrayList<>();
        if (Token.isUnresolved(props.eventBusName())) {
            // Inside Fn::If the dimension is raw CloudFormation: CDK does not map struct fields there.
            dimensions.add(Fn.conditionIf(props.customBus().getLogicalId(),
                    Ordered.map("Name", "EventBusName", "Value", props.eventBusName()), Aws.NO_VALUE));
        } else if (!DEFAULT_BUS.equals(props.eventBusName())) {
            dimensions.add(CfnAlarm.DimensionProperty.builder().name("EventBusName").value(props.eventBusName()).build());
        }
        dimensions.add(CfnAlarm.DimensionProperty.builder().name("RuleName").value(props.ruleName()).build());
        return dimensions;
    }

    private static void acknowledgeOptionalTopic(CfnAlarm alarm) {
        Acknowledgments.acknowledge(alarm, "CloudFormation-Validate::F3033",
                "AlarmActions is Fn::If [HasAlarmTopic, [topic], AWS::NoValue]: the empty default never reaches it.");
    }

    public CfnRule rule() {
        return rule;
    }

    public CfnQueue deadLetterQueue() {
        return deadLetterQueue;
    }

    public CfnAlarm failedInvocationsAlarm() {
        return failedInvocationsAlarm;
    }

    public CfnAlarm deadLetterAlarm() {
        return deadLetterAlarm;
    }
}
