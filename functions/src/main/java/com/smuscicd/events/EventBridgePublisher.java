package com.smuscicd.events;

import com.smuscicd.json.Json;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.LongUnaryOperator;
import java.util.function.Supplier;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClientBuilder;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequest;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResultEntry;

/**
 * Publishes deployment events to an EventBridge bus with {@code PutEvents}.
 *
 * <p>Requests hold at most {@value #MAX_ENTRIES} entries and at most {@value #MAX_REQUEST_BYTES}
 * bytes of entries, sized the way EventBridge sizes them. Every entry's result is read: entries
 * failing with {@code ThrottlingException} or {@code InternalFailure}, and whole requests failing
 * with throttling, a 5xx or an I/O error, are retried with bounded exponential backoff and full
 * jitter; other errors are final. One publish takes at most {@link #DEFAULT_MAX_PUBLISH_TIME}
 * (its attempts stop, and no attempt outlives it), so a function always has time left to log what
 * was not delivered before Lambda ends it. Each event that is finally not delivered is written to
 * the log sink as one JSON line holding the whole event, so nothing is dropped silently.
 *
 * <p>{@link #publish} never throws: emission must not fail a deployment.
 */
public final class EventBridgePublisher implements EventPublisher {

    /** Most entries EventBridge accepts in one {@code PutEvents} request. */
    public static final int MAX_ENTRIES = 10;

    /**
     * How long one {@link #publish} may take in all: 5 attempts of a request that hangs would
     * otherwise take 5 x 10 s, longer than the trigger function has. Each function's timeout leaves
     * room for its publishes (OrchestratorStackTest checks the trigger's).
     */
    public static final Duration DEFAULT_MAX_PUBLISH_TIME = Duration.ofSeconds(20);

    /** Longest time a publish may be given (a bound, so that deadlines cannot overflow). */
    public static final Duration LONGEST_PUBLISH_TIME = Duration.ofHours(1);

    /** Least time worth starting an attempt with. */
    private static final Duration MIN_ATTEMPT_TIME = Duration.ofMillis(50);

    /** Most bytes of entries (as {@link #entrySize} counts them) in one request, and so for one entry. */
    public static final int MAX_REQUEST_BYTES = 256 * 1024;

    // Documented as retryable per entry; other entry errors (validation, access, size) repeat identically.
    private static final Set<String> RETRYABLE_ENTRY_ERRORS = Set.of("ThrottlingException", "InternalFailure");
    private static final int HTTP_TOO_MANY_REQUESTS = 429;
    private static final int HTTP_SERVER_ERROR = 500;

    private static final Object SHARED_CLIENT_LOCK = new Object();
    private static volatile EventBridgeClient sharedClient;

    private final Supplier<EventBridgeClient> client;
    private final String eventBusName;
    private final Backoff backoff;
    private final Sleeper sleeper;
    private final Consumer<String> logSink;
    private final Duration maxPublishTime;
    private final LongSupplier nanoTime;

    private EventBridgePublisher(Builder builder) {
        this.client = builder.client != null ? constant(builder.client) : EventBridgePublisher::sharedClient;
        this.eventBusName = builder.eventBusName == null || builder.eventBusName.isBlank() ? null
                : builder.eventBusName.trim();
        this.backoff = new Backoff(builder.maxAttempts, builder.baseDelay, builder.maxDelay, builder.jitter);
        this.sleeper = builder.sleeper;
        this.logSink = builder.logSink;
        this.maxPublishTime = builder.maxPublishTime;
        this.nanoTime = builder.nanoTime;
    }

    /**
     * A publisher to {@code busNameOrArn} (null or blank: the account's default bus) through one
     * client shared by every publisher of this JVM, built on first use with the SDK's default region,
     * credentials and endpoint settings ({@code AWS_REGION}, {@code AWS_ENDPOINT_URL},
     * {@code AWS_ENDPOINT_URL_EVENTBRIDGE}, ...) and the URL-connection HTTP client. A client that
     * cannot be built (no region configured) makes every event undelivered and logged, not an exception.
     */
    public static EventBridgePublisher create(String busNameOrArn) {
        return builder().eventBusName(busNameOrArn).build();
    }

    /** A publisher to {@code busNameOrArn} through the given client. */
    public static EventBridgePublisher create(EventBridgeClient client, String busNameOrArn) {
        return builder().client(client).eventBusName(busNameOrArn).build();
    }

    /** A builder with the default retry settings (5 attempts, 100 ms base delay, 2 s max delay). */
    public static Builder builder() {
        return new Builder();
    }

    /** The bus the events go to; null for the default bus. */
    public String eventBusName() {
        return eventBusName;
    }

