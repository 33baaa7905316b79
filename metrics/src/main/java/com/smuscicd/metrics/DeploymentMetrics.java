package com.smuscicd.metrics;

import com.smuscicd.metrics.MetricsReport.Deployment;
import com.smuscicd.metrics.MetricsReport.FailureCount;
import com.smuscicd.metrics.MetricsReport.PhaseDurations;
import com.smuscicd.metrics.MetricsReport.SeriesMetrics;
import com.smuscicd.metrics.MetricsReport.Window;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Computes deployment metrics and the four DORA keys from the events of an archive.
 *
 * <p>Everything is derived from {@code smus_events}, which already counts each
 * ({@code deploymentId}, {@code sequence}) once. Within a deployment, events are ordered by
 * {@code sequence}, never by arrival: the outcome is Deploy-Completed if present, else the failure
 * with the highest sequence; a failure whose error code is {@code EXECUTION_ABORTED} (the execution
 * was stopped: Step Functions StopExecution, a cancelled CI job, Ctrl-C of {@code deploy --local})
 * is a cancellation, counted on its own and never as a failed change: it is left out of the success
 * and change failure rates and neither starts nor ends a failure streak. The failed phase is the
 * phase of the latest phase-level Failed event,
 * else the {@code details.failedPhase} of Deploy-Failed, else {@code deploy}; not the sequence of
 * Deploy-Failed, which is 2k+2 after phase k whether phase k failed or completed before the
 * execution was stopped. Deployments are selected by their start (Deploy-Started, else their
 * first event) and grouped by pipeline and target.
 */
public final class DeploymentMetrics {

    /** The key of the statistics over every series (no series key can be empty). */
    private static final String OVERALL = "";

    private static final List<String> PHASE_ORDER =
            List.of("project-init", "bundle-upload", "workflow-creation", "catalog-assets", "deploy");

    /**
     * One row per deployment of {@code smus_events}: the {@code smus_deployments} table of an
     * archive, computed when the archive is indexed. Within a deployment, order is by sequence.
     */
    static final String DEPLOYMENTS_TABLE_SQL = """
            WITH e AS (
              -- an event's own time, else the time EventBridge gave it (a producer may send a bad one)
              SELECT *, coalesce("timestamp", "time") AS event_at FROM %s WHERE deploymentid IS NOT NULL
            ), d AS (
              SELECT deploymentid,
                     arg_min(pipelinename, sequence) FILTER (WHERE pipelinename IS NOT NULL) AS pipeline,
                     arg_min(target.name, sequence) FILTER (WHERE target.name IS NOT NULL) AS target,
                     coalesce(min(event_at) FILTER (WHERE stage = 'deploy' AND status = 'started'), min(event_at)) AS started_at,
                     bool_or(stage = 'deploy' AND status = 'completed') AS completed,
                     min(event_at) FILTER (WHERE stage = 'deploy' AND status = 'completed') AS completed_at,
                     bool_or(status = 'failed') AS failed,
                     arg_max(event_at, sequence) FILTER (WHERE status = 'failed') AS failed_at,
                     -- the phase whose own Failed event is the latest
                     arg_max(stage, sequence) FILTER (WHERE status = 'failed' AND stage <> 'deploy') AS phase_failed,
                     -- the phase Deploy-Failed names: none when the deployment failed before any phase
                     -- or after its last phase completed (stopped between phases, or DeployCompleted failed)
                     arg_max(json_extract_string(details, '$.failedPhase'), sequence)
                         FILTER (WHERE stage = 'deploy' AND status = 'failed'
                                 AND json_extract_string(details, '$.failedPhase') IS NOT NULL) AS named_phase,
                     arg_max(error.code, sequence) FILTER (WHERE status = 'failed' AND error.code IS NOT NULL)
                         AS error_code,
                     arg_max(durationms, sequence) FILTER (WHERE stage = 'deploy' AND status <> 'started')
                         AS duration_ms,
                     max(TRY_CAST(metadata.committimestamp AS TIMESTAMPTZ)) AS committed_at,
                     max(event_at) AS last_event_at,
                     count(*) AS events
              FROM e
              GROUP BY deploymentid
            )
            SELECT deploymentid, pipeline, target,
                   -- stopped (StopExecution, a cancelled CI job, Ctrl-C) is the user's choice, not a failed
                   -- change; a stop after the failure was recorded keeps that failure's code, so stays failed
                   CASE WHEN completed THEN 'succeeded'
                        WHEN failed AND error_code = 'EXECUTION_ABORTED' THEN 'cancelled'
                        WHEN failed THEN 'failed'
                        ELSE 'in_progress'
                   END AS outcome,
                   started_at,
                   CASE WHEN completed THEN completed_at ELSE failed_at END AS ended_at,
                   -- never from the sequence of Deploy-Failed: 2k+2 also ends a deployment stopped after
                   -- phase k completed; with no phase to blame, the deployment as a whole failed.
                   -- A cancelled deployment keeps it too: the phase it was stopped in
                   CASE WHEN completed OR NOT failed THEN NULL
                        ELSE coalesce(phase_failed, named_phase, 'deploy')
                   END AS failed_phase,
                   CASE WHEN NOT completed THEN error_code END AS error_code,
                   duration_ms, committed_at, last_event_at, events
            FROM d
            """;

