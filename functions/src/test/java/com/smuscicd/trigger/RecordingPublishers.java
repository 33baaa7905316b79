package com.smuscicd.trigger;

import com.smuscicd.events.DeploymentEvent;
import com.smuscicd.events.EventPublisher;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;

/** In-memory event publishers: every event published, with the bus it was published to. */
public final class RecordingPublishers implements Function<String, EventPublisher> {

    /** One published event and its bus (null: the default bus). */
    public record Published(String bus, DeploymentEvent event) {
    }

    private final List<Published> published = Collections.synchronizedList(new ArrayList<>());

    @Override
    public EventPublisher apply(String bus) {
        return events -> {
            events.forEach(e -> published.add(new Published(bus, e)));
            return EventPublisher.PublishResult.allDelivered(events.size());
        };
    }

    /** Everything published so far, in order. */
    public List<Published> published() {
        return List.copyOf(published);
    }
}