    @Override
    public PublishResult publish(List<DeploymentEvent> requested) {
        if (requested == null || requested.isEmpty()) {
            return PublishResult.allDelivered(0);
        }
        // Nothing to deliver or log for a null; dropping it keeps the result's list valid.
        List<DeploymentEvent> events = requested.stream().filter(Objects::nonNull).toList();
        Delivery delivery = new Delivery(events.size());
        long deadline = nanoTime.getAsLong() + maxPublishTime.toNanos();
        try {
            List<Pending> sendable = new ArrayList<>(events.size());
            for (int i = 0; i < events.size(); i++) {
                prepare(i, events.get(i), delivery).ifPresent(sendable::add);
            }
            EventBridgeClient eventBridge = client.get();
            for (List<Pending> batch : batches(sendable)) {
                send(eventBridge, batch, delivery, deadline);
            }
        } catch (RuntimeException | LinkageError e) {
            // Unexpected (client construction, a bug): whatever is not settled yet is undelivered.
            delivery.failRemaining(events, errorCode(e), String.valueOf(e.getMessage()));
        }
        return delivery.result(events, this::logUndelivered);
    }

    /** The size of an entry as EventBridge counts it against the request limit. */
    static int entrySize(PutEventsRequestEntry entry) {
        int size = entry.time() != null ? 14 : 0;
        size += utf8Length(entry.source()) + utf8Length(entry.detailType()) + utf8Length(entry.detail());
        if (entry.resources() != null) {
            for (String resource : entry.resources()) {
                size += utf8Length(resource);
            }
        }
        return size;
    }

    /** Splits entries, in order, into requests within the count and size limits. */
    static List<List<Pending>> batches(List<Pending> entries) {
        List<List<Pending>> batches = new ArrayList<>();
        List<Pending> current = new ArrayList<>();
        int bytes = 0;
        for (Pending pending : entries) {
            if (!current.isEmpty() && (current.size() == MAX_ENTRIES || bytes + pending.size() > MAX_REQUEST_BYTES)) {
                batches.add(current);
                current = new ArrayList<>();
                bytes = 0;
            }
            current.add(pending);
            bytes += pending.size();
        }
        if (!current.isEmpty()) {
            batches.add(current);
        }
        return batches;
    }

    private Optional<Pending> prepare(int index, DeploymentEvent event, Delivery delivery) {
        PutEventsRequestEntry entry;
        try {
            entry = PutEventsRequestEntry.builder()
                    .eventBusName(eventBusName)
                    .source(event.source())
                    .detailType(event.detailType())
                    .time(event.time())
                    .resources(event.resources())
                    .detail(Json.write(event.detail()))
                    .build();
        } catch (RuntimeException e) {
            delivery.fail(index, "SerializationFailed", String.valueOf(e.getMessage()), 0);
            return Optional.empty();
        }
        int size = entrySize(entry);
        if (size > MAX_REQUEST_BYTES) {
            delivery.fail(index, "EntryTooLarge",
                    "entry is " + size + " bytes, EventBridge accepts at most " + MAX_REQUEST_BYTES, 0);
            return Optional.empty();
        }
        return Optional.of(new Pending(index, entry, size));
    }

    private void send(EventBridgeClient eventBridge, List<Pending> batch, Delivery delivery, long deadline) {
        List<Pending> remaining = batch;
        int attempts = 0;
        while (!remaining.isEmpty()) {
            if (attempts == backoff.maxAttempts()) {
                fail(remaining, null, attempts, delivery);
                return;
            }
            Duration delay = attempts == 0 ? Duration.ZERO : backoff.delay(attempts);
            if (deadline - nanoTime.getAsLong() < delay.toNanos() + MIN_ATTEMPT_TIME.toNanos()) {
                // no time for another attempt: log them now, while the function still can
                timeSpent(remaining, attempts, delivery);
                return;
            }
            if (attempts > 0 && !pause(delay)) {
                fail(remaining, " (retry interrupted)", attempts, delivery);
                return;
            }
            // the wait may have run over: an attempt gets what is left, and none starts with less than
            // the minimum (the SDK takes a call timeout under 1 ms as none at all)
            long left = deadline - nanoTime.getAsLong();
            if (left < MIN_ATTEMPT_TIME.toNanos()) {
                timeSpent(remaining, attempts, delivery);
                return;
            }
            attempts++;
            remaining = attempt(eventBridge, remaining, attempts, delivery,
                    Duration.ofMillis(TimeUnit.NANOSECONDS.toMillis(left)));
        }
    }

