package com.smuscicd.local.bus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.smuscicd.events.DeploymentEvent;
import com.smuscicd.events.EventPublisher;
import com.smuscicd.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * An {@link EventPublisher} with EventBridge semantics that needs no AWS account.
 *
 * <p>Each published event becomes the full EventBridge envelope ({@link Envelopes#toJson}) and is
 * <ol>
 *   <li>always archived as the monitoring stack archives it in S3, newline-delimited under
 *       {@code <stateDir>/archive/<prefix>YYYY/MM/DD/}, one file per {@link #publish} batch and
 *       UTC day, written atomically: {@code <event id>.json} for an event published alone (as a
 *       deployment publishes them), and for several events a name derived from their ids, so that
 *       publishing the same batch again replaces its file. The archive is the monitoring capture,
 *       not a target, so it always keeps the envelope whatever the rules' targets receive;</li>
 *   <li>matched against every enabled rule with event-ruler, EventBridge's own matcher (through
 *       {@link RuleMatcher}, which gives event-ruler's answer faster for recurring events), and
 *       delivered to each matching rule's targets. Each target receives the envelope, or what its
 *       {@link TargetInput} ({@code Input}, {@code InputPath}, {@code InputTransformer}) makes of
 *       it:
 *       <ul>
 *         <li>a CloudWatch Logs log group {@code arn:aws:logs:...:log-group:/a/b} is the file
 *             {@code <stateDir>/logs/a_b.jsonl}, one log event per line: the envelope or the
 *             input as is, an input spanning lines compacted (JSON) or written as a JSON string
 *             (text) so that it stays one line;</li>
 *         <li>any other AWS target (SNS, Lambda, Step Functions, SQS...) is a user's cloud
 *             resource that cannot run offline, so the delivery is only recorded as "would invoke"
 *             in {@code <stateDir>/targets/<service>.jsonl} as
 *             {@code {"rule":..,"targetId":..,"targetArn":..,"input":..,"event":{...}}}, where
 *             {@code event} is the matched envelope and {@code input} (only for a target with an
 *             input option) what the target would receive: a JSON value, or plain text as a JSON
 *             string;</li>
 *         <li>an {@code HttpEndpoint} receives the envelope or input as a POST body,
 *             {@code application/json} when it is valid JSON, else {@code text/plain}, retried
 *             twice on 5xx, 429 or I/O errors.</li>
 *       </ul></li>
 * </ol>
 * A delivery that finally fails is appended whole (rule, target, error, envelope, and the input
 * when the target transforms it) to
 * {@code <stateDir>/dead-letter.jsonl}, like an EventBridge dead-letter queue: no event is lost
 * and {@link #publish} never throws. An event whose archive file cannot be written is reported
 * in {@link PublishResult#undelivered()} (and dead-lettered); its rules still get it.
 *
 * <p>As with EventBridge, where targets are invoked after {@code PutEvents} returns, {@link #publish}
 * only archives and matches; the target deliveries run afterwards on one background (daemon)
 * thread, in publish order, so each target still receives its events in order while a slow or
 * dead webhook (up to three attempts of the webhook timeout each)
 * never holds up the deployment task that published. The deliveries queued to one log-group or
 * "would invoke" file are appended with one write per file, in order. Whoever needs the deliveries
 * complete (the log-group files, the dead-letter file, {@link #stats()}) calls {@link #drain}
 * first; what a drain cannot wait for is dead-lettered rather than lost. The thread exists only
 * while deliveries are queued, and for a second after, so that a stream of publishes does not start
 * one each.
 *
 * <p>Like EventBridge, the bus fills in an id and a time (from its clock) for events that have
 * none.
 */
public final class LocalEventBus implements EventPublisher {

    /** The monitoring stack's default {@code EventPrefix}. */
    public static final String DEFAULT_ARCHIVE_PREFIX = "smus-events/";
    /** The account id shown in local envelopes unless one is given. */
    public static final String DEFAULT_ACCOUNT = "123456789012";
    /** The region used unless the deployment target's region is given. */
    public static final String DEFAULT_REGION = "us-east-1";

    private static final System.Logger LOG = System.getLogger(LocalEventBus.class.getName());
    /** Event ids become file names: no separators, no leading dot. */
    private static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final Pattern PREFIX = Pattern.compile("([A-Za-z0-9_=-][A-Za-z0-9._=-]*/)*");
    private static final Pattern ACCOUNT = Pattern.compile("[0-9]{12}");
    private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-[0-9]+");
    /** How long the delivery thread waits for more deliveries before it ends. */
    static final Duration IDLE_TIMEOUT = Duration.ofSeconds(1);
    /** Deliveries to files made together at most, so a drain's timeout still gives up on the rest in time. */
    static final int MAX_FILE_RUN = 1024;
    /** The dead-letter error of deliveries a {@link #drain} gave up on. */
    static final String NOT_DELIVERED_IN_TIME = "not delivered before drain timeout";

    private final Path stateDir;
    private final Path archiveDir;
    private final String archivePrefix;
    private final String account;
    private final String region;
    private final Clock clock;
    private final LocalRules rules;
    /** The enabled rules on this bus: the ones its events are matched against. */
    private final List<LocalRule> active;
    private final RuleMatcher matcher;
    private final WebhookSender webhooks;

    /** Guards the counters, the queue and every dead-letter append; never held during a delivery. */
    private final Object lock = new Object();
    private long eventsPublished;
    private long archivedFiles;
    private long failedDeliveries;
    private final Map<String, Long> deliveriesByRule = new LinkedHashMap<>();
    /** Target deliveries not started yet, in publish order. */
    private final ArrayDeque<Delivery> queue = new ArrayDeque<>();
    /** The deliveries the worker is making; null when idle or after a drain gave up on them. */
    private List<Delivery> inFlight;
    /** The delivery thread; null when nothing is queued and it has idled out. */
    private Thread worker;

    private LocalEventBus(Builder builder, WebhookSender webhooks) {
        this.stateDir = builder.stateDir;
        this.archiveDir = builder.stateDir.resolve("archive");
        this.archivePrefix = builder.archivePrefix;
        this.account = builder.account;
        this.region = builder.region;
        this.clock = builder.clock;
        this.rules = builder.rules;
        this.active = rules.enabledOn(builder.eventBusName, account, region);
        this.webhooks = webhooks;
        for (LocalRule rule : rules.all()) {
            deliveriesByRule.put(rule.name(), 0L);
        }
        try {
            this.matcher = RuleMatcher.of(active);
        } catch (IllegalArgumentException e) {
            // LocalRules checked every pattern already; reaching this is a bug, not bad input.
            throw new IllegalStateException("event-ruler rejected a checked pattern", e);
        }
    }

    /** A bus with the defaults (prefix {@value #DEFAULT_ARCHIVE_PREFIX}, no rules) over {@code stateDir}. */
    public static LocalEventBus create(Path stateDir) {
        return builder().stateDir(stateDir).build();
    }

    /** A builder; {@link Builder#stateDir} is required. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Archives the events and queues their deliveries to the matching rules' targets, in order; the
     * deliveries happen in the background (see {@link #drain}).
     *
     * @return {@code delivered}: events archived; {@code undelivered}: events that could not be
     *     archived (they are in the dead-letter file). Target failures do not make an event
     *     undelivered, as with EventBridge, where {@code PutEvents} succeeds regardless of targets.
     */
    @Override
    public PublishResult publish(List<DeploymentEvent> events) {
        if (events == null || events.isEmpty()) {
            return PublishResult.allDelivered(0);
        }
        // One lock for the whole batch, so that a batch's deliveries stay together in the queue.
        synchronized (lock) {
            List<Prepared> prepared = new ArrayList<>(events.size());
            for (DeploymentEvent event : events) {
                if (event == null) {
                    continue;
                }
                eventsPublished++;
                try {
                    prepared.add(prepare(event));
                } catch (RuntimeException e) {
                    // A malformed event (no detail-type, say) must not fail the deployment either.
                    failedDeliveries++;
                    deadLetter(null, "bus", 0, e.toString(), rawEvent(event));
                    prepared.add(new Prepared(event, null, null, null, null));
                }
            }
            archive(prepared);
            int delivered = 0;
            List<DeploymentEvent> undelivered = new ArrayList<>();
            for (Prepared event : prepared) {
                if (event.envelope() != null) {
                    try {
                        deliver(event.envelope(), event.line(), event.received());
                    } catch (RuntimeException e) {
                        // Rules were checked when loaded, so this is a bug; the event must still not be lost.
                        failedDeliveries++;
                        deadLetter(null, "bus", 0, "cannot match the rules: " + e, event.envelope());
                    }
                }
                if (event.archived) {
                    delivered++;
                } else {
                    undelivered.add(event.given());
                }
            }
            startDeliveries();
            return new PublishResult(delivered, undelivered);
        }
    }

    /**
     * Waits until every delivery queued so far has finished, at most {@code timeout}. Deliveries
     * still queued or in progress when the time is up (or the waiting thread is interrupted) are
     * given up: each is dead-lettered with the error "not delivered before drain timeout" (and counted
     * as failed), so nothing is lost silently. A webhook request in progress is interrupted; it
     * may still have reached the endpoint, so that event may be both received and dead-lettered
     * (at least once, as with EventBridge). The bus stays usable afterwards.
     *
     * @return true when everything was delivered (or dead-lettered by its own failure) in time
     */
    public boolean drain(Duration timeout) {
        long deadline = System.nanoTime() + Math.max(0, timeout.toNanos());
        synchronized (lock) {
            while (!queue.isEmpty() || inFlight != null) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    abandonPending(NOT_DELIVERED_IN_TIME);
                    return false;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(lock, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    abandonPending(NOT_DELIVERED_IN_TIME + " (drain interrupted)");
                    return false;
                }
            }
            return true;
        }
    }

    /**
     * Counts of what the bus has done, for the CLI's summary. Deliveries count once finished, so
     * call {@link #drain} first for the whole picture.
     */
    public BusStats stats() {
        synchronized (lock) {
            return new BusStats(eventsPublished, archivedFiles, deliveriesByRule, failedDeliveries);
        }
    }

    /** Where the bus keeps everything. */
    public Path stateDir() {
        return stateDir;
    }

    /**
     * The local stand-in for the archive bucket: events are under
     * {@code <archiveDir>/<archivePrefix>YYYY/MM/DD/}, one file per publish batch and UTC day.
     */
    public Path archiveDir() {
        return archiveDir;
    }

    /** The key prefix of archived events, e.g. {@value #DEFAULT_ARCHIVE_PREFIX}. */
    public String archivePrefix() {
        return archivePrefix;
    }

    /** The directory of the log-group files. */
    public Path logsDir() {
        return stateDir.resolve("logs");
    }

    /** The directory of the "would invoke" records of AWS targets. */
    public Path targetsDir() {
        return stateDir.resolve("targets");
    }

    /** Deliveries that finally failed, one JSON object per line. */
    public Path deadLetterFile() {
        return stateDir.resolve("dead-letter.jsonl");
    }

    /** The rules this bus runs. */
    public LocalRules rules() {
        return rules;
    }

    /** The account id written into envelopes. */
    public String account() {
        return account;
    }

    /** The region written into envelopes. */
    public String region() {
        return region;
    }

    /** The envelope and its JSON line (throws for an event that cannot become an envelope). */
    private Prepared prepare(DeploymentEvent given) {
        Instant received = clock.instant();
        DeploymentEvent event = stamped(given, received);
        ObjectNode envelope = Envelopes.toJson(event, account, region);
        return new Prepared(given, event, envelope, Json.write(envelope), received);
    }

    private DeploymentEvent stamped(DeploymentEvent event, Instant received) {
        if (event.id() != null && event.time() != null) {
            return event;
        }
        return new DeploymentEvent(
                event.id() == null ? UUID.randomUUID().toString() : event.id(),
                event.detailType(),
                event.source(),
                event.time() == null ? received : event.time(),
                event.resources(),
                event.detail());
    }

    /**
     * Writes the batch's events to the archive, one file per UTC day of the batch (usually one),
     * each written atomically; marks the events archived. An event alone in its file keeps the
     * name {@code <event id>.json}; a file of several events is named with a UUID derived from
     * their ids, so publishing the same batch again replaces it rather than doubling it.
     */
    private void archive(List<Prepared> batch) {
        Map<String, List<Prepared>> byDay = new LinkedHashMap<>();
        for (Prepared event : batch) {
            if (event.envelope() == null) {
                continue;
            }
            if (!SAFE_ID.matcher(event.event().id()).matches()) {
                failedDeliveries++;
                deadLetter(null, "archive", 0, "event id cannot be used as a file name: " + event.event().id(),
                        event.envelope());
                continue;
            }
            byDay.computeIfAbsent(Envelopes.archiveDay(archivePrefix, event.event().time()), d -> new ArrayList<>())
                    .add(event);
        }
        for (Map.Entry<String, List<Prepared>> day : byDay.entrySet()) {
            List<Prepared> events = day.getValue();
            // one event that cannot be written (say, text that cannot be encoded) must not take the
            // others down with it: then each gets its own file, as if published alone
            if (events.size() == 1 || writeArchiveFile(day.getKey(), events) != null) {
                events.forEach(event -> archiveAlone(day.getKey(), event));
            }
        }
    }

    private void archiveAlone(String day, Prepared event) {
        String error = writeArchiveFile(day, List.of(event));
        if (error != null) {
            failedDeliveries++;
            deadLetter(null, "archive", 1, error, event.envelope());
        }
    }

    /**
     * Writes {@code events} as one archive file of {@code day}, atomically, and marks them archived:
     * {@code <event id>.json} for one event, else a UUID derived from their ids. Returns null, or
     * why the file could not be written.
     */
    private String writeArchiveFile(String day, List<Prepared> events) {
        StringBuilder ids = new StringBuilder();
        StringBuilder lines = new StringBuilder();
        for (Prepared event : events) {
            ids.append(event.event().id()).append('\n');
            lines.append(event.line()).append('\n');
        }
        String name = events.size() == 1 ? events.get(0).event().id()
                : UUID.nameUUIDFromBytes(ids.toString().getBytes(StandardCharsets.UTF_8)).toString();
        try {
            JsonLines.writeAtomically(archiveDir.resolve(day + name + ".json"), lines);
        } catch (IOException | UncheckedIOException e) {
            return e.toString();
        }
        archivedFiles++;
        events.forEach(event -> event.archived = true);
        return null;
    }

    /** Matches the event and queues one delivery per target of each matching rule (under the lock). */
    private void deliver(ObjectNode envelope, String line, Instant received) {
        if (active.isEmpty()) {
            return;
        }
        Set<String> matched = matcher.matches(envelope);
        if (matched.isEmpty()) {
            return;
        }
        // Rules in load order, not event-ruler's, so files and stats are reproducible.
        for (LocalRule rule : active) {
            if (!matched.contains(rule.name())) {
                continue;
            }
            TargetInputs.Invocation invocation = TargetInputs.Invocation.of(rule.name(), region, account, received);
            for (RuleTarget target : rule.targets()) {
                queue.addLast(new Delivery(rule, target, envelope, line, invocation));
            }
        }
    }

    /** Gets the queued deliveries going: wakes the idle delivery thread, or starts one (under the lock). */
    private void startDeliveries() {
        if (queue.isEmpty()) {
            return;
        }
        if (worker == null) {
            worker = new Thread(this::runDeliveries, "smus-local-bus-delivery");
            worker.setDaemon(true);
            worker.start();
        } else {
            lock.notifyAll();
        }
    }

    /**
     * The next deliveries to make, removed from the queue (under the lock): a webhook delivery
     * alone, or the longest run (at most {@value #MAX_FILE_RUN}) of deliveries to files, which
     * {@link #attemptFiles} writes with one append per file; null when the queue is empty.
     */
    private List<Delivery> nextRun() {
        Delivery first = queue.pollFirst();
        if (first == null) {
            return null;
        }
        if (first.target() instanceof RuleTarget.Webhook) {
            return List.of(first);
        }
        List<Delivery> run = new ArrayList<>();
        run.add(first);
        while (run.size() < MAX_FILE_RUN && !queue.isEmpty() && !(queue.peekFirst().target() instanceof RuleTarget.Webhook)) {
            run.add(queue.pollFirst());
        }
        return run;
    }

    /**
     * The delivery thread: takes deliveries in order until the queue has stayed empty for
     * {@link #IDLE_TIMEOUT}, then ends (so a steady stream of publishes does not start a thread each).
     */
    private void runDeliveries() {
        List<Delivery> run = null;
        try {
            while (true) {
                synchronized (lock) {
                    run = nextRun();
                    inFlight = run;
                    if (run == null) {
                        lock.notifyAll();
                        if (!idle()) {
                            worker = null;
                            return;
                        }
                        continue;
                    }
                    // A drain's interrupt was meant for the deliveries it gave up on, not for these.
                    Thread.interrupted();
                }
                List<Attempt> attempts = run.get(0).target() instanceof RuleTarget.Webhook
                        ? List.of(attempt(run.get(0))) : attemptFiles(run);
                synchronized (lock) {
                    if (inFlight == run) {
                        for (int i = 0; i < run.size(); i++) {
                            record(run.get(i), attempts.get(i));
                        }
                        inFlight = null;
                    } else {
                        for (int i = 0; i < run.size(); i++) {
                            Delivery delivery = run.get(i);
                            Attempt attempt = attempts.get(i);
                            LOG.log(System.Logger.Level.INFO, "a delivery to " + delivery.target().display()
                                    + " of rule " + delivery.rule().name() + " ended (" + (attempt.error() == null
                                    ? "delivered" : attempt.error()) + ") after a drain had dead-lettered it");
                        }
                    }
                    run = null;
                    lock.notifyAll();
                }
            }
        } finally {
            // Reached with deliveries only when an Error escaped: keep what is queued from being stranded.
            synchronized (lock) {
                if (worker == Thread.currentThread()) {
                    if (run != null && inFlight == run) {
                        for (Delivery delivery : run) {
                            failedDeliveries++;
                            deadLetterDelivery(delivery, 0, "the delivery thread failed");
                        }
                        inFlight = null;
                    }
                    worker = null;
                    if (!queue.isEmpty()) {
                        startDeliveries();
                    }
                    lock.notifyAll();
                }
            }
        }
    }

    /** Waits (under the lock) up to {@link #IDLE_TIMEOUT} for deliveries; false when none came. */
    private boolean idle() {
        long deadline = System.nanoTime() + IDLE_TIMEOUT.toNanos();
        while (queue.isEmpty()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            try {
                TimeUnit.NANOSECONDS.timedWait(lock, left);
            } catch (InterruptedException e) {
                // Only a drain interrupts this thread, and then nothing is in flight: go on idling.
                Thread.interrupted();
            }
        }
        return true;
    }

    /**
     * Makes a run of deliveries to log-group and "would invoke" files, without the lock: each
     * file gets the run's lines for it, in order, with one append; when that append fails, every
     * delivery in it fails.
     */
    private List<Attempt> attemptFiles(List<Delivery> run) {
        Attempt[] attempts = new Attempt[run.size()];
        Map<Path, StringBuilder> linesByFile = new LinkedHashMap<>();
        Map<Path, List<Integer>> deliveriesByFile = new LinkedHashMap<>();
        TargetPayload[] payloads = new TargetPayload[run.size()];
        for (int i = 0; i < run.size(); i++) {
            Delivery delivery = run.get(i);
            try {
                TargetPayload payload = TargetInputs.render(delivery.target().input(), delivery.envelope(),
                        delivery.line(), delivery.invocation());
                payloads[i] = payload;
                Path file;
                String line;
                if (delivery.target() instanceof RuleTarget.LogGroup logGroup) {
                    file = logsDir().resolve(logGroup.fileName());
                    line = payload.logLine();
                } else {
                    RuleTarget.AwsService service = (RuleTarget.AwsService) delivery.target();
                    file = targetsDir().resolve(service.service() + ".jsonl");
                    line = wouldInvoke(delivery, service, payload);
                }
                linesByFile.computeIfAbsent(file, f -> new StringBuilder()).append(line).append('\n');
                deliveriesByFile.computeIfAbsent(file, f -> new ArrayList<>()).add(i);
            } catch (RuntimeException e) {
                // Inputs are checked when rules load, so this is a bug; the event must still not be lost.
                attempts[i] = new Attempt(1, "cannot deliver: " + e, payloads[i]);
            }
        }
        for (Map.Entry<Path, StringBuilder> file : linesByFile.entrySet()) {
            String error;
            try {
                JsonLines.appendLines(file.getKey(), file.getValue());
                error = null;
            } catch (IOException | UncheckedIOException e) {
                error = e.toString();
            }
            for (int i : deliveriesByFile.get(file.getKey())) {
                attempts[i] = new Attempt(1, error, payloads[i]);
            }
        }
        return List.of(attempts);
    }

    /**
     * The "would invoke" record of an AWS target: {@code rule}, {@code targetId}, {@code targetArn},
     * {@code input} when the target transforms its input, then the envelope as {@code event}, its
     * JSON line spliced in rather than written out again.
     */
    private static String wouldInvoke(Delivery delivery, RuleTarget.AwsService service, TargetPayload payload) {
        ObjectNode record = Json.mapper().createObjectNode();
        record.put("rule", delivery.rule().name());
        record.put("targetId", service.id());
        record.put("targetArn", service.arn());
        if (transforms(service)) {
            record.set("input", payload.asJsonValue());
        }
        String head = Json.write(record);
        return head.substring(0, head.length() - 1) + ",\"event\":" + delivery.line() + "}";
    }

    /** Makes one webhook delivery, without the lock. */
    private Attempt attempt(Delivery delivery) {
        RuleTarget.Webhook webhook = (RuleTarget.Webhook) delivery.target();
        int attempts = 1;
        String error;
        TargetPayload payload = null;
        try {
            payload = TargetInputs.render(webhook.input(), delivery.envelope(), delivery.line(), delivery.invocation());
            WebhookSender.Outcome outcome = webhooks.post(webhook.endpoint(), payload.text(), payload.contentType());
            attempts = outcome.attempts();
            error = outcome.error();
        } catch (UncheckedIOException e) {
            error = e.toString();
        } catch (RuntimeException e) {
            // Inputs are checked when rules load, so this is a bug; the event must still not be lost.
            error = "cannot deliver: " + e;
        }
        return new Attempt(attempts, error, payload);
    }

    /** Counts a finished delivery, dead-lettering a failed one (under the lock). */
    private void record(Delivery delivery, Attempt attempt) {
        if (attempt.error() == null) {
            deliveriesByRule.merge(delivery.rule().name(), 1L, Long::sum);
        } else {
            failedDeliveries++;
            deadLetter(delivery.rule().name(), delivery.target(), attempt.attempts(), attempt.error(),
                    delivery.envelope(), transforms(delivery.target()) ? attempt.payload() : null);
        }
    }

    /** Gives up on every delivery not finished, in order, and interrupts the one in progress (under the lock). */
    private void abandonPending(String reason) {
        int abandoned = 0;
        if (inFlight != null) {
            for (Delivery delivery : inFlight) {
                failedDeliveries++;
                deadLetterDelivery(delivery, 0, reason);
                abandoned++;
            }
            inFlight = null;
            if (worker != null) {
                worker.interrupt();
            }
        }
        for (Delivery delivery = queue.pollFirst(); delivery != null; delivery = queue.pollFirst()) {
            failedDeliveries++;
            deadLetterDelivery(delivery, 0, reason);
            abandoned++;
        }
        LOG.log(System.Logger.Level.WARNING, abandoned + " deliveries " + reason + "; they are in " + deadLetterFile());
        lock.notifyAll();
    }

    /** Dead-letters a delivery without an attempt's payload, rendering the input again when the target transforms it. */
    private void deadLetterDelivery(Delivery delivery, int attempts, String error) {
        TargetPayload input = null;
        if (transforms(delivery.target())) {
            try {
                input = TargetInputs.render(delivery.target().input(), delivery.envelope(), delivery.line(),
                        delivery.invocation());
            } catch (RuntimeException e) {
                // The envelope alone still lets the event be replayed.
                input = null;
            }
        }
        deadLetter(delivery.rule().name(), delivery.target(), attempts, error, delivery.envelope(), input);
    }

    /** One event of a batch on its way: as given, stamped, as envelope and line; archived once written. */
    private static final class Prepared {
        private final DeploymentEvent given;
        private final DeploymentEvent event;
        private final ObjectNode envelope;
        private final String line;
        private final Instant received;
        private boolean archived;

        /** {@code envelope} null: the event could not become one (it is dead-lettered). */
        Prepared(DeploymentEvent given, DeploymentEvent event, ObjectNode envelope, String line, Instant received) {
            this.given = given;
            this.event = event;
            this.envelope = envelope;
            this.line = line;
            this.received = received;
        }

        DeploymentEvent given() {
            return given;
        }

        DeploymentEvent event() {
            return event;
        }

        ObjectNode envelope() {
            return envelope;
        }

        String line() {
            return line;
        }

        Instant received() {
            return received;
        }
    }

    /** One target's delivery of one event, queued for the delivery thread. */
    private record Delivery(LocalRule rule, RuleTarget target, ObjectNode envelope, String line,
                            TargetInputs.Invocation invocation) {
    }

    /** What became of a delivery: attempts made, the error (null when delivered), the rendered payload. */
    private record Attempt(int attempts, String error, TargetPayload payload) {
    }

    private static boolean transforms(RuleTarget target) {
        return !(target.input() instanceof TargetInput.MatchedEvent);
    }

    /** The event as far as it can be shown when it cannot become an envelope. */
    private static ObjectNode rawEvent(DeploymentEvent event) {
        ObjectNode raw = Json.mapper().createObjectNode();
        raw.put("id", event.id());
        raw.put("detail-type", event.detailType());
        raw.put("source", event.source());
        raw.put("time", event.time() == null ? null : event.time().toString());
        ArrayNode resources = raw.putArray("resources");
        event.resources().forEach(resources::add);
        try {
            raw.set("detail", Json.tree(event.detail()));
        } catch (RuntimeException e) {
            raw.put("detail", String.valueOf(event.detail()));
        }
        return raw;
    }

    private void deadLetter(String rule, RuleTarget target, int attempts, String error, JsonNode event,
                            TargetPayload input) {
        ObjectNode entry = deadLetterEntry(rule, target.display(), attempts, error, event);
        entry.put("targetId", target.id());
        if (input != null) {
            entry.set("input", input.asJsonValue());
        }
        appendDeadLetter(entry);
    }

    private void deadLetter(String rule, String target, int attempts, String error, JsonNode event) {
        appendDeadLetter(deadLetterEntry(rule, target, attempts, error, event));
    }

    private ObjectNode deadLetterEntry(String rule, String target, int attempts, String error, JsonNode event) {
        ObjectNode entry = Json.mapper().createObjectNode();
        entry.put("failedAt", clock.instant().toString());
        if (rule != null) {
            entry.put("rule", rule);
        }
        entry.put("target", target);
        entry.put("attempts", attempts);
        entry.put("error", error);
        entry.set("event", event);
        return entry;
    }

    private void appendDeadLetter(ObjectNode entry) {
        String line = Json.write(entry);
        try {
            JsonLines.append(deadLetterFile(), line);
        } catch (IOException | UncheckedIOException e) {
            // Last resort, so the event is still somewhere: the log, whole.
            LOG.log(System.Logger.Level.ERROR, "cannot write the dead-letter file " + deadLetterFile() + " (" + e
                    + "); undelivered: " + line);
        }
    }

    /** Builds a {@link LocalEventBus}; {@code null} for a setting means its default. */
    public static final class Builder {

        private Path stateDir;
        private String archivePrefix = DEFAULT_ARCHIVE_PREFIX;
        private String account = DEFAULT_ACCOUNT;
        private String region = DEFAULT_REGION;
        private Clock clock = Clock.systemUTC();
        private LocalRules rules = LocalRules.none();
        private String eventBusName = LocalRules.DEFAULT_BUS;
        private HttpClient httpClient;
        private Duration webhookTimeout = Duration.ofSeconds(5);
        private Sleeper sleeper = Sleeper.THREAD;

        private Builder() {
        }

        /** Where the bus keeps its archive, log-group files, target records and dead letters; required. */
        public Builder stateDir(Path stateDir) {
            this.stateDir = stateDir;
            return this;
        }

        /** The archive key prefix: empty, or path segments each ending in {@code /}; default {@value #DEFAULT_ARCHIVE_PREFIX}. */
        public Builder archivePrefix(String archivePrefix) {
            this.archivePrefix = archivePrefix == null ? DEFAULT_ARCHIVE_PREFIX : archivePrefix;
            return this;
        }

        /** The 12-digit account id of the envelopes; default {@value #DEFAULT_ACCOUNT}. */
        public Builder account(String account) {
            this.account = account == null ? DEFAULT_ACCOUNT : account;
            return this;
        }

        /** The region of the envelopes, normally the deployment target's; default {@value #DEFAULT_REGION}. */
        public Builder region(String region) {
            this.region = region == null ? DEFAULT_REGION : region;
            return this;
        }

        /** Stamps events without a time, and dead-letter entries; default the UTC system clock. */
        public Builder clock(Clock clock) {
            this.clock = clock == null ? Clock.systemUTC() : clock;
            return this;
        }

        /**
         * The bus the events are put on (a name or ARN); default {@value LocalRules#DEFAULT_BUS}.
         * Only the rules on it match them; the archive keeps every event.
         */
        public Builder eventBusName(String eventBusName) {
            this.eventBusName = eventBusName == null || eventBusName.isBlank() ? LocalRules.DEFAULT_BUS : eventBusName;
            return this;
        }

        /** The rules to run; default none (events are only archived). */
        public Builder rules(LocalRules rules) {
            this.rules = rules == null ? LocalRules.none() : rules;
            return this;
        }

        /** The client for webhook targets; default one with a 2-second connect timeout, created only when needed. */
        public Builder httpClient(HttpClient httpClient) {
            this.httpClient = httpClient;
            return this;
        }

        /** How long one webhook request may take; default 5 seconds. */
        public Builder webhookTimeout(Duration webhookTimeout) {
            this.webhookTimeout = webhookTimeout == null ? Duration.ofSeconds(5) : webhookTimeout;
            return this;
        }

        Builder sleeper(Sleeper sleeper) {
            this.sleeper = sleeper;
            return this;
        }

        /**
         * The bus; creates {@code stateDir} if needed.
         *
         * @throws NullPointerException without a state directory
         * @throws IllegalArgumentException for a malformed prefix, account or region
         * @throws UncheckedIOException when {@code stateDir} cannot be created
         */
        public LocalEventBus build() {
            Objects.requireNonNull(stateDir, "stateDir is required");
            if (!PREFIX.matcher(archivePrefix).matches()) {
                throw new IllegalArgumentException("archive prefix must be empty or path segments ending in '/'"
                        + " (e.g. smus-events/), not '" + archivePrefix + "'");
            }
            if (!ACCOUNT.matcher(account).matches()) {
                throw new IllegalArgumentException("account must be 12 digits, not '" + account + "'");
            }
            if (!REGION.matcher(region).matches()) {
                throw new IllegalArgumentException("not an AWS region: '" + region + "'");
            }
            try {
                Files.createDirectories(stateDir);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create the local bus state directory " + stateDir, e);
            }
            WebhookSender webhooks = null;
            if (rules.hasWebhooks()) {
                HttpClient client = httpClient != null ? httpClient : HttpClient.newBuilder()
                        .connectTimeout(Duration.ofSeconds(2))
                        .followRedirects(HttpClient.Redirect.NEVER)
                        .build();
                webhooks = new WebhookSender(client, webhookTimeout, sleeper);
            }
            return new LocalEventBus(this, webhooks);
        }
    }
}
