package com.smuscicd.events;

import java.time.Instant;
import java.util.List;

/**
 * One event as handed to an {@link EventPublisher}: the EventBridge envelope fields we set, and the detail.
 *
 * @param id         a unique id of this event (used as archive file name and for de-duplication)
 * @param detailType e.g. {@code SMUS-CICD-Deploy-Started}
 * @param source     always {@link #SOURCE}
 * @param time       the envelope time
 * @param resources  ARNs the event is about (execution, project, bucket), possibly empty
 * @param detail     the detail
 */
public record DeploymentEvent(
        String id,
        String detailType,
        String source,
        Instant time,
        List<String> resources,
        EventDetail detail) {

    /** The source of every event this project emits. */
    public static final String SOURCE = "com.amazon.smus.cicd";

    public DeploymentEvent {
        resources = resources == null ? List.of() : List.copyOf(resources);
    }
}
