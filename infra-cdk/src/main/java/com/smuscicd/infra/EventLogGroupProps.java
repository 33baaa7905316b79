package com.smuscicd.infra;

import java.util.Objects;
import software.amazon.awscdk.CfnCondition;

/**
 * Settings of {@link EventLogGroup}.
 *
 * @param logGroupName name of the log group; EventBridge requires it to start with {@code /aws/events/}
 * @param enabled condition under which the log group exists
 * @param retentionDays how long events stay in the log group
 */
public record EventLogGroupProps(String logGroupName, CfnCondition enabled, int retentionDays) {

    public EventLogGroupProps {
        Objects.requireNonNull(logGroupName, "logGroupName");
        Objects.requireNonNull(enabled, "enabled");
        if (!logGroupName.startsWith("/aws/events/")) {
            throw new IllegalArgumentException("EventBridge writes only to log groups under /aws/events/: " + logGroupName);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builder of {@link EventLogGroupProps}. */
    public static final class Builder {
        private String logGroupName = "/aws/events/smus-cicd";
        private CfnCondition enabled;
        private int retentionDays = 90;

        private Builder() {
        }

        public Builder logGroupName(String value) {
            this.logGroupName = value;
            return this;
        }

        public Builder enabled(CfnCondition value) {
            this.enabled = value;
            return this;
        }

        public Builder retentionDays(int value) {
            this.retentionDays = value;
            return this;
        }

        public EventLogGroupProps build() {
            return new EventLogGroupProps(logGroupName, enabled, retentionDays);
        }
    }
}