    /** The selected deployments; the temp table is what the phase statistics join on. */
    private static final String SELECT_SQL = """
            CREATE OR REPLACE TEMP TABLE metrics_deployments AS
            SELECT * FROM smus_deployments
            WHERE (CAST(? AS TIMESTAMPTZ) IS NULL OR started_at >= CAST(? AS TIMESTAMPTZ))
              AND (CAST(? AS VARCHAR) IS NULL OR pipeline = CAST(? AS VARCHAR))
              AND (CAST(? AS VARCHAR) IS NULL OR target = CAST(? AS VARCHAR))
            """;

    private static final String PHASES_SQL = """
            SELECT d.pipeline, d.target, e.stage, count(*),
                   quantile_cont(e.durationms, 0.5), quantile_cont(e.durationms, 0.95), max(e.durationms),
                   grouping(d.pipeline) = 1 AS overall
            FROM smus_events e JOIN metrics_deployments d USING (deploymentid)
            WHERE e.status = 'completed' AND e.durationms IS NOT NULL
            GROUP BY GROUPING SETS ((d.pipeline, d.target, e.stage), (e.stage))
            """;

    private DeploymentMetrics() {
    }

    /** Computes the metrics of the deployments {@code query} selects. */
    public static MetricsReport compute(EventArchive archive, MetricsQuery query) {
        try {
            List<Deployment> deployments = loadDeployments(archive, query);
            Map<String, List<PhaseDurations>> phases = loadPhases(archive);
            Window window = window(archive, query);
            Map<String, List<Deployment>> bySeries = new TreeMap<>();
            for (Deployment d : deployments) {
                bySeries.computeIfAbsent(key(d.pipeline(), d.target()), k -> new ArrayList<>()).add(d);
            }
            List<SeriesMetrics> series = new ArrayList<>();
            List<Long> allRestores = new ArrayList<>();
            List<Instant> openStreaks = new ArrayList<>();
            for (List<Deployment> list : bySeries.values()) {
                Deployment first = list.get(0);
                Restores restores = restores(list);
                allRestores.addAll(restores.durations());
                if (restores.failingSince() != null) {
                    openStreaks.add(restores.failingSince());
                }
                series.add(metrics(first.pipeline(), first.target(), list, restores, window,
                        phases.getOrDefault(key(first.pipeline(), first.target()), List.of())));
            }
            // restore times are a property of one pipeline and target: pool them, never recompute across series
            Restores pooled = new Restores(allRestores, openStreaks.stream().min(Comparator.naturalOrder()).orElse(null));
            SeriesMetrics overall = metrics(null, null, deployments, pooled, window,
                    phases.getOrDefault(OVERALL, List.of()));
            return new MetricsReport(window, overall, series, deployments);
        } catch (SQLException e) {
            throw new ArchiveException("cannot compute metrics: " + e.getMessage(), e);
        }
    }

