package com.smuscicd.metrics;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.smuscicd.events.DeploymentEvent;
import com.smuscicd.events.EventEmitter;
import com.smuscicd.events.Stage;
import com.smuscicd.events.Status;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Writes a realistic synthetic event archive in the layout the monitoring stack and the local bus
 * use ({@code <out>/smus-events/YYYY/MM/DD/<name>.json}, newline-delimited envelopes), for
 * benchmarks and demos.
 *
 * <p>It models what real archives contain: many pipelines and targets deploying at different
 * rates, phase failures with their error codes, re-runs of a failed commit, Firehose-style files
 * holding every event of a five-minute window in arrival (not sequence) order, some local-bus
 * style one-event files, late events written to a later window's file, at-least-once duplicates,
 * and usually a deployment still in flight where the requested count cuts it off. The output is a pure function of the options
 * (seed included), so benchmark runs are reproducible.
 */
public final class SyntheticArchive {

    /** How the archive is generated; {@link #defaults(Path, long)} gives sensible values. */
    public record Options(
            Path out,
            long events,
            long seed,
            int pipelines,
            int days,
            LocalDate end,
            double duplicateRate,
            double singleFileRate,
            double lateRate) {

        /** The defaults: 40 pipelines over the 90 days before today (UTC), 1% duplicates. */
        public static Options defaults(Path out, long events) {
            return new Options(out, events, 42L, 40, 90, LocalDate.now(ZoneOffset.UTC), 0.01, 0.02, 0.005);
        }

        /** These options with another end day (exclusive). */
        public Options withEnd(LocalDate newEnd) {
            return new Options(out, events, seed, pipelines, days, newEnd, duplicateRate, singleFileRate, lateRate);
        }

        /** These options with another seed. */
        public Options withSeed(long newSeed) {
            return new Options(out, events, newSeed, pipelines, days, end, duplicateRate, singleFileRate, lateRate);
        }

        /** These options with another number of pipelines and days. */
        public Options withShape(int newPipelines, int newDays) {
            return new Options(out, events, seed, newPipelines, newDays, end, duplicateRate, singleFileRate, lateRate);
        }
    }

    /** What was written. */
    public record Summary(long events, long deployments, long duplicates, long files) {
    }

    private static final String PREFIX = "smus-events";
    private static final long WINDOW_MS = Duration.ofMinutes(5).toMillis();
    private static final DateTimeFormatter DAY_DIR = DateTimeFormatter.ofPattern("yyyy/MM/dd").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter FIREHOSE_NAME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd-HH-mm-ss").withZone(ZoneOffset.UTC);
    private static final String[] TARGETS = {"dev", "test", "prod"};
    private static final String[] TARGET_STAGES = {"DEV", "TEST", "PROD"};
    private static final double[] TARGET_RATE = {0.5, 0.3, 0.2};
    private static final double[] TARGET_FAILURE = {0.18, 0.12, 0.06};
    private static final String[] PLATFORMS = {"github-actions", "gitlab-ci", "jenkins", "circleci", "codebuild"};
    private static final String[] WORDS = {"sales", "churn", "forecast", "inventory", "fraud", "pricing", "supply",
        "marketing", "risk", "claims", "billing", "ledger", "search", "ads", "reviews", "logistics"};
    private static final String[][] ERROR_CODES = {
        {"DOMAIN_NOT_FOUND", "PROJECT_CREATION_FAILED", "ACCESS_DENIED"},
        {"BUNDLE_NOT_FOUND", "S3_ACCESS_DENIED", "BUNDLE_TOO_LARGE"},
        {"WORKFLOW_DEFINITION_INVALID", "CONNECTION_NOT_FOUND", "THROTTLED"},
        {"ASSET_NOT_FOUND", "SUBSCRIPTION_REJECTED"},
    };
    /** Median phase durations in ms, in phase order. */
    private static final long[] PHASE_MEDIAN_MS = {2_500, 5_000, 18_000, 12_000};

