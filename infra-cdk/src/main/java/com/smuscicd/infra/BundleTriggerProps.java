package com.smuscicd.infra;

import java.util.Objects;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.s3.IBucket;
import software.amazon.awscdk.services.stepfunctions.IStateMachine;

/**
 * Settings of {@link BundleTrigger}.
 *
 * @param code the functions jar
 * @param bundleBucket the bucket whose uploads start deployments
 * @param bundleKeySuffix only objects whose key ends with this start a deployment
 * @param stateMachine the deploy state machine
 * @param eventBuses the buses the trigger may publish to (it reports failures to start); the first is its default
 * @param logRetention retention of the function's log group
 * @param snapStart whether to enable SnapStart (see {@link PhaseFunction})
 */
public record BundleTriggerProps(
        Code code,
        IBucket bundleBucket,
        String bundleKeySuffix,
        IStateMachine stateMachine,
        EventBuses eventBuses,
        RetentionDays logRetention,
        boolean snapStart) {

    public BundleTriggerProps {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(bundleBucket, "bundleBucket");
        Objects.requireNonNull(bundleKeySuffix, "bundleKeySuffix");
        Objects.requireNonNull(stateMachine, "stateMachine");
        Objects.requireNonNull(eventBuses, "eventBuses");
        Objects.requireNonNull(logRetention, "logRetention");
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builder of {@link BundleTriggerProps}. */
    public static final class Builder {
        private Code code;
        private IBucket bundleBucket;
        private String bundleKeySuffix = ".zip";
        private IStateMachine stateMachine;
        private EventBuses eventBuses;
        private RetentionDays logRetention = RetentionDays.ONE_MONTH;
        private boolean snapStart;

        private Builder() {
        }

        public Builder code(Code value) {
            this.code = value;
            return this;
        }

        public Builder bundleBucket(IBucket value) {
            this.bundleBucket = value;
            return this;
        }

        public Builder bundleKeySuffix(String value) {
            this.bundleKeySuffix = value;
            return this;
        }

        public Builder stateMachine(IStateMachine value) {
            this.stateMachine = value;
            return this;
        }

        public Builder eventBuses(EventBuses value) {
            this.eventBuses = value;
            return this;
        }

        public Builder logRetention(RetentionDays value) {
            this.logRetention = value;
            return this;
        }

        public Builder snapStart(boolean value) {
            this.snapStart = value;
            return this;
        }

        public BundleTriggerProps build() {
            return new BundleTriggerProps(code, bundleBucket, bundleKeySuffix, stateMachine, eventBuses,
                    logRetention, snapStart);
        }
    }
}
