package com.smuscicd.infra;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import software.amazon.awscdk.services.lambda.IFunction;
import software.amazon.awscdk.services.logs.RetentionDays;

/**
 * Settings of {@link DeployStateMachine}.
 *
 * @param definition the ASL file
 * @param functions the function each {@code ${Placeholder}} of the definition stands for
 * @param logRetention retention of the execution log group
 */
public record DeployStateMachineProps(
        StateMachineDefinition definition,
        Map<String, IFunction> functions,
        RetentionDays logRetention) {

    public DeployStateMachineProps {
        Objects.requireNonNull(definition, "definition");
        Objects.requireNonNull(logRetention, "logRetention");
        functions = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(functions));
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builder of {@link DeployStateMachineProps}. */
    public static final class Builder {
        private StateMachineDefinition definition;
        private final Map<String, IFunction> functions = new LinkedHashMap<>();
        private RetentionDays logRetention = RetentionDays.ONE_MONTH;

        private Builder() {
        }

        public Builder definition(StateMachineDefinition value) {
            this.definition = value;
            return this;
        }

        public Builder function(String placeholder, IFunction function) {
            this.functions.put(placeholder, function);
            return this;
        }

        public Builder logRetention(RetentionDays value) {
            this.logRetention = value;
            return this;
        }

        public DeployStateMachineProps build() {
            return new DeployStateMachineProps(definition, functions, logRetention);
        }
    }
}
