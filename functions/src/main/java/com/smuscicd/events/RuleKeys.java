package com.smuscicd.events;

import java.util.List;

/**
 * The keys of an EventBridge rule as the project reads rule files (the local bus, and
 * {@code events test-pattern} telling a rule from a bare event pattern): what
 * {@code aws events describe-rule} prints, so that its output can be pasted, and {@code Targets}.
 */
public final class RuleKeys {

    /** Every key a rule may have. */
    public static final List<String> ALL = List.of("Name", "Description", "EventPattern", "State",
            "EventBusName", "Targets", "Arn", "RoleArn", "ManagedBy", "CreatedBy", "ScheduleExpression");

    private RuleKeys() {
    }
}
