package com.smuscicd.events;

import java.util.List;

/**
 * Delivers deployment events to a bus (EventBridge in the cloud, the local bus offline).
 *
 * <p>Implementations never throw into a deployment: an event that cannot be delivered after the
 * bounded retries is written whole to the structured log and counted in the result.
 */
public interface EventPublisher {

    /**
     * Publishes the events, in order, as far as the bus allows.
     *
     * @return how many were delivered and which could not be
     */
    PublishResult publish(List<DeploymentEvent> events);

    /** What happened to a publish call. */
    record PublishResult(int delivered, List<DeploymentEvent> undelivered) {

        public PublishResult {
            undelivered = List.copyOf(undelivered);
        }

        /** All delivered. */
        public static PublishResult allDelivered(int count) {
            return new PublishResult(count, List.of());
        }
    }
}
