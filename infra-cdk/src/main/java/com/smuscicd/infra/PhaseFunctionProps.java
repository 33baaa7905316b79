package com.smuscicd.infra;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.logs.RetentionDays;

/**
 * Settings of one {@link PhaseFunction}.
 *
 * @param handlerClass simple name of a class in {@code com.smuscicd.lambda}
 * @param code the functions jar
 * @param memoryMb memory (and so CPU share) of the function
 * @param timeout function timeout
 * @param environment variables besides the JVM options every function gets
 * @param logRetention retention of the function's log group
 * @param snapStart whether to publish a SnapStart version and invoke it through an alias
 */
public record PhaseFunctionProps(
        String handlerClass,
        Code code,
        int memoryMb,
        Duration timeout,
        Map<String, String> environment,
        RetentionDays logRetention,
        boolean snapStart) {

    public PhaseFunctionProps {
        Objects.requireNonNull(handlerClass, "handlerClass");
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(logRetention, "logRetention");
        environment = Ordered.copy(environment);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builder of {@link PhaseFunctionProps}. */
    public static final class Builder {
        private String handlerClass;
        private Code code;
        private int memoryMb = 1024;
        private Duration timeout = Duration.seconds(60);
        private final Map<String, String> environment = new LinkedHashMap<>();
        private RetentionDays logRetention = RetentionDays.ONE_MONTH;
        private boolean snapStart;

        private Builder() {
        }

        public Builder handlerClass(String value) {
            this.handlerClass = value;
            return this;
        }

        public Builder code(Code value) {
            this.code = value;
            return this;
        }

        public Builder memoryMb(int value) {
            this.memoryMb = value;
            return this;
        }

        public Builder timeout(Duration value) {
            this.timeout = value;
            return this;
        }

        public Builder environment(String name, String value) {
            this.environment.put(name, value);
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

        public PhaseFunctionProps build() {
            return new PhaseFunctionProps(handlerClass, code, memoryMb, timeout, environment, logRetention, snapStart);
        }
    }
}