    private static List<Deployment> loadDeployments(EventArchive archive, MetricsQuery query) throws SQLException {
        Instant from = query.since() == null ? null : query.now().minus(query.since());
        try (PreparedStatement ps = archive.connection().prepareStatement(SELECT_SQL)) {
            String fromText = from == null ? null : from.toString();
            ps.setString(1, fromText);
            ps.setString(2, fromText);
            ps.setString(3, query.pipeline());
            ps.setString(4, query.pipeline());
            ps.setString(5, query.target());
            ps.setString(6, query.target());
            ps.execute();
        }
        List<Deployment> deployments = new ArrayList<>();
        try (Statement s = archive.connection().createStatement();
             ResultSet rs = s.executeQuery("SELECT deploymentid, pipeline, target, outcome, started_at, ended_at,"
                     + " failed_phase, error_code, duration_ms, committed_at"
                     + " FROM metrics_deployments ORDER BY started_at, deploymentid")) {
            while (rs.next()) {
                deployments.add(new Deployment(rs.getString(1), rs.getString(2), rs.getString(3),
                        instant(rs.getObject(5)), instant(rs.getObject(6)), rs.getString(4), rs.getString(7),
                        rs.getString(8), rs.getObject(9) == null ? null : rs.getLong(9), instant(rs.getObject(10))));
            }
        }
        return deployments;
    }

    /** Phase statistics per series key, in execution order; {@link #OVERALL} holds all series. */
    private static Map<String, List<PhaseDurations>> loadPhases(EventArchive archive) throws SQLException {
        Map<String, List<PhaseDurations>> phases = new HashMap<>();
        try (Statement s = archive.connection().createStatement(); ResultSet rs = s.executeQuery(PHASES_SQL)) {
            while (rs.next()) {
                String key = rs.getBoolean(8) ? OVERALL : key(rs.getString(1), rs.getString(2));
                phases.computeIfAbsent(key, k -> new ArrayList<>())
                        .add(new PhaseDurations(rs.getString(3), rs.getLong(4), rs.getDouble(5), rs.getDouble(6),
                                rs.getLong(7)));
            }
        }
        for (List<PhaseDurations> list : phases.values()) {
            list.sort(Comparator.comparingInt(p -> phaseRank(p.phase())));
        }
        return phases;
    }

    private static SeriesMetrics metrics(String pipeline, String target, List<Deployment> list, Restores restores,
                                         Window window, List<PhaseDurations> phases) {
        long succeeded = 0;
        long failed = 0;
        long cancelled = 0;
        List<Long> leadTimes = new ArrayList<>();
        long leadTimeIgnored = 0;
        Map<String, Long> failureCounts = new LinkedHashMap<>();
        for (Deployment d : list) {
            switch (d.outcome()) {
                case "succeeded" -> {
                    succeeded++;
                    // a commit after its own deployment is clock skew, not a lead time: counted, left out
                    if (d.committedAt() != null && d.endedAt() != null) {
                        if (d.committedAt().isAfter(d.endedAt())) {
                            leadTimeIgnored++;
                        } else {
                            leadTimes.add(Duration.between(d.committedAt(), d.endedAt()).toMillis());
                        }
                    }
                }
                case "failed" -> {
                    failed++;
                    failureCounts.merge(d.failedPhase() + "\u0000" + d.errorCode(), 1L, Long::sum);
                }
                case "cancelled" -> cancelled++;
                default -> {
                }
            }
        }
        // a cancelled deployment neither succeeded nor failed: the rates are over the two outcomes that did
        long finished = succeeded + failed;
        List<FailureCount> failures = new ArrayList<>();
        for (Map.Entry<String, Long> e : failureCounts.entrySet()) {
            String[] parts = e.getKey().split("\u0000", -1);
            failures.add(new FailureCount(parts[0], "null".equals(parts[1]) ? null : parts[1], e.getValue()));
        }
        failures.sort(Comparator.comparingLong(FailureCount::count).reversed()
                .thenComparingInt(f -> phaseRank(f.phase()))
                .thenComparing(f -> String.valueOf(f.errorCode())));
        return new SeriesMetrics(pipeline, target, list.size(), succeeded, failed, cancelled,
                list.size() - finished - cancelled,
                finished == 0 ? null : (double) succeeded / finished,
                succeeded / window.days(),
                percentile(leadTimes, 0.5), leadTimes.size(), leadTimeIgnored,
                finished == 0 ? null : (double) failed / finished,
                percentile(restores.durations(), 0.5), mean(restores.durations()), restores.durations().size(),
                restores.failingSince(), phases, failures);
    }

