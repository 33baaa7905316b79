package com.smuscicd.infra;

import java.util.Objects;
import software.amazon.awscdk.services.sqs.IQueue;
import software.amazon.awscdk.services.stepfunctions.StateMachine;

/**
 * Settings of {@link EndedExecutionsRule}.
 *
 * @param lifecycle       the deployment lifecycle function, which emits Deploy-Failed
 * @param stateMachine    the deploy state machine whose executions are watched
 * @param deadLetterQueue where status change events go that could not be handed to the function
 */
public record EndedExecutionsRuleProps(PhaseFunction lifecycle, StateMachine stateMachine, IQueue deadLetterQueue) {

    public EndedExecutionsRuleProps {
        Objects.requireNonNull(lifecycle, "lifecycle");
        Objects.requireNonNull(stateMachine, "stateMachine");
        Objects.requireNonNull(deadLetterQueue, "deadLetterQueue");
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builder of {@link EndedExecutionsRuleProps}. */
    public static final class Builder {
        private PhaseFunction lifecycle;
        private StateMachine stateMachine;
        private IQueue deadLetterQueue;

        private Builder() {
        }

        public Builder lifecycle(PhaseFunction value) {
            this.lifecycle = value;
            return this;
        }

        public Builder stateMachine(StateMachine value) {
            this.stateMachine = value;
            return this;
        }

        public Builder deadLetterQueue(IQueue value) {
            this.deadLetterQueue = value;
            return this;
        }

        public EndedExecutionsRuleProps build() {
            return new EndedExecutionsRuleProps(lifecycle, stateMachine, deadLetterQueue);
        }
    }
}
