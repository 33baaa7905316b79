package com.smuscicd.local.bus;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * One EventBridge rule as the local bus runs it.
 *
 * @param name          the rule name (unique among the loaded rules)
 * @param eventPattern  the EventBridge event pattern, compact JSON, accepted by event-ruler
 * @param targets       where matched events go, in file order: at least one, except in rules loaded
 *                      only to test their patterns ({@link LocalRules#loadForPatterns})
 * @param enabled       false for {@code "State": "DISABLED"}: the rule matches nothing
 * @param source        the file the rule was read from, or null
 * @param eventBusName  the bus the rule is on ({@code EventBusName}, a name or ARN; null: the default
 *                      bus, as for {@code aws events put-rule} without {@code --event-bus-name})
 */
public record LocalRule(String name, String eventPattern, List<RuleTarget> targets, boolean enabled, Path source,
                        String eventBusName) {

    public LocalRule {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(eventPattern, "eventPattern");
        targets = List.copyOf(targets);
        eventBusName = eventBusName == null ? LocalRules.DEFAULT_BUS : eventBusName;
    }

    /** A rule on the default bus. */
    public LocalRule(String name, String eventPattern, List<RuleTarget> targets, boolean enabled, Path source) {
        this(name, eventPattern, targets, enabled, source, null);
    }
}
