package com.smuscicd.infra;

import java.util.Map;
import java.util.Objects;
import software.amazon.awscdk.CfnCondition;
import software.amazon.awscdk.Token;

/**
 * Settings of {@link EventCaptureRule}.
 *
 * @param ruleName name of the rule (the alarm's metric dimension)
 * @param eventBusName bus the rule listens on (may be a parameter token)
 * @param customBus condition that {@code eventBusName} is not {@code default}; needed when the
 *     name is a token (the alarm's metric has an EventBusName dimension on custom buses only)
 * @param eventPattern the pattern, as JSON-like maps and lists
 * @param deliveryStreamArn Firehose stream that archives the events
 * @param logGroupTargetArn optional CloudWatch Logs target, present when {@code logsEnabled} holds
 * @param logsEnabled condition for the log group target; null when there is none
 * @param alarmTopicArn SNS topic the alarms notify, used when {@code hasAlarmTopic} holds
 * @param hasAlarmTopic condition for alarm notifications; null when there are none
 */
public record EventCaptureRuleProps(
        String ruleName,
        String eventBusName,
        CfnCondition customBus,
        Map<String, Object> eventPattern,
        String deliveryStreamArn,
        String logGroupTargetArn,
        CfnCondition logsEnabled,
        String alarmTopicArn,
        CfnCondition hasAlarmTopic) {

    /** The spec's capture pattern: every detail-type this project emits. */
    public static final Map<String, Object> SMUS_EVENTS = Ordered.map(
            "source", java.util.List.of(Permissions.EVENT_SOURCE),
            "detail-type", java.util.List.of(Map.of("prefix", "SMUS-CICD-")));

    public EventCaptureRuleProps {
        Objects.requireNonNull(ruleName, "ruleName");
        Objects.requireNonNull(eventBusName, "eventBusName");
        if (Token.isUnresolved(eventBusName) && customBus == null) {
            throw new IllegalArgumentException("an eventBusName known only at deploy time needs the customBus condition");
        }
        Objects.requireNonNull(eventPattern, "eventPattern");
        Objects.requireNonNull(deliveryStreamArn, "deliveryStreamArn");
        if ((logGroupTargetArn == null) != (logsEnabled == null)) {
            throw new IllegalArgumentException("logGroupTargetArn and logsEnabled go together");
        }
        if ((alarmTopicArn == null) != (hasAlarmTopic == null)) {
            throw new IllegalArgumentException("alarmTopicArn and hasAlarmTopic go together");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builder of {@link EventCaptureRuleProps}. */
    public static final class Builder {
        private String ruleName;
        private String eventBusName = EventCaptureRule.DEFAULT_BUS;
        private CfnCondition customBus;
        private Map<String, Object> eventPattern = SMUS_EVENTS;
        private String deliveryStreamArn;
        private String logGroupTargetArn;
        private CfnCondition logsEnabled;
        private String alarmTopicArn;
        private CfnCondition hasAlarmTopic;

        private Builder() {
        }

        public Builder ruleName(String value) {
            this.ruleName = value;
            return this;
        }

        /** A bus known by name at synthesis time. */
        public Builder eventBusName(String value) {
            this.eventBusName = value;
            this.customBus = null;
            return this;
        }

        /** A bus whose name is a token (a parameter), with the condition that it is not {@code default}. */
        public Builder eventBusName(String value, CfnCondition notDefault) {
            this.eventBusName = value;
            this.customBus = notDefault;
            return this;
        }

        public Builder eventPattern(Map<String, Object> value) {
            this.eventPattern = value;
            return this;
        }

        public Builder deliveryStreamArn(String value) {
            this.deliveryStreamArn = value;
            return this;
        }

        public Builder logGroupTarget(String arn, CfnCondition enabled) {
            this.logGroupTargetArn = arn;
            this.logsEnabled = enabled;
            return this;
        }

        public Builder alarmTopic(String arn, CfnCondition present) {
            this.alarmTopicArn = arn;
            this.hasAlarmTopic = present;
            return this;
        }

        public EventCaptureRuleProps build() {
            return new EventCaptureRuleProps(ruleName, eventBusName, customBus, eventPattern, deliveryStreamArn,
                    logGroupTargetArn, logsEnabled, alarmTopicArn, hasAlarmTopic);
        }
    }
}