    private final Options options;
    private final Random random;
    private final JsonFactory json = new JsonFactory();
    private final TreeMap<Long, List<String>> windows = new TreeMap<>();
    private final List<Series> series = new ArrayList<>();
    private long written;
    private long duplicates;
    private long files;
    private long deployments;

    private SyntheticArchive(Options options) {
        this.options = options;
        this.random = new Random(options.seed());
    }

    /** Generates the archive described by {@code options}. */
    public static Summary generate(Options options) {
        return new SyntheticArchive(options).run();
    }

    /** {@code java -cp ... com.smuscicd.metrics.SyntheticArchive --out DIR --events N [--seed S] [--end YYYY-MM-DD]}. */
    public static void main(String[] args) {
        Path out = null;
        long events = 1_000_000;
        Long seed = null;
        LocalDate end = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--out" -> out = Path.of(args[++i]);
                case "--events" -> events = Long.parseLong(args[++i]);
                case "--seed" -> seed = Long.parseLong(args[++i]);
                case "--end" -> end = LocalDate.parse(args[++i]);
                default -> throw new IllegalArgumentException("unknown option: " + args[i]);
            }
        }
        if (out == null) {
            throw new IllegalArgumentException("--out DIR is required");
        }
        Options options = Options.defaults(out, events);
        if (seed != null) {
            options = options.withSeed(seed);
        }
        if (end != null) {
            options = options.withEnd(end);
        }
        Summary summary = generate(options);
        System.out.printf(Locale.ROOT, "wrote %d events (%d deployments, %d duplicates) in %d files under %s%n",
                summary.events(), summary.deployments(), summary.duplicates(), summary.files(), out);
    }

    private Summary run() {
        buildSeries();
        long endMs = options.end().atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
        long startMs = endMs - Duration.ofDays(options.days()).toMillis();
        // ~9.4 events per deployment on average, plus duplicates: pace deployments so the
        // requested count is reached near the end of the window
        double expectedDeployments = options.events() / (9.4 * (1 + options.duplicateRate()));
        double meanGapMs = (endMs - startMs - Duration.ofHours(2).toMillis()) / Math.max(1.0, expectedDeployments);
        long clock = startMs;
        List<Pending> retries = new ArrayList<>();
        while (written < options.events()) {
            clock += (long) Math.max(1, -Math.log(1 - random.nextDouble()) * meanGapMs);
            Series s = pickSeries();
            Pending retry = takeDueRetry(retries, clock);
            if (retry != null) {
                s = retry.series();
            }
            String commit = retry != null ? retry.commit() : hex(40);
            long commitMs = retry != null ? retry.commitMs()
                    : clock - (long) (Duration.ofMinutes(10).toMillis() * Math.exp(random.nextGaussian() * 1.3 + 1));
            boolean failed = deploy(s, clock, commit, commitMs);
            if (failed && random.nextDouble() < 0.7) {
                long at = clock + Duration.ofMinutes(10 + random.nextInt(240)).toMillis();
                retries.add(new Pending(s, at, commit, commitMs));
            }
            flushWindowsBefore(clock - Duration.ofHours(1).toMillis());
        }
        flushWindowsBefore(Long.MAX_VALUE);
        return new Summary(written, deployments, duplicates, files);
    }

    private void buildSeries() {
        for (int p = 0; p < options.pipelines(); p++) {
            String name = capitalize(WORDS[p % WORDS.length]) + capitalize(WORDS[(p * 7 + 3) % WORDS.length])
                    + "Pipeline" + (p >= WORDS.length ? String.valueOf(p / WORDS.length) : "");
            // pipelines differ in how busy and how fragile they are
            double activity = 0.2 + random.nextDouble() * 1.8;
            double fragility = 0.3 + random.nextDouble() * 1.4;
            String repo = "https://github.com/example-org/" + name.toLowerCase(Locale.ROOT);
            String platform = PLATFORMS[p % PLATFORMS.length];
            String region = p % 3 == 0 ? "us-west-2" : "us-east-1";
            for (int t = 0; t < TARGETS.length; t++) {
                series.add(new Series(name, TARGETS[t], TARGET_STAGES[t], activity * TARGET_RATE[t],
                        Math.min(0.9, TARGET_FAILURE[t] * fragility), repo, platform, region,
                        "domain-" + (p % 4), name.toLowerCase(Locale.ROOT) + "-" + TARGETS[t]));
            }
        }
    }

    private Series pickSeries() {
        double total = 0;
        for (Series s : series) {
            total += s.weight();
        }
        double r = random.nextDouble() * total;
        for (Series s : series) {
            r -= s.weight();
            if (r <= 0) {
                return s;
            }
        }
        return series.get(series.size() - 1);
    }

    private static Pending takeDueRetry(List<Pending> retries, long clock) {
        for (int i = 0; i < retries.size(); i++) {
            if (retries.get(i).at() <= clock) {
                return retries.remove(i);
            }
        }
        return null;
    }

    /** Emits one deployment's events; returns whether it failed. */
    private boolean deploy(Series s, long startMs, String commit, long commitMs) {
        deployments++;
        String deploymentId = UUID.nameUUIDFromBytes(longBytes(random.nextLong())).toString();
        int failAt = random.nextDouble() < s.failureRate() ? 1 + weightedPhase() : 0;
        String errorCode = failAt == 0 ? null : ERROR_CODES[failAt - 1][random.nextInt(ERROR_CODES[failAt - 1].length)];
        Deployment d = new Deployment(s, deploymentId, commit, commitMs);
        long t = startMs;
        emit(d, Stage.DEPLOY, Status.STARTED, t, null, null, null);
        Map<String, Long> phaseDurations = new LinkedHashMap<>();
        for (Stage phase : Stage.phases()) {
            t += 50 + random.nextInt(400);
            emit(d, phase, Status.STARTED, t, null, null, null);
            long duration = (long) (PHASE_MEDIAN_MS[phase.position() - 1] * Math.exp(random.nextGaussian() * 0.5));
            t += duration;
            if (phase.position() == failAt) {
                emit(d, phase, Status.FAILED, t, duration, errorCode, null);
                t += 20 + random.nextInt(200);
                emit(d, Stage.DEPLOY, Status.FAILED, t, t - startMs, errorCode, phase);
                return true;
            }
            phaseDurations.put(phase.value(), duration);
            emit(d, phase, Status.COMPLETED, t, duration, null, null);
        }
        t += 20 + random.nextInt(200);
        d.phaseDurations = phaseDurations;
        emit(d, Stage.DEPLOY, Status.COMPLETED, t, t - startMs, null, null);
        return false;
    }

    private int weightedPhase() {
        double r = random.nextDouble();
        return r < 0.15 ? 0 : r < 0.35 ? 1 : r < 0.8 ? 2 : 3;
    }

    private void emit(Deployment d, Stage stage, Status status, long atMs, Long durationMs, String errorCode,
                      Stage failedPhase) {
        if (written >= options.events()) {
            return; // the last deployment is still in flight when the archive ends
        }
        String line = envelope(d, stage, status, atMs, durationMs, errorCode, failedPhase);
        long arrival = atMs + (random.nextDouble() < options.lateRate()
                ? Duration.ofMinutes(5 + random.nextInt(30)).toMillis() : random.nextInt(2_000));
        place(line, atMs, arrival);
        written++;
        if (written < options.events() && random.nextDouble() < options.duplicateRate()) {
            // at-least-once delivery: the same event again, usually in a later file
            place(line, atMs, arrival + Duration.ofSeconds(30 + random.nextInt(900)).toMillis());
            written++;
            duplicates++;
        }
    }

    private void place(String line, long eventMs, long arrivalMs) {
        if (random.nextDouble() < options.singleFileRate()) {
            // a local-bus style file: one event, named by a fresh id, in the event's day
            writeFile(Instant.ofEpochMilli(eventMs), UUID.nameUUIDFromBytes(longBytes(random.nextLong())) + ".json",
                    List.of(line));
            return;
        }
        windows.computeIfAbsent(arrivalMs / WINDOW_MS, k -> new ArrayList<>()).add(line);
    }

    private void flushWindowsBefore(long ms) {
        while (!windows.isEmpty() && windows.firstKey() * WINDOW_MS + WINDOW_MS < ms) {
            Map.Entry<Long, List<String>> first = windows.pollFirstEntry();
            List<String> lines = first.getValue();
            // Firehose delivers in arrival order, which is not sequence order
            Collections.shuffle(lines, random);
            Instant windowStart = Instant.ofEpochMilli(first.getKey() * WINDOW_MS);
            String name = "smus-events-delivery-1-" + FIREHOSE_NAME.format(windowStart) + "-"
                    + UUID.nameUUIDFromBytes(longBytes(random.nextLong())) + ".json";
            writeFile(windowStart, name, lines);
        }
    }

    private void writeFile(Instant day, String name, List<String> lines) {
        Path dir = options.out().resolve(PREFIX).resolve(DAY_DIR.format(day));
        try {
            Files.createDirectories(dir);
            try (Writer w = Files.newBufferedWriter(dir.resolve(name), StandardCharsets.UTF_8)) {
                for (String line : lines) {
                    w.write(line);
                    w.write('\n');
                }
            }
            files++;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String envelope(Deployment d, Stage stage, Status status, long atMs, Long durationMs, String errorCode,
                            Stage failedPhase) {
        Instant at = Instant.ofEpochMilli(atMs);
        Series s = d.series();
        String executionArn = "arn:aws:states:" + s.region() + ":123456789012:execution:smus-cicd-deploy:"
                + d.deploymentId();
        StringWriter out = new StringWriter(1_600);
        try (JsonGenerator g = json.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("version", "0");
            g.writeStringField("id", UUID.nameUUIDFromBytes(longBytes(random.nextLong())).toString());
            g.writeStringField("detail-type", stage.detailType(status));
            g.writeStringField("source", DeploymentEvent.SOURCE);
            g.writeStringField("account", "123456789012");
            g.writeStringField("time", at.truncatedTo(ChronoUnit.SECONDS).toString());
            g.writeStringField("region", s.region());
            g.writeArrayFieldStart("resources");
            g.writeString(executionArn);
            g.writeEndArray();
            g.writeObjectFieldStart("detail");
            g.writeStringField("version", "1.0");
            g.writeStringField("timestamp", at.toString());
            g.writeStringField("pipelineName", s.pipeline());
            g.writeStringField("stage", stage.value());
            g.writeStringField("status", status.value());
            g.writeObjectFieldStart("target");
            g.writeStringField("name", s.target());
            g.writeStringField("stage", s.targetStage());
            g.writeObjectFieldStart("domain");
            g.writeStringField("name", s.domain());
            g.writeStringField("region", s.region());
            g.writeStringField("id", "dzd_" + Integer.toHexString(s.domain().hashCode()));
            g.writeEndObject();
            g.writeObjectFieldStart("project");
            g.writeStringField("name", s.project());
            g.writeEndObject();
            g.writeEndObject();
            g.writeObjectFieldStart("metadata");
            g.writeStringField("user", s.platform() + "[bot]");
            g.writeStringField("gitCommit", d.commit());
            g.writeStringField("gitBranch", "main");
            g.writeStringField("gitRepository", s.repository());
            g.writeStringField("cicdPlatform", s.platform());
            g.writeStringField("runId", String.valueOf(Math.abs(d.deploymentId().hashCode())));
            g.writeStringField("runUrl", s.repository() + "/actions/runs/" + Math.abs(d.deploymentId().hashCode()));
            g.writeStringField("commitTimestamp", Instant.ofEpochMilli(d.commitMs()).truncatedTo(ChronoUnit.SECONDS)
                    .toString());
            g.writeEndObject();
            g.writeStringField("deploymentId", d.deploymentId());
            g.writeNumberField("sequence", EventEmitter.sequenceOf(stage, status, failedPhase));
            if (durationMs != null) {
                g.writeNumberField("durationMs", durationMs);
            }
            if (errorCode != null) {
                g.writeObjectFieldStart("error");
                g.writeStringField("code", errorCode);
                g.writeStringField("message", "Phase " + (failedPhase == null ? stage.value() : failedPhase.value())
                        + " failed: " + errorCode.toLowerCase(Locale.ROOT).replace('_', ' '));
                g.writeEndObject();
            }
            writeDetails(g, d, stage, status, failedPhase, executionArn);
            g.writeEndObject();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    private void writeDetails(JsonGenerator g, Deployment d, Stage stage, Status status, Stage failedPhase,
                              String executionArn) throws IOException {
        if (status == Status.STARTED || (stage != Stage.DEPLOY && status == Status.FAILED)) {
            return;
        }
        g.writeObjectFieldStart("details");
        if (stage == Stage.DEPLOY && status == Status.COMPLETED) {
            g.writeStringField("executionArn", executionArn);
            g.writeObjectFieldStart("phaseDurationsMs");
            for (Map.Entry<String, Long> e : d.phaseDurations.entrySet()) {
                g.writeNumberField(e.getKey(), e.getValue());
            }
            g.writeEndObject();
        } else if (stage == Stage.DEPLOY) {
            g.writeStringField("failedPhase", failedPhase.value());
            g.writeStringField("executionArn", executionArn);
        } else if (stage == Stage.BUNDLE_UPLOAD && status == Status.COMPLETED) {
            g.writeStringField("bundleLocation", "s3://smus-bundles-123456789012/" + d.series().pipeline() + "/"
                    + d.commit().substring(0, 12) + ".zip");
            g.writeNumberField("files", 3 + (d.commit().hashCode() & 31));
            g.writeNumberField("bytes", 10_000 + (d.commit().hashCode() & 0xfffff));
            g.writeStringField("digest", "sha256:" + d.commit() + d.commit().substring(0, 24));
        } else if (stage == Stage.WORKFLOW_CREATION && status == Status.COMPLETED) {
            g.writeArrayFieldStart("workflows");
            g.writeString(d.series().project() + "_etl");
            g.writeEndArray();
            g.writeNumberField("count", 1);
        } else if (stage == Stage.PROJECT_INITIALIZATION && status == Status.COMPLETED) {
            g.writeStringField("projectId", Integer.toHexString(d.series().project().hashCode()));
            g.writeBooleanField("projectCreated", false);
        }
        g.writeEndObject();
    }

    private String hex(int length) {
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            sb.append(Character.forDigit(random.nextInt(16), 16));
        }
        return sb.toString();
    }

    private static byte[] longBytes(long value) {
        byte[] b = new byte[8];
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) (value >>> (8 * i));
        }
        return b;
    }

    private static String capitalize(String word) {
        return Character.toUpperCase(word.charAt(0)) + word.substring(1);
    }

    private record Series(String pipeline, String target, String targetStage, double weight, double failureRate,
                          String repository, String platform, String region, String domain, String project) {
    }

    private record Pending(Series series, long at, String commit, long commitMs) {
    }

    private static final class Deployment {
        private final Series series;
        private final String deploymentId;
        private final String commit;
        private final long commitMs;
        private Map<String, Long> phaseDurations = new HashMap<>();

        Deployment(Series series, String deploymentId, String commit, long commitMs) {
            this.series = series;
            this.deploymentId = deploymentId;
            this.commit = commit;
            this.commitMs = commitMs;
        }

        Series series() {
            return series;
        }

        String deploymentId() {
            return deploymentId;
        }

        String commit() {
            return commit;
        }

        long commitMs() {
            return commitMs;
        }
    }
}
