package com.smuscicd.local.bus;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a {@link LocalEventBus} has done so far.
 *
 * @param eventsPublished   events handed to {@code publish}
 * @param archivedFiles     archive files written (one per publish batch and UTC day of its events)
 * @param deliveriesByRule  successful target deliveries per rule name, every loaded rule present
 *                          (in load order, 0 when it matched nothing or is disabled)
 * @param failedDeliveries  deliveries that finally failed and went to the dead-letter file
 *                          (including archive writes that failed)
 */
public record BusStats(long eventsPublished, long archivedFiles, Map<String, Long> deliveriesByRule,
                       long failedDeliveries) {

    public BusStats {
        deliveriesByRule = Collections.unmodifiableMap(new LinkedHashMap<>(deliveriesByRule));
    }

    /** Successful target deliveries over all rules. */
    public long deliveries() {
        return deliveriesByRule.values().stream().mapToLong(Long::longValue).sum();
    }
}
