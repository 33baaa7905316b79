package com.smuscicd.events;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

/** What happened to each event of one publish call, by its position in the call. */
final class Delivery {

    /** Why an event was not delivered, and after how many attempts. */
    record Failure(String code, String message, int attempts) {
    }

    private final boolean[] delivered;
    private final Failure[] failures;

    Delivery(int size) {
        this.delivered = new boolean[size];
        this.failures = new Failure[size];
    }

    void delivered(int index) {
        delivered[index] = true;
    }

    void fail(int index, String code, String message, int attempts) {
        failures[index] = new Failure(code == null ? "Unknown" : code, message, attempts);
    }

    /** Marks every event that is neither delivered nor failed yet as failed. */
    void failRemaining(List<DeploymentEvent> events, String code, String message) {
        for (int i = 0; i < events.size(); i++) {
            if (!delivered[i] && failures[i] == null) {
                fail(i, code, message, 0);
            }
        }
    }

    /** The result, reporting each undelivered event (in order) to {@code onUndelivered}. */
    EventPublisher.PublishResult result(List<DeploymentEvent> events,
                                        BiConsumer<DeploymentEvent, Failure> onUndelivered) {
        int count = 0;
        List<DeploymentEvent> undelivered = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            if (delivered[i]) {
                count++;
                continue;
            }
            Failure failure = failures[i] != null ? failures[i]
                    : new Failure("Unknown", "no result for this event", 0);
            undelivered.add(events.get(i));
            onUndelivered.accept(events.get(i), failure);
        }
        return new EventPublisher.PublishResult(count, undelivered);
    }
}
