package com.smuscicd.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class BackgroundPublisherTest {

    private static final Duration GENEROUS = Duration.ofSeconds(30);

    private final ByteArrayOutputStream errors = new ByteArrayOutputStream();

    @Test
    void publish_handsEachBatchToTheDelegateInOrder_onAnotherThread() {
        List<DeploymentEvent> events = TestEvents.success();
        Recording delegate = new Recording();
        BackgroundPublisher publisher = publisher(delegate);

        for (DeploymentEvent event : events) {
            assertThat(publisher.publish(List.of(event))).isEqualTo(EventPublisher.PublishResult.allDelivered(1));
        }
        List<DeploymentEvent> givenUp = publisher.finish(GENEROUS);

        assertThat(givenUp).isEmpty();
        assertThat(delegate.batches).containsExactlyElementsOf(events.stream().map(List::of).toList());
        assertThat(delegate.threads).doesNotContain(Thread.currentThread().getName());
        assertThat(errors.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void publish_returnsWhileTheDelegateIsStillPublishing() throws Exception {
        CountDownLatch released = new CountDownLatch(1);
        List<Boolean> sawRelease = Collections.synchronizedList(new ArrayList<>());
        BackgroundPublisher publisher = publisher(batch -> {
            // Were publish synchronous, this would wait out its whole bound and record false.
            try {
                sawRelease.add(released.await(30, TimeUnit.SECONDS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return EventPublisher.PublishResult.allDelivered(batch.size());
        });

        publisher.publish(List.of(TestEvents.success().get(0)));
        released.countDown();
        publisher.finish(GENEROUS);

        assertThat(sawRelease).containsExactly(true);
    }

    @Test
    void finish_whenTheDelegateIsStuck_givesUpOnQueuedBatchesAndLogsTheirEventsWhole() throws Exception {
        List<DeploymentEvent> events = TestEvents.success();
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Recording delegate = new Recording() {
            @Override
            public PublishResult publish(List<DeploymentEvent> batch) {
                entered.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return super.publish(batch);
            }
        };
        BackgroundPublisher publisher = publisher(delegate);
        publisher.publish(List.of(events.get(0)));
        assertThat(entered.await(30, TimeUnit.SECONDS)).isTrue();
        publisher.publish(List.of(events.get(1)));
        publisher.publish(List.of(events.get(2), events.get(3)));

        List<DeploymentEvent> givenUp = publisher.finish(Duration.ofMillis(50));
        release.countDown();

        assertThat(givenUp).containsExactly(events.get(1), events.get(2), events.get(3));
        String log = errors.toString(StandardCharsets.UTF_8);
        assertThat(log.lines()).hasSize(3).allSatisfy(line -> assertThat(line)
                .contains(BackgroundPublisher.NOT_PUBLISHED_IN_TIME).contains("\"detail\":{"));
        assertThat(log).contains(events.get(1).id()).contains(events.get(3).id()).doesNotContain(events.get(0).id());
    }

    @Test
    void publish_afterFinish_publishesInTheCallersThread() {
        Recording delegate = new Recording();
        BackgroundPublisher publisher = publisher(delegate);
        publisher.finish(GENEROUS);
        DeploymentEvent late = TestEvents.success().get(9);

        publisher.publish(List.of(late));

        assertThat(delegate.batches).containsExactly(List.of(late));
        assertThat(delegate.threads).containsExactly(Thread.currentThread().getName());
    }

    @Test
    void publish_afterFinishGaveUpWhileABatchIsStillPublishing_waitsForItThenPublishes() throws Exception {
        List<DeploymentEvent> events = TestEvents.success();
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch firstEntered = new CountDownLatch(1);
        CountDownLatch secondEntered = new CountDownLatch(1);
        List<Integer> overlapping = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger inside = new AtomicInteger();
        Recording delegate = new Recording() {
            @Override
            public PublishResult publish(List<DeploymentEvent> batch) {
                overlapping.add(inside.incrementAndGet());
                try {
                    if (firstEntered.getCount() > 0) {
                        firstEntered.countDown();
                        release.await(30, TimeUnit.SECONDS);
                    } else {
                        secondEntered.countDown();
                    }
                    return super.publish(batch);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return super.publish(batch);
                } finally {
                    inside.decrementAndGet();
                }
            }
        };
        BackgroundPublisher publisher = publisher(delegate);
        publisher.publish(List.of(events.get(0)));
        assertThat(firstEntered.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(publisher.finish(Duration.ofMillis(20))).isEmpty();

        Thread late = new Thread(() -> publisher.publish(List.of(events.get(1))));
        late.start();
        boolean enteredBeside = secondEntered.await(300, TimeUnit.MILLISECONDS);
        release.countDown();
        late.join(30_000);

        assertThat(enteredBeside).as("the late batch reached the delegate during the first").isFalse();
        assertThat(overlapping).containsExactly(1, 1);
        assertThat(delegate.batches).containsExactly(List.of(events.get(0)), List.of(events.get(1)));
        assertThat(errors.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("publisherFailures")
    void publish_whenTheDelegateFails_logsTheEventsWholeAndGoesOn(Throwable failure) {
        List<DeploymentEvent> events = TestEvents.success();
        Recording delegate = new Recording() {
            @Override
            public PublishResult publish(List<DeploymentEvent> batch) {
                if (batch.contains(events.get(0))) {
                    if (failure instanceof Error error) {
                        throw error;
                    }
                    throw (RuntimeException) failure;
                }
                return super.publish(batch);
            }
        };
        BackgroundPublisher publisher = publisher(delegate);

        publisher.publish(List.of(events.get(0)));
        publisher.publish(List.of(events.get(1)));
        List<DeploymentEvent> givenUp = publisher.finish(GENEROUS);

        assertThat(givenUp).isEmpty();
        assertThat(delegate.batches).containsExactly(List.of(events.get(1)));
        assertThat(errors.toString(StandardCharsets.UTF_8)).contains("PUBLISHER_ERROR").contains(failure.getMessage())
                .contains(events.get(0).id());
    }

    /** A publisher bug (against the contract) and an Error such as a stack overflow in a rule. */
    static List<Throwable> publisherFailures() {
        return List.of(new IllegalStateException("publisher bug"), new StackOverflowError("deep rule"));
    }

    @Test
    void publish_whenTheCallerReusesItsList_publishesWhatWasPassed() {
        List<DeploymentEvent> events = TestEvents.success();
        Recording delegate = new Recording();
        BackgroundPublisher publisher = publisher(delegate);
        List<DeploymentEvent> reused = new ArrayList<>(List.of(events.get(0)));

        publisher.publish(reused);
        reused.set(0, events.get(1));
        publisher.finish(GENEROUS);

        assertThat(delegate.batches).containsExactly(List.of(events.get(0)));
    }

    @Test
    void finish_whenNothingWasPublished_returnsAtOnceWithNothingGivenUp() {
        Recording delegate = new Recording();

        assertThat(publisher(delegate).finish(Duration.ZERO)).isEmpty();
        assertThat(delegate.batches).isEmpty();
    }

    private BackgroundPublisher publisher(EventPublisher delegate) {
        return new BackgroundPublisher(delegate, new PrintStream(errors, true, StandardCharsets.UTF_8));
    }

    /** Records each batch and the thread that published it. */
    private static class Recording implements EventPublisher {

        final List<List<DeploymentEvent>> batches = Collections.synchronizedList(new ArrayList<>());
        final List<String> threads = Collections.synchronizedList(new ArrayList<>());

        @Override
        public PublishResult publish(List<DeploymentEvent> batch) {
            batches.add(List.copyOf(batch));
            threads.add(Thread.currentThread().getName());
            return PublishResult.allDelivered(batch.size());
        }
    }
}
