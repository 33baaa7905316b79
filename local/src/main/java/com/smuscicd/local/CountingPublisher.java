package com.smuscicd.local;

import com.smuscicd.events.DeploymentEvent;
import com.smuscicd.events.EventPublisher;
import java.util.ArrayList;
import java.util.List;

/**
 * Passes events on to another publisher and remembers what went through, so a local run can report
 * how many events it emitted and which.
 */
public final class CountingPublisher implements EventPublisher {

    private final EventPublisher delegate;
    private final List<DeploymentEvent> events = new ArrayList<>();
    private int undelivered;

    public CountingPublisher(EventPublisher delegate) {
        this.delegate = delegate;
    }

    /**
     * One publish at a time, so that events reach the delegate in the order they were published (a
     * stop's Deploy-Failed after the Completed a phase is still sending); a send that hangs holds
     * the others up, which a stop bounds by its own time ({@code LateGate#abandon}).
     */
    @Override
    public synchronized PublishResult publish(List<DeploymentEvent> batch) {
        events.addAll(batch);
        PublishResult result = delegate.publish(batch);
        undelivered += result.undelivered().size();
        return result;
    }

    /** Every event published so far, in order. */
    public synchronized List<DeploymentEvent> events() {
        return List.copyOf(events);
    }

    /** How many could not be delivered (they were logged whole by the delegate). */
    public synchronized int undelivered() {
        return undelivered;
    }
}
