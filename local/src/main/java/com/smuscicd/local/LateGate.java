package com.smuscicd.local;

import com.smuscicd.deploy.ExecutionEnding;
import com.smuscicd.errors.PhaseFailedException;
import com.smuscicd.events.DeploymentEvent;
import com.smuscicd.events.EventPublisher;
import com.smuscicd.events.Stage;
import com.smuscicd.events.UndeliveredEventLog;
import com.smuscicd.json.Json;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Passes events on until a stop closes it. While the stop decides, the others' events are held
 * silently; if it settles the deployment, they (and later ones: the still-running task's, now
 * after Deploy-Failed) are written whole to the error stream and kept as late; if it leaves the
 * terminal event to the run, the held ones are sent on, in order, and the gate is open again.
 * When the process must end before the sends are done, {@link #abandon} writes whole what is still
 * held or being sent, so nothing vanishes with the process.
 */
final class LateGate implements EventPublisher {
    private final EventPublisher next;
    /** Events held while the stop decides, then the late ones; guarded by itself. */
    private final List<DeploymentEvent> held = new ArrayList<>();
    private final List<DeploymentEvent> late = new ArrayList<>();
    /** The batches handed on and not yet returned from {@code next} (a send to AWS may hang); guarded by {@link #held}. */
    private final List<List<DeploymentEvent>> inFlight = new ArrayList<>();
    /** The phases whose own end passed the gate: stage value to its event (Completed or Failed). */
    private final Map<String, DeploymentEvent> phaseEnds = new java.util.concurrent.ConcurrentHashMap<>();
    // publishes hold it shared while handing on, so closing waits for one in progress
    private final java.util.concurrent.locks.ReentrantReadWriteLock inProgress =
            new java.util.concurrent.locks.ReentrantReadWriteLock();
    private volatile Thread onlyFrom;
    /** Once the process must end: whatever comes from any thread is late (it could not be confirmed sent). */
    private volatile boolean abandoned;
    /** Once the stop has settled: what is held or comes is late. Guarded by {@link #held}. */
    private boolean settled;

    LateGate(EventPublisher next) {
        this.next = next;
    }

    /**
     * From now on only {@code thread} publishes; waits at most {@code timeout} for a publish in
     * progress (its events have passed: they are in {@link #phaseEnds()} and will be sent).
     */
    void closeToAllBut(Thread thread, Duration timeout) {
        boolean locked = false;
        try {
            locked = inProgress.writeLock().tryLock(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        onlyFrom = thread;
        if (locked) {
            inProgress.writeLock().unlock();
        }
    }

    /** The stop settles the deployment: what was held, and what comes, is late. */
    void settled() {
        synchronized (held) {
            settled = true;
            lateAll(List.copyOf(held));
            held.clear();
        }
    }

    /**
     * Opens the gate to every thread again (a stop that found nothing to settle) and sends on
     * what was held while it was closed: a terminal event among them must not be lost. Waits at
     * most {@code timeout} for a publish in progress; within it, the held events go before any
     * published after the reopening. Without it (a send to AWS still retrying), they are sent all
     * the same, and a publish that found the gate closed but was held only after this
     * ({@link #publish}) is sent by its own thread.
     */
    void reopen(Duration timeout) {
        boolean locked = false;
        try {
            locked = inProgress.writeLock().tryLock(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            List<DeploymentEvent> heldNow;
            synchronized (held) {
                onlyFrom = null;
                heldNow = List.copyOf(held);
                held.clear();
            }
            if (!heldNow.isEmpty()) {
                send(heldNow);
            }
        } finally {
            if (locked) {
                inProgress.writeLock().unlock();
            }
        }
    }

    List<DeploymentEvent> late() {
        synchronized (held) {
            return List.copyOf(late);
        }
    }

    /** Under {@link #held}. */
    private void lateAll(List<DeploymentEvent> events) {
        for (DeploymentEvent event : events) {
            late.add(event);
            System.err.println(UndeliveredEventLog.line(event, null, "PUBLISHED_AFTER_STOP",
                    "published by a task still running after the deployment was ended as stopped", 0));
        }
    }

    /** A phase's Failed event as the cause of a Lambda error ({@code {"errorMessage": "CODE: message"}}). */
    private static String causeOf(DeploymentEvent failed) {
        if (failed.detail().error() == null) {
            return null;
        }
        return Json.write(Json.mapper().createObjectNode().put("errorMessage",
                failed.detail().error().code() + ": " + failed.detail().error().message()));
    }

    /**
     * What the phases that reported their own end published, as attempts of their task states:
     * a Completed is a function that returned, a Failed one that failed the phase itself.
     */
    List<ExecutionEnding.Step> phaseEnds() {
        List<ExecutionEnding.Step> ends = new ArrayList<>();
        phaseEnds.forEach((stage, event) -> {
            String state = Stage.of(stage).phaseName();
            ends.add("completed".equals(event.detail().status())
                    ? ExecutionEnding.Step.attempt(state, ExecutionEnding.Kind.ATTEMPT_SUCCEEDED)
                    : ExecutionEnding.Step.failedAttempt(state, PhaseFailedException.class.getName(), causeOf(event)));
        });
        return ends;
    }

    @Override
    public PublishResult publish(List<DeploymentEvent> batch) {
        inProgress.readLock().lock();
        try {
            Thread only = onlyFrom;
            if (!abandoned && (only == null || only == Thread.currentThread())) {
                return pass(batch);
            }
            // closed: held (or late) under the lock, so that reopening cannot come in between
            List<DeploymentEvent> kept = batch.stream().filter(java.util.Objects::nonNull).toList();
            synchronized (held) {
                if (settled) {
                    lateAll(kept);
                    return new PublishResult(0, kept);
                }
                if (onlyFrom != null) {
                    held.addAll(kept);
                    return new PublishResult(0, kept);
                }
            }
            // reopened (without waiting for the lock) since this publish found the gate closed
            return pass(batch);
        } finally {
            inProgress.readLock().unlock();
        }
    }

    /** Past the gate: the phase ends in it are counted now, before a slow send, and it is sent. */
    private PublishResult pass(List<DeploymentEvent> batch) {
        for (DeploymentEvent event : batch) {
            if (event != null && event.detail() != null && !Stage.DEPLOY.value().equals(event.detail().stage())
                    && ("completed".equals(event.detail().status()) || "failed".equals(event.detail().status()))) {
                phaseEnds.putIfAbsent(event.detail().stage(), event);
            }
        }
        return send(batch);
    }

    /** Hands {@code batch} on, in flight until {@code next} returns: an abandon meanwhile writes it out. */
    private PublishResult send(List<DeploymentEvent> batch) {
        synchronized (held) {
            inFlight.add(batch);
        }
        try {
            return next.publish(batch);
        } finally {
            synchronized (held) {
                // by identity: two batches may be equal
                inFlight.removeIf(b -> b == batch);
            }
        }
    }

    /**
     * The process ends now (a stop's time is up): what is held is written whole to the error stream
     * as not sent, what is still being sent as possibly not delivered, and whatever comes later is
     * late. Each is kept in {@link #late()}.
     */
    void abandon() {
        synchronized (held) {
            abandoned = true;
            settled = true;
            for (List<DeploymentEvent> batch : inFlight) {
                for (DeploymentEvent event : batch) {
                    if (event != null) {
                        late.add(event);
                        System.err.println(UndeliveredEventLog.line(event, null, "UNCONFIRMED_AT_EXIT",
                                "still being sent when the stopped process had to end: it may or may not have"
                                        + " reached the bus", 0));
                    }
                }
            }
            inFlight.clear();
            for (DeploymentEvent event : held) {
                late.add(event);
                System.err.println(UndeliveredEventLog.line(event, null, "NOT_SENT_AT_EXIT",
                        "held while the stopped process decided, which had to end before sending it", 0));
            }
            held.clear();
        }
    }
}
