package com.smuscicd.local.bus;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * One EventBridge rule as the local bus runs it.
 *
 * @param name          the rule name (unique among the loaded rules)
 * @param eventPattern  the EventBridge event pattern, compact JSON, accepted by event-ruler
 * @param targets       where matched events go, in file order, at least one
 * @param enabled       false for {@code "State": "DISABLED"}: the rule matches nothing
 * @param source        the file the rule was read from, or null
 */
public record LocalRule(String name, String eventPattern, List<RuleTarget> targets, boolean enabled, Path source) {

    public LocalRule {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(eventPattern, "eventPattern");
        targets = List.copyOf(targets);
    }
}
