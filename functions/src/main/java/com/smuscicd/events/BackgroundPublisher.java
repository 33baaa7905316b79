package com.smuscicd.events;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Hands each batch to another publisher on one background thread, in the order published, so that
 * the thread that emits (a deployment task) never waits for what publishing costs: the local bus's
 * archive files and rule matching, for example. The delegate sees exactly the calls it would have
 * seen, one at a time, so what it writes is the same as if it were called directly.
 *
 * <p>Only for callers that do not need a batch's outcome: {@link #publish} reports every event
 * accepted, and what the delegate reports is left to the delegate (a counting publisher behind this
 * one, say). Events must not change once published; {@link EventEmitter}'s do not. Whoever needs the
 * events published calls {@link #finish}. A delegate that throws, against the
 * {@link EventPublisher} contract, has its events written whole to the error stream, as
 * {@link EventEmitter} does, so none is lost silently.
 */
public final class BackgroundPublisher implements EventPublisher {

    /** The error code of events logged because {@link #finish} could not wait for them. */
    static final String NOT_PUBLISHED_IN_TIME = "NOT_PUBLISHED_IN_TIME";

    private final EventPublisher delegate;
    private final PrintStream errors;

    /** Guards the queue and the state; never held while the delegate publishes. */
    private final Object lock = new Object();
    /**
     * Held while the delegate publishes: a batch published after {@link #finish} gave up waiting
     * goes after the one the worker may still be publishing, not beside it.
     */
    private final Object delegateLock = new Object();
    private final ArrayDeque<List<DeploymentEvent>> queue = new ArrayDeque<>();
    /** Started with the first batch; it waits for more until {@link #finish}. */
    private Thread worker;
    private boolean busy;
    private boolean finished;

    BackgroundPublisher(EventPublisher delegate, PrintStream errors) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.errors = Objects.requireNonNull(errors, "errors");
    }

    /** A publisher that hands batches to {@code delegate} in the background; problems are logged to stderr. */
    public static BackgroundPublisher create(EventPublisher delegate) {
        return new BackgroundPublisher(delegate, System.err);
    }

    /**
     * Queues the batch for the delegate and returns at once, reporting every event accepted. After
     * {@link #finish}, publishes in the caller's thread instead, so that a late event is not lost
     * (once a batch the worker may still be publishing is done: the delegate gets one call at a time).
     */
    @Override
    public PublishResult publish(List<DeploymentEvent> events) {
        if (events == null || events.isEmpty()) {
            return PublishResult.allDelivered(0);
        }
        // A copy that allows nulls (the delegate decides what a null event means), in case the caller reuses its list.
        List<DeploymentEvent> batch = Collections.unmodifiableList(new ArrayList<>(events));
        synchronized (lock) {
            if (!finished) {
                queue.addLast(batch);
                if (worker == null) {
                    startWorker();
                } else {
                    lock.notifyAll();
                }
                return PublishResult.allDelivered(batch.size());
            }
        }
        deliver(batch);
        return PublishResult.allDelivered(batch.size());
    }

    /**
     * Waits until every batch queued so far has been handed to the delegate and the delegate has
     * returned, at most {@code timeout}; later batches are published in the caller's thread.
     * Batches not yet started when the time is up (or the waiting thread is interrupted) are not
     * published: their events are written whole to the error stream and returned. A batch the
     * delegate is still publishing then is left to finish.
     *
     * @return the events given up on, in order; empty when all were published
     */
    public List<DeploymentEvent> finish(Duration timeout) {
        long deadline = System.nanoTime() + Math.max(0, timeout.toNanos());
        List<DeploymentEvent> givenUp = new ArrayList<>();
        synchronized (lock) {
            finished = true;
            lock.notifyAll();
            try {
                while (!queue.isEmpty() || busy) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        break;
                    }
                    TimeUnit.NANOSECONDS.timedWait(lock, left);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            for (List<DeploymentEvent> batch = queue.pollFirst(); batch != null; batch = queue.pollFirst()) {
                givenUp.addAll(batch);
            }
            lock.notifyAll();
        }
        for (DeploymentEvent event : givenUp) {
            if (event != null) {
                errors.println(UndeliveredEventLog.line(event, null, NOT_PUBLISHED_IN_TIME,
                        "not published before the deployment ended", 0));
            }
        }
        return givenUp;
    }

    /** Starts the thread that publishes the queued batches (under the lock). */
    private void startWorker() {
        worker = new Thread(this::run, "smus-event-publisher");
        worker.setDaemon(true);
        worker.start();
    }

    private void run() {
        boolean done = false;
        try {
            while (true) {
                List<DeploymentEvent> batch;
                synchronized (lock) {
                    while (queue.isEmpty()) {
                        if (finished) {
                            done = true;
                            return;
                        }
                        try {
                            lock.wait();
                        } catch (InterruptedException e) {
                            // Nobody but this class knows the thread; an interrupt does not end the queue.
                            Thread.interrupted();
                        }
                    }
                    batch = queue.pollFirst();
                    busy = true;
                }
                try {
                    deliver(batch);
                } finally {
                    synchronized (lock) {
                        busy = false;
                        lock.notifyAll();
                    }
                }
            }
        } finally {
            synchronized (lock) {
                worker = null;
                // Reached with batches queued only when an Error escaped the delegate: keep them moving.
                if (!done && !queue.isEmpty()) {
                    startWorker();
                }
                lock.notifyAll();
            }
        }
    }

    private void deliver(List<DeploymentEvent> batch) {
        try {
            synchronized (delegateLock) {
                delegate.publish(batch);
            }
        } catch (RuntimeException e) {
            logWhole(batch, e);
        } catch (Error e) {
            // the events first (a stack overflow in a rule, say, leaves memory to write them),
            // then the error goes on: the run method keeps the queue moving
            logWhole(batch, e);
            throw e;
        }
    }

    private void logWhole(List<DeploymentEvent> batch, Throwable cause) {
        for (DeploymentEvent event : batch) {
            if (event != null) {
                errors.println(UndeliveredEventLog.line(event, null, "PUBLISHER_ERROR", String.valueOf(cause), 0));
            }
        }
    }
}