    /** Fails what is left of a batch because this publish has no time left for another attempt. */
    private void timeSpent(List<Pending> remaining, int attempts, Delivery delivery) {
        if (attempts == 0) {
            fail(failedWith(remaining, "PublishTimeSpent", "not sent: an earlier request of this publish used its "
                    + maxPublishTime.toMillis() + " ms"), null, 0, delivery);
        } else {
            fail(remaining, " (not retried: this publish had used its " + maxPublishTime.toMillis() + " ms)",
                    attempts, delivery);
        }
    }

    /** Sends the entries once, for at most {@code timeLeft}; returns those to retry. */
    private List<Pending> attempt(EventBridgeClient eventBridge, List<Pending> entries, int attempt,
                                  Delivery delivery, Duration timeLeft) {
        PutEventsResponse response;
        try {
            response = eventBridge.putEvents(PutEventsRequest.builder()
                    .entries(entries.stream().map(Pending::entry).toList())
                    // the client's own attempt timeout still applies; this caps the call at the budget
                    .overrideConfiguration(o -> o.apiCallTimeout(timeLeft))
                    .build());
        } catch (AwsServiceException e) {
            List<Pending> failed = failedWith(entries, errorCode(e), e.getMessage());
            if (retryable(e)) {
                return failed;
            }
            fail(failed, null, attempt, delivery);
            return List.of();
        } catch (SdkClientException e) {
            // I/O, timeouts, connection refused: the request may not have reached the service.
            return failedWith(entries, errorCode(e), e.getMessage());
        }
        List<PutEventsResultEntry> results = response.entries();
        List<Pending> retry = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            Pending pending = entries.get(i);
            PutEventsResultEntry result = i < results.size() ? results.get(i) : null;
            if (result == null) {
                // A response shorter than the request says nothing about this entry: resend it.
                retry.add(pending.failedWith("MissingResultEntry",
                        "PutEvents returned " + results.size() + " results for " + entries.size() + " entries"));
            } else if (result.errorCode() == null || result.errorCode().isEmpty()) {
                delivery.delivered(pending.index());
            } else if (RETRYABLE_ENTRY_ERRORS.contains(result.errorCode())) {
                retry.add(pending.failedWith(result.errorCode(), result.errorMessage()));
            } else {
                delivery.fail(pending.index(), result.errorCode(), result.errorMessage(), attempt);
            }
        }
        return retry;
    }

    private static boolean retryable(AwsServiceException e) {
        return e.isThrottlingException()
                || e.statusCode() == HTTP_TOO_MANY_REQUESTS
                || e.statusCode() >= HTTP_SERVER_ERROR
                || (e.awsErrorDetails() != null
                    && RETRYABLE_ENTRY_ERRORS.contains(e.awsErrorDetails().errorCode()));
    }

    private static List<Pending> failedWith(List<Pending> pending, String code, String message) {
        return pending.stream().map(p -> p.failedWith(code, message)).toList();
    }

    private static void fail(List<Pending> pending, String note, int attempts, Delivery delivery) {
        for (Pending p : pending) {
            String message = note == null ? p.errorMessage() : p.errorMessage() + note;
            delivery.fail(p.index(), p.errorCode(), message, attempts);
        }
    }

    private boolean pause(Duration delay) {
        try {
            sleeper.sleep(delay);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void logUndelivered(DeploymentEvent event, Delivery.Failure failure) {
        try {
            logSink.accept(UndeliveredEventLog.line(event, eventBusName, failure.code(), failure.message(),
                    failure.attempts()));
        } catch (RuntimeException e) {
            // The log is the last resort; if even it fails there is nowhere left to report to.
        }
    }

    private static String errorCode(Throwable e) {
        if (e instanceof AwsServiceException service && service.awsErrorDetails() != null
                && service.awsErrorDetails().errorCode() != null) {
            return service.awsErrorDetails().errorCode();
        }
        return e.getClass().getSimpleName();
    }

    private static int utf8Length(String value) {
        return value == null ? 0 : value.getBytes(StandardCharsets.UTF_8).length;
    }

    private static Supplier<EventBridgeClient> constant(EventBridgeClient client) {
        return () -> client;
    }

    private static EventBridgeClient sharedClient() {
        EventBridgeClient client = sharedClient;
        if (client == null) {
            synchronized (SHARED_CLIENT_LOCK) {
                client = sharedClient;
                if (client == null) {
                    client = newDefaultClient();
                    sharedClient = client;
                }
            }
        }
        return client;
    }

    /**
     * A client configured from the SDK's default chains: region, credentials and the standard
     * endpoint settings are left to the SDK so the same code reaches AWS or a local emulator.
     */
    static EventBridgeClient newDefaultClient() {
        return newClient(false);
    }

    /**
     * A publisher to {@code busNameOrArn} whose requests go through the SDK's whole pipeline but are
     * answered without a network ({@link DryRun}), with one attempt and nothing logged: for priming only.
     */
    public static EventPublisher dryRun(String busNameOrArn) {
        return builder().client(newClient(true)).eventBusName(busNameOrArn).maxAttempts(1)
                .logSink(line -> { }).build();
    }

    /** Builds the shared client now (before a SnapStart snapshot) instead of at the first publish. */
    public static void buildSharedClient() {
        sharedClient();
    }

    private static EventBridgeClient newClient(boolean dryRun) {
        EventBridgeClientBuilder builder = EventBridgeClient.builder()
                .httpClientBuilder(UrlConnectionHttpClient.builder()
                        .connectionTimeout(Duration.ofSeconds(2))
                        .socketTimeout(Duration.ofSeconds(10)))
                // This publisher retries requests and entries itself, with jitter and one bound;
                // SDK retries underneath would multiply the attempts.
                .overrideConfiguration(c -> c
                        .retryStrategy(AwsRetryStrategy.doNotRetry())
                        .apiCallAttemptTimeout(Duration.ofSeconds(10)));
        return (dryRun ? DryRun.configure(builder) : builder).build();
    }

    /** Waits between attempts; replaced in tests to run without real delays. */
    @FunctionalInterface
    interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    /** An entry on its way, with its position in the publish call and the error of its last attempt. */
    record Pending(int index, PutEventsRequestEntry entry, int size, String errorCode, String errorMessage) {

        Pending(int index, PutEventsRequestEntry entry, int size) {
            this(index, entry, size, null, null);
        }

        Pending failedWith(String code, String message) {
            return new Pending(index, entry, size, code, message);
        }
    }

    /** Builds an {@link EventBridgePublisher}. */
    public static final class Builder {

        private EventBridgeClient client;
        private String eventBusName;
        private int maxAttempts = Backoff.DEFAULT_MAX_ATTEMPTS;
        private Duration baseDelay = Backoff.DEFAULT_BASE_DELAY;
        private Duration maxDelay = Backoff.DEFAULT_MAX_DELAY;
        private LongUnaryOperator jitter = Backoff.FULL_JITTER;
        private Sleeper sleeper = duration -> Thread.sleep(duration.toMillis());
        private Consumer<String> logSink = System.err::println;
        private Duration maxPublishTime = DEFAULT_MAX_PUBLISH_TIME;
        private LongSupplier nanoTime = System::nanoTime;

        private Builder() {
        }

        /** The client to use; without one, the JVM-wide default client. */
        public Builder client(EventBridgeClient client) {
            this.client = client;
            return this;
        }

        /** An event bus name or ARN; null or blank for the account's default bus. */
        public Builder eventBusName(String eventBusNameOrArn) {
            this.eventBusName = eventBusNameOrArn;
            return this;
        }

        /** Attempts per entry, the first included (default 5). */
        public Builder maxAttempts(int maxAttempts) {
            this.maxAttempts = maxAttempts;
            return this;
        }

        /** Upper bound of the first retry's wait, doubled at each retry (default 100 ms). */
        public Builder baseDelay(Duration baseDelay) {
            this.baseDelay = Objects.requireNonNull(baseDelay, "baseDelay");
            return this;
        }

        /** Largest upper bound of a retry's wait (default 2 s). */
        public Builder maxDelay(Duration maxDelay) {
            this.maxDelay = Objects.requireNonNull(maxDelay, "maxDelay");
            return this;
        }

        /** Where the line of each undelivered event goes (default: standard error, one line each). */
        public Builder logSink(Consumer<String> logSink) {
            this.logSink = Objects.requireNonNull(logSink, "logSink");
            return this;
        }

        /** How long one publish may take in all, attempts and waits (default {@link #DEFAULT_MAX_PUBLISH_TIME}). */
        public Builder maxPublishTime(Duration maxPublishTime) {
            if (maxPublishTime == null || maxPublishTime.compareTo(MIN_ATTEMPT_TIME) < 0
                    || maxPublishTime.compareTo(LONGEST_PUBLISH_TIME) > 0) {
                throw new IllegalArgumentException("maxPublishTime must be from " + MIN_ATTEMPT_TIME.toMillis()
                        + " ms to " + LONGEST_PUBLISH_TIME + ", got " + maxPublishTime);
            }
            this.maxPublishTime = maxPublishTime;
            return this;
        }

        Builder nanoTime(LongSupplier nanoTime) {
            this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
            return this;
        }

        Builder sleeper(Sleeper sleeper) {
            this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
            return this;
        }

        Builder jitter(LongUnaryOperator jitter) {
            this.jitter = Objects.requireNonNull(jitter, "jitter");
            return this;
        }

        /** The publisher; fails on inconsistent retry settings. */
        public EventBridgePublisher build() {
            return new EventBridgePublisher(this);
        }
    }
}
