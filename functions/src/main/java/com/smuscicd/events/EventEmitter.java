package com.smuscicd.events;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Builds the lifecycle events of one deployment and hands them to an {@link EventPublisher}.
 *
 * <p>It stamps {@code deploymentId}, {@code timestamp} and {@code sequence}. The sequence is a
 * function of the stage and status alone (Deploy-Started is 1, phase k Started is 2k and its end
 * 2k+1, Deploy-Completed is 10, Deploy-Failed follows the failed phase), so the phase functions,
 * which run in separate Lambda invocations, agree on it without sharing state, and a redelivered
 * event carries the same ({@code deploymentId}, {@code sequence}) pair for consumers to de-duplicate.
 *
 * <p>A disabled emitter builds nothing and never calls the publisher.
 */
public final class EventEmitter {

    private final EventPublisher publisher;
    private final boolean enabled;
    private final DeploymentContext context;
    private final Clock clock;
    private final Supplier<String> ids;

    private EventEmitter(EventPublisher publisher, boolean enabled, DeploymentContext context, Clock clock,
                         Supplier<String> ids) {
        this.publisher = publisher;
        this.enabled = enabled;
        this.context = context;
        this.clock = clock;
        this.ids = ids;
    }

    /** An emitter that publishes to {@code publisher}. */
    public static EventEmitter create(EventPublisher publisher, DeploymentContext context, Clock clock) {
        return new EventEmitter(publisher, true, context, clock, () -> UUID.randomUUID().toString());
    }

    /** An emitter that emits nothing (monitoring disabled, or {@code --no-events}). */
    public static EventEmitter disabled(DeploymentContext context, Clock clock) {
        return new EventEmitter(null, false, context, clock, () -> "");
    }

    /** Whether events are emitted at all. */
    public boolean enabled() {
        return enabled;
    }

    /** The context shared by every event. */
    public DeploymentContext context() {
        return context;
    }

    /** Emits {@code <stage>-Started}. */
    public void started(Stage stage) {
        emit(List.of(event(stage, Status.STARTED, null, null, null, null)));
    }

    /** Emits {@code <stage>-Completed} with its duration and details. */
    public void completed(Stage stage, long durationMs, Map<String, Object> details) {
        emit(List.of(event(stage, Status.COMPLETED, durationMs, null, details, null)));
    }

    /** Emits {@code <phase>-Failed}. */
    public void phaseFailed(Stage phase, long durationMs, EventDetail.ErrorInfo error, Map<String, Object> details) {
        if (phase == Stage.DEPLOY) {
            throw new IllegalArgumentException("use deployFailed for the deployment as a whole");
        }
        emit(List.of(event(phase, Status.FAILED, durationMs, error, details, null)));
    }

    /**
     * Emits {@code SMUS-CICD-Deploy-Failed}, preceded by the failed phase's own Failed event when
     * {@code phaseEvent} is true (the phase could not emit it itself), in one publish call.
     *
     * @param failedPhase the phase that failed, or null when the deployment failed before any phase
     */
    public void deployFailed(Stage failedPhase, boolean phaseEvent, long phaseDurationMs, long deployDurationMs,
                             EventDetail.ErrorInfo error, Map<String, Object> details) {
        List<DeploymentEvent> events = new ArrayList<>(2);
        if (phaseEvent && failedPhase != null && failedPhase != Stage.DEPLOY) {
            events.add(event(failedPhase, Status.FAILED, phaseDurationMs, error, null, null));
        }
        events.add(event(Stage.DEPLOY, Status.FAILED, deployDurationMs, error, details, failedPhase));
        emit(events);
    }

    /**
     * The sequence number of an event: deterministic from its place in the deployment.
     *
     * @param failedPhase for Deploy-Failed, the phase that failed (null: before any phase)
     */
    public static int sequenceOf(Stage stage, Status status, Stage failedPhase) {
        if (stage != Stage.DEPLOY) {
            return 2 * stage.position() + (status == Status.STARTED ? 0 : 1);
        }
        return switch (status) {
            case STARTED -> 1;
            case COMPLETED -> 2 * Stage.phases().size() + 2;
            case FAILED -> 2 * (failedPhase == null || failedPhase == Stage.DEPLOY ? 0 : failedPhase.position()) + 2;
        };
    }

    private void emit(List<DeploymentEvent> events) {
        if (!enabled || events.isEmpty()) {
            return;
        }
        try {
            publisher.publish(events);
        } catch (RuntimeException e) {
            // Publishers must not throw; if one does, the deployment goes on and no event is lost silently.
            for (DeploymentEvent event : events) {
                System.err.println(UndeliveredEventLog.line(event, null, "PUBLISHER_ERROR", String.valueOf(e), 0));
            }
        }
    }

    private DeploymentEvent event(Stage stage, Status status, Long durationMs, EventDetail.ErrorInfo error,
                                  Map<String, Object> details, Stage failedPhase) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        EventDetail detail = new EventDetail(
                EventDetail.VERSION,
                now.toString(),
                context.pipelineName(),
                stage.value(),
                status.value(),
                context.target(),
                context.metadata(),
                context.deploymentId(),
                sequenceOf(stage, status, failedPhase),
                durationMs,
                error,
                details == null || details.isEmpty() ? null : frozen(details));
        return new DeploymentEvent(ids.get(), stage.detailType(status), DeploymentEvent.SOURCE, now,
                context.resources(), detail);
    }

    /**
     * A copy of the details in which every map and list is an unmodifiable copy, however deep: an
     * event stays as it was built even when a publisher serializes it later, on another thread
     * ({@link BackgroundPublisher}), and the phase goes on with its own maps and lists.
     */
    private static <K> Map<K, Object> frozen(Map<K, ?> map) {
        Map<K, Object> copy = new LinkedHashMap<>();
        map.forEach((key, value) -> copy.put(key, frozen(value)));
        return Collections.unmodifiableMap(copy);
    }

    private static Object frozen(Object value) {
        if (value instanceof Map<?, ?> map) {
            return frozen(map);
        }
        if (value instanceof Collection<?> collection) {
            List<Object> copy = new ArrayList<>(collection.size());
            collection.forEach(item -> copy.add(frozen(item)));
            return Collections.unmodifiableList(copy);
        }
        return value;
    }
}