    /**
     * Failure streaks of one series, in the order deployments ended: a streak begins with the
     * first failure after a success and ends with the next success. A cancelled deployment does
     * neither: stopping a run is no failure, and restores nothing.
     */
    static Restores restores(List<Deployment> series) {
        List<Deployment> finished = new ArrayList<>();
        for (Deployment d : series) {
            if (d.endedAt() != null && ("succeeded".equals(d.outcome()) || "failed".equals(d.outcome()))) {
                finished.add(d);
            }
        }
        finished.sort(Comparator.comparing(Deployment::endedAt)
                .thenComparing(Deployment::startedAt, Comparator.nullsFirst(Comparator.naturalOrder()))
                .thenComparing(Deployment::deploymentId));
        List<Long> durations = new ArrayList<>();
        Instant streakStart = null;
        for (Deployment d : finished) {
            if ("failed".equals(d.outcome())) {
                if (streakStart == null) {
                    streakStart = d.endedAt();
                }
            } else if (streakStart != null) {
                durations.add(Duration.between(streakStart, d.endedAt()).toMillis());
                streakStart = null;
            }
        }
        return new Restores(durations, streakStart);
    }

    record Restores(List<Long> durations, Instant failingSince) {
    }

    /**
     * The period the rates are over: {@code --since} as given; else from the first deployment to
     * the last event of the whole archive, counted as at least one day, so that a few deployments
     * within an hour do not read as dozens a day. Never from the filtered deployments: a pipeline
     * that deployed three times in an afternoon a month ago did not deploy three times a day.
     */
    private static Window window(EventArchive archive, MetricsQuery query) throws SQLException {
        if (query.since() != null) {
            Instant end = query.now();
            return new Window(end.minus(query.since()), end, query.since().toMillis() / 86_400_000.0, Window.Basis.SINCE);
        }
        Instant start;
        Instant lastEvent;
        try (Statement s = archive.connection().createStatement();
             ResultSet rs = s.executeQuery("SELECT min(started_at), max(last_event_at) FROM smus_deployments")) {
            rs.next();
            start = instant(rs.getObject(1));
            lastEvent = instant(rs.getObject(2));
        }
        if (start == null) {
            return new Window(query.now(), query.now(), 1.0, Window.Basis.ARCHIVE);
        }
        Instant end = lastEvent != null && lastEvent.isAfter(start) ? lastEvent : start;
        return new Window(start, end, Math.max(1.0, Duration.between(start, end).toMillis() / 86_400_000.0),
                Window.Basis.ARCHIVE);
    }

    /** Linear interpolation between closest ranks, as DuckDB's quantile_cont. */
    static Double percentile(List<Long> values, double p) {
        if (values.isEmpty()) {
            return null;
        }
        List<Long> sorted = new ArrayList<>(values);
        sorted.sort(null);
        double pos = p * (sorted.size() - 1);
        int lo = (int) Math.floor(pos);
        int hi = (int) Math.ceil(pos);
        return sorted.get(lo) + (sorted.get(hi) - sorted.get(lo)) * (pos - lo);
    }

    private static Double mean(List<Long> values) {
        if (values.isEmpty()) {
            return null;
        }
        double sum = 0;
        for (long v : values) {
            sum += v;
        }
        return sum / values.size();
    }

    private static int phaseRank(String phase) {
        int i = PHASE_ORDER.indexOf(phase);
        return i < 0 ? PHASE_ORDER.size() : i;
    }

    /** A series: events without a pipeline name or target form their own series, never the overall one. */
    private static String key(String pipeline, String target) {
        return (pipeline == null ? "\u0001" : "\u0002" + pipeline) + "\u0000" + (target == null ? "\u0001" : "\u0002" + target);
    }

    private static Instant instant(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof OffsetDateTime t) {
            return t.toInstant();
        }
        if (value instanceof Timestamp t) {
            return t.toInstant();
        }
        return Instant.parse(value.toString());
    }
}
