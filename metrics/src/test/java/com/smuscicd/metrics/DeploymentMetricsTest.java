package com.smuscicd.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.smuscicd.metrics.MetricsReport.Deployment;
import com.smuscicd.metrics.MetricsReport.FailureCount;
import com.smuscicd.metrics.MetricsReport.PhaseDurations;
import com.smuscicd.metrics.MetricsReport.SeriesMetrics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fixture archive-metrics holds, for MyPipeline/prod (all times 2025-11, UTC):
 * D1 01 10:00 ok (commit 09:00, completed 10:00:10); D2 02 10:00 fails in workflow-creation at
 * 10:00:04; D3 02 12:00 ok (commit 09:00, completed 12:00:10); D4 05 08:00 fails in project-init
 * at 08:00:02; D5 05 09:00 fails in workflow-creation at 09:00:04; D6 05 11:00 ok (commit 10:00,
 * completed 11:00:10); D7 08 10:00 still running. MyPipeline/test: T1 03 ok (commit 30 min
 * before, completed 10:00:10), T2 04 fails before any phase at 10:00:01. OtherPipeline/prod:
 * 2025-10-20 ok, 2025-11-09 ok without metadata. Files are Firehose-like (shuffled) and one-event
 * files; 13 events are delivered twice, one of them under a new envelope id.
 */
class DeploymentMetricsTest {

    private static final Instant NOW = Instant.parse("2025-11-10T00:00:00Z");

    @TempDir
    Path temp;

    @Test
    void compute_whenDuplicatesAndOutOfOrderEvents_matchesHandComputedValues() {
        MetricsReport report = compute(new MetricsQuery("MyPipeline", "prod", Duration.ofDays(10), NOW));

        assertThat(report.window()).isEqualTo(new MetricsReport.Window(Instant.parse("2025-10-31T00:00:00Z"), NOW, 10.0,
                MetricsReport.Window.Basis.SINCE));
        assertThat(report.series()).hasSize(1);
        SeriesMetrics s = report.series().get(0);
        assertThat(s.deployments()).isEqualTo(7);
        assertThat(s.succeeded()).isEqualTo(3);
        assertThat(s.failed()).isEqualTo(3);
        assertThat(s.inProgress()).isEqualTo(1);
        assertThat(s.successRate()).isEqualTo(0.5);
        assertThat(s.deploymentsPerDay()).isEqualTo(0.3);
        // lead times 1h0m10s, 3h0m10s, 1h0m10s
        assertThat(s.leadTimeMedianMs()).isEqualTo(3_610_000.0);
        assertThat(s.leadTimeSamples()).isEqualTo(3);
        assertThat(s.changeFailureRate()).isEqualTo(0.5);
        // D2 failed 02 10:00:04 -> D3 ok 12:00:10 = 2h0m6s; D4 failed 05 08:00:02 (D5 too) -> D6 11:00:10 = 3h0m8s
        assertThat(s.restores()).isEqualTo(2);
        assertThat(s.timeToRestoreMedianMs()).isEqualTo(9_007_000.0);
        assertThat(s.timeToRestoreMeanMs()).isEqualTo(9_007_000.0);
        assertThat(s.failingSince()).isNull();
        assertThat(s.phases()).containsExactly(
                new PhaseDurations("project-init", 6, 1250, 1475, 1500),
                new PhaseDurations("bundle-upload", 5, 2200, 2560, 2600),
                new PhaseDurations("workflow-creation", 3, 4400, 4760, 4800),
                new PhaseDurations("catalog-assets", 3, 3300, 3570, 3600),
                new PhaseDurations("deploy", 3, 10_000, 10_000, 10_000));
        assertThat(s.failures()).containsExactly(
                new FailureCount("workflow-creation", "WORKFLOW_DEFINITION_INVALID", 2),
                new FailureCount("project-init", "DOMAIN_NOT_FOUND", 1));
    }

    /*
     * The fixture archive-cancelled holds ShopPipeline/prod (all times 2025-11, UTC): K1 03 09:00 ok
     * (commit 08:00, completed 09:00:09); K2 03 12:00 fails in bundle-upload (BUNDLE_INVALID) at
     * 12:00:05; K3 03 13:00 stopped in workflow-creation (its Failed and Deploy-Failed
     * EXECUTION_ABORTED) at 13:00:07; K4 03 15:00 ok (commit 14:00, completed 15:00:09); K5 04 10:00
     * stopped after project-init completed (Deploy-Failed EXECUTION_ABORTED, no phase) at 10:00:03;
     * K6 04 11:00 ok (commit 10:30, completed 11:00:09); K7 05 09:00 stopped in project-init at
     * 09:00:03. The Deploy-Failed of K3 and K5 is delivered twice.
     */
    private static final Instant CANCELLED_NOW = Instant.parse("2025-11-08T00:00:00Z");

    @Test
    void compute_whenDeploymentsWereCancelled_countsThemApartAndNeitherAsFailuresNorAsRestores() {
        MetricsReport report;
        try (EventArchive archive = EventArchive.open(Fixtures.archive("archive-cancelled"))) {
            report = DeploymentMetrics.compute(archive, new MetricsQuery(null, null, Duration.ofDays(7), CANCELLED_NOW));
        }

        SeriesMetrics s = report.series().get(0);
        assertThat(report.overall()).usingRecursiveComparison().ignoringFields("pipeline", "target").isEqualTo(s);
        assertThat(s.deployments()).isEqualTo(7);
        assertThat(s.succeeded()).isEqualTo(3);
        assertThat(s.failed()).isEqualTo(1);
        assertThat(s.cancelled()).isEqualTo(3);
        assertThat(s.inProgress()).isZero();
        // 3 / (3 + 1), 1 / (3 + 1): the cancelled K3, K5, K7 are in neither rate
        assertThat(s.successRate()).isEqualTo(0.75);
        assertThat(s.changeFailureRate()).isEqualTo(0.25);
        assertThat(s.deploymentsPerDay()).isEqualTo(3 / 7.0);
        // K1 and K4 1h0m9s, K6 30m9s
        assertThat(s.leadTimeMedianMs()).isEqualTo(3_609_000.0);
        // K2 failed 12:00:05 -> K4 15:00:09: K3, stopped in between, restored nothing; K5 started no streak
        assertThat(s.restores()).isEqualTo(1);
        assertThat(s.timeToRestoreMedianMs()).isEqualTo(10_804_000.0);
        assertThat(s.timeToRestoreMeanMs()).isEqualTo(10_804_000.0);
        // the last deployment, K7, was stopped: nothing is failing
        assertThat(s.failingSince()).isNull();
        assertThat(s.failures()).containsExactly(new FailureCount("bundle-upload", "BUNDLE_INVALID", 1));
        // what a cancelled deployment completed still counts: project-init of K1-K6
        assertThat(s.phases().get(0)).isEqualTo(new PhaseDurations("project-init", 6, 1000, 1000, 1000));
        assertThat(report.deployments()).extracting(Deployment::outcome).containsExactly("succeeded", "failed",
                "cancelled", "succeeded", "cancelled", "succeeded", "cancelled");
    }

    @Test
    void smusDeployments_whenStopped_isCancelledInThePhaseItWasStoppedIn() {
        try (EventArchive archive = EventArchive.open(Fixtures.archive("archive-cancelled"))) {
            QueryResult result = archive.query("SELECT deploymentid, outcome, failed_phase, error_code, events"
                    + " FROM smus_deployments WHERE outcome <> 'succeeded' ORDER BY deploymentid");

            assertThat(result.rows()).containsExactly(
                    List.of("cccccccc-0000-4000-8000-000000000002", "failed", "bundle-upload", "BUNDLE_INVALID", 6L),
                    List.of("cccccccc-0000-4000-8000-000000000003", "cancelled", "workflow-creation", "EXECUTION_ABORTED", 8L),
                    List.of("cccccccc-0000-4000-8000-000000000005", "cancelled", "deploy", "EXECUTION_ABORTED", 4L),
                    List.of("cccccccc-0000-4000-8000-000000000007", "cancelled", "project-init", "EXECUTION_ABORTED", 4L));
        }
    }

    @Test
    void restores_whenCancelledDeploymentsFollowASuccessOrAFailure_neitherStartNorEndAStreak() {
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        List<Deployment> series = List.of(
                deployment("ok", t, "succeeded"),
                deployment("cancelled-after-ok", t.plusSeconds(60), "cancelled"),
                deployment("ok-again", t.plusSeconds(120), "succeeded"),
                deployment("fail", t.plusSeconds(180), "failed"),
                deployment("cancelled-in-streak", t.plusSeconds(240), "cancelled"),
                deployment("restored", t.plusSeconds(300), "succeeded"),
                deployment("cancelled-last", t.plusSeconds(360), "cancelled"));

        DeploymentMetrics.Restores restores = DeploymentMetrics.restores(series);

        assertThat(restores.durations()).containsExactly(120_000L);
        assertThat(restores.failingSince()).isNull();
    }

    private static Deployment deployment(String id, Instant endedAt, String outcome) {
        return new Deployment(id, "P", "prod", endedAt.minusSeconds(10), endedAt, outcome,
                "succeeded".equals(outcome) ? null : "deploy", null, 10_000L, null);
    }

    @Test
    void open_whenTheCacheCountedStoppedDeploymentsAsFailed_computesThemAgainAsCancelled() throws Exception {
        ArchiveOptions options = ArchiveOptions.cacheIn(temp.resolve("cache"));
        Path dir = Fixtures.archive("archive-cancelled");
        try (EventArchive first = EventArchive.open(dir, options)) {
            assertThat(first.stats().cached()).isTrue();
        }
        Path cache;
        try (var files = Files.list(temp.resolve("cache"))) {
            cache = files.filter(f -> f.toString().endsWith(".duckdb")).findFirst().orElseThrow();
        }
        // as the previous version left its cache: stopped deployments failed, by rules it names
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:duckdb:" + cache);
             java.sql.Statement s = c.createStatement()) {
            s.execute("UPDATE deployments SET outcome = 'failed' WHERE outcome = 'cancelled'");
            s.execute("UPDATE meta SET value = 'digest of the rules before cancellations' WHERE key = 'deployments'");
        }

        try (EventArchive again = EventArchive.open(dir, options)) {
            assertThat(again.stats().filesRead()).isZero();
            assertThat(again.query("SELECT outcome, count(*) AS n FROM smus_deployments GROUP BY 1 ORDER BY 1").rows())
                    .containsExactly(List.of("cancelled", 3L), List.of("failed", 1L), List.of("succeeded", 3L));
        }
    }

    @Test
    void compute_whenLastDeploymentFailed_reportsTheOpenFailureAndNoRestore() {
        MetricsReport report = compute(new MetricsQuery("MyPipeline", "test", null, NOW));

        SeriesMetrics s = report.series().get(0);
        assertThat(s.deployments()).isEqualTo(2);
        assertThat(s.restores()).isZero();
        assertThat(s.timeToRestoreMedianMs()).isNull();
        assertThat(s.failingSince()).isEqualTo(Instant.parse("2025-11-04T10:00:01Z"));
        assertThat(s.leadTimeMedianMs()).isEqualTo(1_810_000.0);
        // failed before any phase: Deploy-Failed has sequence 2
        assertThat(s.failures()).containsExactly(new FailureCount("deploy", "INVALID_MANIFEST", 1));
    }

    @Test
    void compute_whenSinceWindow_leavesOutOlderDeployments() {
        MetricsReport all = compute(new MetricsQuery("OtherPipeline", null, null, NOW));
        MetricsReport recent = compute(new MetricsQuery("OtherPipeline", null, Duration.ofDays(10), NOW));

        assertThat(all.series().get(0).deployments()).isEqualTo(2);
        assertThat(recent.series().get(0).deployments()).isEqualTo(1);
        // no metadata, so no commit time: no lead time rather than a made-up one
        assertThat(recent.series().get(0).leadTimeMedianMs()).isNull();
        assertThat(recent.series().get(0).deploymentsPerDay()).isEqualTo(0.1);
    }

    @Test
    void compute_whenNoFilter_groupsByPipelineAndTargetAndPoolsTheOverall() {
        MetricsReport report = compute(new MetricsQuery(null, null, Duration.ofDays(10), NOW));

        assertThat(report.series()).extracting(SeriesMetrics::pipeline, SeriesMetrics::target)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("MyPipeline", "prod"),
                        org.assertj.core.groups.Tuple.tuple("MyPipeline", "test"),
                        org.assertj.core.groups.Tuple.tuple("OtherPipeline", "prod"));
        SeriesMetrics overall = report.overall();
        assertThat(overall.deployments()).isEqualTo(10);
        assertThat(overall.succeeded()).isEqualTo(5);
        assertThat(overall.failed()).isEqualTo(4);
        assertThat(overall.deploymentsPerDay()).isEqualTo(0.5);
        // restores are per series, pooled: prod's two; test is still failing
        assertThat(overall.timeToRestoreMedianMs()).isEqualTo(9_007_000.0);
        assertThat(overall.failingSince()).isEqualTo(Instant.parse("2025-11-04T10:00:01Z"));
        assertThat(report.deployments()).hasSize(10);
        assertThat(report.deployments()).extracting(Deployment::startedAt).isSorted();
    }

    @Test
    void compute_whenArchiveEmpty_reportsNothingAndNoRates() {
        try (EventArchive archive = EventArchive.open(temp)) {
            MetricsReport report = DeploymentMetrics.compute(archive, MetricsQuery.all(NOW));

            assertThat(report.series()).isEmpty();
            assertThat(report.overall().deployments()).isZero();
            assertThat(report.overall().successRate()).isNull();
            assertThat(report.overall().changeFailureRate()).isNull();
            assertThat(report.window().days()).isEqualTo(1.0);
        }
    }

    @Test
    void percentile_whenEvenCount_interpolatesLikeQuantileCont() {
        assertThat(DeploymentMetrics.percentile(List.of(4L, 1L, 3L, 2L), 0.5)).isEqualTo(2.5);
        assertThat(DeploymentMetrics.percentile(List.of(10L, 20L), 0.95)).isEqualTo(19.5);
        assertThat(DeploymentMetrics.percentile(List.of(), 0.5)).isNull();
    }

    @Test
    void smusDeployments_whenFailures_namesTheFailedPhase() {
        try (EventArchive archive = EventArchive.open(Fixtures.archive("archive-metrics"))) {
            QueryResult result = archive.query("SELECT deploymentid, outcome, failed_phase, error_code, events"
                    + " FROM smus_deployments WHERE deploymentid IN ('dddddddd-0000-4000-8000-000000000004',"
                    + " 'tttttttt-0000-4000-8000-000000000002', 'dddddddd-0000-4000-8000-000000000007')"
                    + " ORDER BY deploymentid");

            // D4: project-init failed; T2: before any phase (Deploy-Failed sequence 2); D7 running
            assertThat(result.rows()).containsExactly(
                    List.of("dddddddd-0000-4000-8000-000000000004", "failed", "project-init", "DOMAIN_NOT_FOUND", 4L),
                    java.util.Arrays.asList("dddddddd-0000-4000-8000-000000000007", "in_progress", null, null, 3L),
                    List.of("tttttttt-0000-4000-8000-000000000002", "failed", "deploy", "INVALID_MANIFEST", 2L));
        }
    }

    @Test
    void smusDeployments_whenStoppedBetweenPhases_isCancelledInTheDeploymentNotInThePhaseThatCompleted() {
        // Deploy-Failed after phase k completed has sequence 2k+2, as after phase k failed, but no failedPhase
        Instant start = Instant.parse("2026-10-25T08:00:00Z");
        writeStoppedDeployment(temp, "stopped-0", start, 0);
        writeStoppedDeployment(temp, "stopped-1", start.plusSeconds(60), 1);
        writeStoppedDeployment(temp, "stopped-2", start.plusSeconds(120), 2);
        writeStoppedDeployment(temp, "stopped-4", start.plusSeconds(180), 4);

        try (EventArchive archive = EventArchive.open(temp)) {
            QueryResult result = archive.query("SELECT deploymentid, outcome, failed_phase, error_code, events"
                    + " FROM smus_deployments ORDER BY deploymentid");
            MetricsReport report = DeploymentMetrics.compute(archive, MetricsQuery.all(NOW));

            assertThat(result.rows()).containsExactly(
                    List.of("stopped-0", "cancelled", "deploy", "EXECUTION_ABORTED", 2L),
                    List.of("stopped-1", "cancelled", "deploy", "EXECUTION_ABORTED", 4L),
                    List.of("stopped-2", "cancelled", "deploy", "EXECUTION_ABORTED", 6L),
                    List.of("stopped-4", "cancelled", "deploy", "EXECUTION_ABORTED", 10L));
            assertThat(report.overall().cancelled()).isEqualTo(4);
            assertThat(report.overall().failed()).isZero();
            assertThat(report.overall().failures()).isEmpty();
        }
    }

    @Test
    void smusDeployments_whenAPhaseFailed_namesItByItsFailedEventElseByDeployFailed() {
        Instant start = Instant.parse("2026-10-25T08:00:00Z");
        writeDeployment(temp, "both", "P", "prod", start, null, 2, d -> d);
        // the phase's Failed event lost: Deploy-Failed names the phase
        writeDeployment(temp, "phase-failed-lost", "P", "prod", start.plusSeconds(60), null, 3,
                d -> d.contains("\"stage\":\"workflow-creation\",\"status\":\"failed\"") ? null : d);
        // Deploy-Failed lost, or naming no phase: the phase's own Failed event tells
        writeDeployment(temp, "deploy-failed-lost", "P", "prod", start.plusSeconds(120), null, 1,
                d -> d.contains("\"stage\":\"deploy\",\"status\":\"failed\"") ? null : d);
        writeDeployment(temp, "deploy-failed-unnamed", "P", "prod", start.plusSeconds(180), null, 4,
                d -> d.replaceAll("\"failedPhase\":\"[^\"]*\",", ""));

        try (EventArchive archive = EventArchive.open(temp)) {
            QueryResult result = archive.query("SELECT deploymentid, outcome, failed_phase, error_code, events"
                    + " FROM smus_deployments ORDER BY deploymentid");

            assertThat(result.rows()).containsExactly(
                    List.of("both", "failed", "bundle-upload", "E2", 6L),
                    List.of("deploy-failed-lost", "failed", "project-init", "E1", 3L),
                    List.of("deploy-failed-unnamed", "failed", "catalog-assets", "E4", 10L),
                    List.of("phase-failed-lost", "failed", "workflow-creation", "E3", 7L));
        }
    }

    /**
     * The monitoring stack's Athena view of {@code smus_deployments} is a second copy of the rule in
     * another SQL dialect: run here over the same events (its Trino functions mapped to DuckDB's),
     * it must give the local table's rows.
     */
    @Test
    void athenaDeploymentsView_overTheSameEvents_givesTheLocalTablesRows() throws Exception {
        Instant start = Instant.parse("2025-11-05T10:00:00Z");
        for (int phase = 0; phase <= 4; phase++) {
            writeDeployment(temp, "failed-in-" + phase, "P", "prod", start.plusSeconds(60L * phase),
                    "2025-11-05T09:00:00Z", phase, d -> d);
            writeStoppedDeployment(temp, "stopped-after-" + phase, start.plusSeconds(600 + 60L * phase), phase);
        }
        writeDeployment(temp, "phase-failed-lost", "P", "test", start.plusSeconds(1200), null, 3,
                d -> d.contains("\"stage\":\"workflow-creation\",\"status\":\"failed\"") ? null : d);
        writeDeployment(temp, "deploy-failed-lost", "P", "test", start.plusSeconds(1260), null, 1,
                d -> d.contains("\"stage\":\"deploy\",\"status\":\"failed\"") ? null : d);
        writeDeployment(temp, "bad-times", "Q", "prod", start.plusSeconds(1320), "not a time", 0,
                d -> d.replaceAll("\"timestamp\":\"[^\"]*\"", "\"timestamp\":\"yesterday\""));
        writeDeployment(temp, "in-progress", "Q", "prod", start.plusSeconds(1380), null, 0,
                d -> d.contains("\"stage\":\"deploy\",\"status\":\"completed\"") ? null : d);
        // the phase's own Failed event wins over what Deploy-Failed names (never different in real events)
        writeDeployment(temp, "disagreeing", "Q", "test", start.plusSeconds(1440), null, 2,
                d -> d.replace("\"failedPhase\":\"bundle-upload\"", "\"failedPhase\":\"catalog-assets\""));
        // stopped in a phase: the phase's Failed and Deploy-Failed both EXECUTION_ABORTED
        writeDeployment(temp, "stopped-in-3", "Q", "test", start.plusSeconds(1500), null, 3,
                d -> d.replace("\"code\":\"E3\"", "\"code\":\"EXECUTION_ABORTED\""));
        // stopped after the phase had failed: the phase's error is kept, so it failed
        writeDeployment(temp, "stopped-after-failing", "Q", "test", start.plusSeconds(1560), null, 2,
                d -> d.contains("\"stage\":\"deploy\",\"status\":\"failed\"")
                        ? d.replace("PhaseFailedException", "ExecutionAborted") : d);
        String athena = Files.readString(Path.of("..", "infra-cdk", "src", "main", "resources", "athena", "views",
                "smus_deployments.sql"))
                // Trino's names for what DuckDB spells otherwise; the rule itself is left as written
                .replaceAll("try\\(from_iso8601_timestamp\\(([a-z.]+)\\)\\)", "TRY_CAST($1 AS TIMESTAMPTZ)");
        String columns = "deploymentid, pipeline, target, outcome, epoch_ms(started_at), epoch_ms(ended_at),"
                + " failed_phase, error_code, duration_ms, epoch_ms(committed_at), epoch_ms(last_event_at), events";

        try (EventArchive archive = EventArchive.open(temp)) {
            archive.query("CREATE TEMP MACRO json_extract_scalar(j, p) AS json_extract_string(j, p)");
            List<List<Object>> local = archive.query("SELECT " + columns + " FROM smus_deployments ORDER BY 1").rows();
            List<List<Object>> cloud = archive.query("SELECT " + columns + " FROM (" + athena + ") ORDER BY 1").rows();

            assertThat(local).hasSize(17);
            assertThat(local).filteredOn(row -> row.get(0).equals("disagreeing")).singleElement()
                    .satisfies(row -> assertThat(row.get(6)).isEqualTo("bundle-upload"));
            assertThat(local).filteredOn(row -> row.get(3).equals("cancelled")).extracting(row -> row.get(0))
                    .containsExactly("stopped-after-0", "stopped-after-1", "stopped-after-2", "stopped-after-3",
                            "stopped-after-4", "stopped-in-3");
            assertThat(local).filteredOn(row -> row.get(0).equals("stopped-after-failing")).singleElement()
                    .satisfies(row -> assertThat(row.get(3)).isEqualTo("failed"));
            assertThat(cloud).isEqualTo(local);
        }
    }

    @Test
    void compute_whenACommitIsAfterItsDeployment_leavesItOutOfLeadTimeAndCountsIt() {
        writeLeadTimeDeployments(temp);

        try (EventArchive archive = EventArchive.open(temp)) {
            MetricsReport report = DeploymentMetrics.compute(archive, MetricsQuery.all(NOW));
            java.io.StringWriter table = new java.io.StringWriter();
            MetricsText.table(report, new java.io.PrintWriter(table));
            String html = HtmlReport.render(report, NOW);

            SeriesMetrics s = report.series().get(0);
            // 1h, 2h and 3h before a completion 10 s after the start; the fourth commit is 11h after it
            assertThat(s.leadTimeMedianMs()).isEqualTo(2 * 3_600_000.0 + 10_000);
            assertThat(s.leadTimeSamples()).isEqualTo(3);
            assertThat(s.leadTimeIgnored()).isEqualTo(1);
            assertThat(report.overall().leadTimeIgnored()).isEqualTo(1);
            assertThat(table.toString()).contains("note: 1 deployment with a commit time after the deployment ended"
                    + " (clock skew?) left out of lead time");
            assertThat(html).containsPattern("id=\"kpi-lead-time\".*?class=\"value\">2h 00m<")
                    .contains("(3); 1 deployment with the commit after the deployment left out (clock skew?)");
        }
    }

    /**
     * The saved Athena query of the DORA keys, run here on the local table (its Trino-only
     * functions mapped, "now" fixed), leaves out the same lead times as the CLI.
     */
    @Test
    void athenaDoraQuery_whenACommitIsAfterItsDeployment_givesTheLocalLeadTime() throws Exception {
        writeLeadTimeDeployments(temp);
        String athena = Files.readString(Path.of("..", "infra-cdk", "src", "main", "resources", "athena", "queries",
                "smus-dora-30d.sql"))
                .replace("approx_percentile(", "quantile_cont(")
                .replace("current_timestamp", "TIMESTAMPTZ '2026-11-01 00:00:00+00'")
                .replace(";", "");

        try (EventArchive archive = EventArchive.open(temp)) {
            SeriesMetrics local = DeploymentMetrics.compute(archive, MetricsQuery.all(NOW)).series().get(0);
            List<List<Object>> cloud = archive.query("SELECT lead_time_p50_ms, lead_time_ignored FROM (" + athena + ")")
                    .rows();

            assertThat(cloud).singleElement().satisfies(row -> {
                assertThat(((Number) row.get(0)).doubleValue()).isEqualTo(local.leadTimeMedianMs());
                assertThat(((Number) row.get(1)).longValue()).isEqualTo(local.leadTimeIgnored());
            });
        }
    }

    /**
     * The saved Athena queries of the DORA keys and of time to restore, run here on the local table
     * of archive-cancelled (Trino-only functions mapped, "now" fixed), count cancelled deployments
     * apart, out of both rates and out of the failure streaks, as the CLI does.
     */
    @Test
    void athenaQueries_whenDeploymentsWereCancelled_countThemApartAsTheCliDoes() throws Exception {
        java.util.function.UnaryOperator<String> athena = name -> {
            try {
                return Files.readString(Path.of("..", "infra-cdk", "src", "main", "resources", "athena", "queries",
                        name + ".sql"))
                        .replace("approx_percentile(", "quantile_cont(")
                        .replace("current_timestamp", "TIMESTAMPTZ '2025-11-08 00:00:00+00'")
                        .replace(";", "");
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };

        try (EventArchive archive = EventArchive.open(Fixtures.archive("archive-cancelled"))) {
            QueryResult dora = archive.query("SELECT deployments, succeeded, failed, cancelled, in_progress, success_rate,"
                    + " change_failure_rate FROM (" + athena.apply("smus-dora-30d") + ")");
            QueryResult restore = archive.query("SELECT restores, ttr_p50_ms, ttr_mean_ms, failing_since FROM ("
                    + athena.apply("smus-time-to-restore-30d") + ")");

            assertThat(dora.rows()).singleElement().satisfies(row -> assertThat(row)
                    .extracting(v -> ((Number) v).doubleValue()).containsExactly(7.0, 3.0, 1.0, 3.0, 0.0, 0.75, 0.25));
            assertThat(restore.rows()).singleElement().satisfies(row -> {
                assertThat(((Number) row.get(0)).longValue()).isEqualTo(1);
                assertThat(((Number) row.get(1)).doubleValue()).isEqualTo(10_804_000.0);
                assertThat(((Number) row.get(2)).doubleValue()).isEqualTo(10_804_000.0);
                assertThat(row.get(3)).isNull();
            });
        }
    }

    /** Four successful deployments of P/prod: commits 1h, 2h, 3h before, and one 11h after (clock skew). */
    private static void writeLeadTimeDeployments(Path dir) {
        Instant start = Instant.parse("2026-10-25T08:00:00Z");
        for (int i = 1; i <= 3; i++) {
            Instant at = start.plus(Duration.ofDays(i));
            writeDeployment(dir, "lead-" + i, "P", "prod", at, at.minus(Duration.ofHours(i)).toString(), 0, d -> d);
        }
        writeDeployment(dir, "skewed", "P", "prod", start, start.plus(Duration.ofHours(11)).toString(), 0, d -> d);
    }

    @Test
    void athenaDeploymentsView_whenTheSerDeLowerCasedTheKeysOfDetails_stillReadsTheFailedPhase() throws Exception {
        // what Athena's JSON SerDe may hand on: details with its keys lower-cased, the phase's Failed event lost
        writeDeployment(temp, "lower-cased", "P", "prod", Instant.parse("2025-11-05T10:00:00Z"), null, 3,
                d -> d.contains("\"stage\":\"workflow-creation\",\"status\":\"failed\"") ? null
                        : d.replace("\"failedPhase\":", "\"failedphase\":"));
        String athena = Files.readString(Path.of("..", "infra-cdk", "src", "main", "resources", "athena", "views",
                "smus_deployments.sql"))
                .replaceAll("try\\(from_iso8601_timestamp\\(([a-z.]+)\\)\\)", "TRY_CAST($1 AS TIMESTAMPTZ)");

        try (EventArchive archive = EventArchive.open(temp)) {
            archive.query("CREATE TEMP MACRO json_extract_scalar(j, p) AS json_extract_string(j, p)");

            assertThat(archive.query("SELECT failed_phase FROM (" + athena + ")").rows())
                    .containsExactly(List.of("workflow-creation"));
        }
    }

    @Test
    void parseSince_whenHoursDaysWeeks_givesDurationsAndRejectsTheRest() {
        assertThat(MetricsQuery.parseSince("12h")).isEqualTo(Duration.ofHours(12));
        assertThat(MetricsQuery.parseSince("30d")).isEqualTo(Duration.ofDays(30));
        assertThat(MetricsQuery.parseSince("2w")).isEqualTo(Duration.ofDays(14));
        assertThatThrownBy(() -> MetricsQuery.parseSince("30 days")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("30 days");
        assertThatThrownBy(() -> MetricsQuery.parseSince("0d")).isInstanceOf(IllegalArgumentException.class);
        assertThat(MetricsQuery.parseSince("36500d")).isEqualTo(Duration.ofDays(36_500));
        for (String tooLong : List.of("36501d", "876001h", "5215w", "99999999999d", "99999999999999999999999h")) {
            assertThatThrownBy(() -> MetricsQuery.parseSince(tooLong)).as(tooLong)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most 100 years");
        }
    }

    /**
     * Writes one deployment's events as an archive file under {@code dir}: Deploy-Started at
     * {@code start}, the four phases one second apart, then Deploy-Completed, or, when
     * {@code failedPhase} is 1-4, that phase's Failed and Deploy-Failed (naming the phase in
     * {@code details.failedPhase}, as the lifecycle does). {@code edit} may change each event's
     * detail (as JSON text) before it is written, or leave the event out by returning null.
     */
    static void writeDeployment(Path dir, String id, String pipeline, String target, Instant start, String commit,
                                int failedPhase, java.util.function.UnaryOperator<String> edit) {
        writeEvents(dir, id, pipeline, target, start, commit, failedPhase, false, edit);
    }

    /**
     * Writes one deployment stopped (EXECUTION_ABORTED) after phase {@code completedPhases}
     * completed (0: before any phase started) and before the next one started, as the lifecycle
     * reports it: Deploy-Failed with sequence 2k+2, no phase Failed event and no
     * {@code details.failedPhase}.
     */
    static void writeStoppedDeployment(Path dir, String id, Instant start, int completedPhases) {
        writeEvents(dir, id, "P", "prod", start, null, completedPhases, true, d -> d);
    }

    private static void writeEvents(Path dir, String id, String pipeline, String target, Instant start, String commit,
                                    int lastPhase, boolean stoppedAfterIt,
                                    java.util.function.UnaryOperator<String> edit) {
        String[] stages = {"project-init", "bundle-upload", "workflow-creation", "catalog-assets"};
        String[] names = {"ProjectInitialization", "BundleUpload", "WorkflowCreation", "CatalogAssets"};
        String errorCode = stoppedAfterIt ? "EXECUTION_ABORTED" : "E" + lastPhase;
        List<String> lines = new java.util.ArrayList<>();
        java.util.function.BiFunction<Integer, String[], String> line = (sequence, e) -> {
            Instant at = start.plusSeconds(sequence);
            String detail = String.format(java.util.Locale.ROOT, "{\"version\":\"1.0\",\"timestamp\":\"%s\","
                    + "\"pipelineName\":\"%s\",\"stage\":\"%s\",\"status\":\"%s\",\"target\":{\"name\":\"%s\"},"
                    + "\"metadata\":{%s},\"deploymentId\":\"%s\",\"sequence\":%d%s%s%s}", at, pipeline, e[1], e[2], target,
                    commit == null ? "" : "\"commitTimestamp\":\"" + commit + "\"", id, sequence,
                    "started".equals(e[2]) ? "" : ",\"durationMs\":1000",
                    "failed".equals(e[2]) ? ",\"error\":{\"code\":\"" + errorCode + "\"}" : "",
                    e.length > 3 ? ",\"details\":" + e[3] : "");
            String edited = edit.apply(detail);
            return edited == null ? null : String.format(java.util.Locale.ROOT, "{\"version\":\"0\",\"id\":\"%s-%d\","
                    + "\"detail-type\":\"%s\",\"source\":\"com.amazon.smus.cicd\",\"account\":\"123456789012\","
                    + "\"time\":\"%s\",\"region\":\"us-east-1\",\"resources\":[],\"detail\":%s}", id, sequence, e[0], at, edited);
        };
        lines.add(line.apply(1, new String[] {"SMUS-CICD-Deploy-Started", "deploy", "started"}));
        if (lastPhase == 0 && stoppedAfterIt) {
            lines.add(line.apply(2, new String[] {"SMUS-CICD-Deploy-Failed", "deploy", "failed",
                    "{\"errorName\":\"ExecutionAborted\"}"}));
        }
        for (int k = 1; k <= 4 && !(lastPhase == 0 && stoppedAfterIt); k++) {
            lines.add(line.apply(2 * k, new String[] {"SMUS-CICD-Deploy-" + names[k - 1] + "-Started", stages[k - 1], "started"}));
            if (k == lastPhase && !stoppedAfterIt) {
                lines.add(line.apply(2 * k + 1, new String[] {"SMUS-CICD-Deploy-" + names[k - 1] + "-Failed", stages[k - 1], "failed"}));
                lines.add(line.apply(2 * k + 2, new String[] {"SMUS-CICD-Deploy-Failed", "deploy", "failed",
                        "{\"failedPhase\":\"" + stages[k - 1] + "\",\"errorName\":\"com.smuscicd.errors.PhaseFailedException\"}"}));
                break;
            }
            lines.add(line.apply(2 * k + 1, new String[] {"SMUS-CICD-Deploy-" + names[k - 1] + "-Completed", stages[k - 1], "completed"}));
            if (k == lastPhase) {
                lines.add(line.apply(2 * k + 2, new String[] {"SMUS-CICD-Deploy-Failed", "deploy", "failed",
                        "{\"errorName\":\"ExecutionAborted\"}"}));
                break;
            }
            if (k == 4) {
                lines.add(line.apply(10, new String[] {"SMUS-CICD-Deploy-Completed", "deploy", "completed"}));
            }
        }
        lines.removeIf(java.util.Objects::isNull);
        try {
            Path file = dir.resolve("smus-events/2026/10/25/" + id + ".json");
            java.nio.file.Files.createDirectories(file.getParent());
            java.nio.file.Files.write(file, lines);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void compute_whenTheMachineIsNotInUtc_givesTheSameTimesAsInUtc() {
        // Berlin leaves summer time at 01:00Z on 2026-10-25: the hour after it is where the JDBC
        // driver picked the wrong offset; a TIMESTAMP without zone was shifted on any day
        writeDeployment(temp, "fail", "P", "prod", Instant.parse("2026-10-25T00:30:00Z"), null, 2, d -> d);
        writeDeployment(temp, "ok", "P", "prod", Instant.parse("2026-10-25T03:30:00Z"), "2026-10-24T23:30:00Z", 0,
                d -> d);
        java.util.TimeZone saved = java.util.TimeZone.getDefault();
        try {
            for (String zone : List.of("Europe/Berlin", "America/Los_Angeles", "UTC")) {
                java.util.TimeZone.setDefault(java.util.TimeZone.getTimeZone(zone));
                try (EventArchive archive = EventArchive.open(temp)) {
                    SeriesMetrics s = DeploymentMetrics.compute(archive, MetricsQuery.all(NOW)).series().get(0);
                    QueryResult times = archive.query("SELECT TIMESTAMPTZ '2026-10-25 01:30:00+00' AS tz,"
                            + " TIMESTAMP '2026-01-02 03:04:05' AS plain");

                    assertThat(s.leadTimeMedianMs()).as(zone).isEqualTo(4 * 3_600_000.0 + 10_000);
                    assertThat(s.timeToRestoreMedianMs()).as(zone).isEqualTo(3 * 3_600_000.0 + 4_000);
                    assertThat(times.rows().get(0)).as(zone).containsExactly("2026-10-25T01:30:00Z", "2026-01-02T03:04:05Z");
                }
            }
        } finally {
            java.util.TimeZone.setDefault(saved);
        }
    }

    @Test
    void compute_whenEventsLackPipelineOrTarget_keepsThemInSeriesOfTheirOwnAndEveryFormatRenders() {
        Instant start = Instant.parse("2026-10-25T08:00:00Z");
        writeDeployment(temp, "named", "P", "prod", start, null, 0, d -> d);
        writeDeployment(temp, "no-target", "P", "prod", start.plusSeconds(60), null, 0,
                d -> d.replace(",\"target\":{\"name\":\"prod\"}", ""));
        writeDeployment(temp, "no-pipeline", "P", "prod", start.plusSeconds(120), null, 3,
                d -> d.replace("\"pipelineName\":\"P\",", ""));

        try (EventArchive archive = EventArchive.open(temp)) {
            MetricsReport report = DeploymentMetrics.compute(archive, MetricsQuery.all(NOW));
            java.io.StringWriter table = new java.io.StringWriter();
            java.io.StringWriter json = new java.io.StringWriter();
            MetricsText.table(report, new java.io.PrintWriter(table));
            MetricsText.json(report, new java.io.PrintWriter(json));
            String html = HtmlReport.render(report, NOW);

            assertThat(report.series()).extracting(SeriesMetrics::pipeline, SeriesMetrics::target, SeriesMetrics::deployments)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(null, "prod", 1L),
                            org.assertj.core.groups.Tuple.tuple("P", null, 1L),
                            org.assertj.core.groups.Tuple.tuple("P", "prod", 1L));
            // the overall statistics count each phase once, not once more for the series without a pipeline
            assertThat(report.overall().phases()).extracting(PhaseDurations::phase).doesNotHaveDuplicates();
            assertThat(report.overall().phases().get(0)).isEqualTo(new PhaseDurations("project-init", 3, 1000, 1000, 1000));
            assertThat(table.toString()).contains("(no pipeline)", "(no target)", "(all)");
            assertThat(json.toString()).contains("\"pipeline\":null,\"target\":\"prod\"");
            assertThat(html).contains("(no pipeline) / prod", "P / (no target)");
        }
    }

    @Test
    void compute_whenEventTimestampsAreUnreadable_usesTheEnvelopeTimeAndStillSeesTheOutcome() {
        writeDeployment(temp, "bad-times", "P", "prod", Instant.parse("2026-10-25T08:00:00Z"), null, 0,
                d -> d.replaceAll("\"timestamp\":\"[^\"]*\"", "\"timestamp\":\"yesterday at noon\""));

        try (EventArchive archive = EventArchive.open(temp)) {
            MetricsReport report = DeploymentMetrics.compute(archive, MetricsQuery.all(NOW));

            assertThat(report.deployments()).singleElement().satisfies(d -> {
                assertThat(d.outcome()).isEqualTo("succeeded");
                assertThat(d.startedAt()).isEqualTo(Instant.parse("2026-10-25T08:00:01Z"));
                assertThat(d.endedAt()).isEqualTo(Instant.parse("2026-10-25T08:00:10Z"));
            });
            assertThat(HtmlReport.render(report, NOW)).contains("P / prod");
        }
    }

    @Test
    void compute_whenSinceIsShorterThanADay_ratesOverThatWindow() {
        Instant now = Instant.parse("2026-10-25T12:00:00Z");
        for (int i = 1; i <= 6; i++) {
            writeDeployment(temp, "d" + i, "P", "prod", now.minus(Duration.ofHours(i)).plusSeconds(60), null, 0, d -> d);
        }

        try (EventArchive archive = EventArchive.open(temp)) {
            MetricsReport sixHours = DeploymentMetrics.compute(archive, new MetricsQuery(null, null, Duration.ofHours(6), now));
            MetricsReport all = DeploymentMetrics.compute(archive, MetricsQuery.all(now));

            assertThat(sixHours.window().days()).isEqualTo(0.25);
            assertThat(sixHours.overall().deploymentsPerDay()).isEqualTo(24.0);
            // without --since, the window runs from the first deployment to the last event, at least a day
            assertThat(all.window().days()).isEqualTo(1.0);
            assertThat(all.overall().deploymentsPerDay()).isEqualTo(6.0);
        }
    }

    @Test
    void compute_whenPipelineOrTargetFilterWithoutSince_ratesOverTheSameWindowAsWithout() {
        MetricsReport all = compute(MetricsQuery.all(NOW));
        MetricsReport test = compute(new MetricsQuery("MyPipeline", "test", null, NOW));
        MetricsReport other = compute(new MetricsQuery("OtherPipeline", null, null, NOW));

        // the whole archive's deployments: OtherPipeline's first (10-20 10:00:00) to the last event (11-09 10:00:10)
        MetricsReport.Window archive = new MetricsReport.Window(Instant.parse("2025-10-20T10:00:00Z"),
                Instant.parse("2025-11-09T10:00:10Z"), 20.0 + 10 / 86_400.0, MetricsReport.Window.Basis.ARCHIVE);
        assertThat(all.window()).isEqualTo(archive);
        assertThat(test.window()).isEqualTo(archive);
        assertThat(other.window()).isEqualTo(archive);
        // MyPipeline/test deployed once in two days: once in the archive's 20 days, not once a day
        assertThat(test.series().get(0).deploymentsPerDay())
                .isEqualTo(all.series().get(1).deploymentsPerDay())
                .isEqualTo(1 / archive.days());
        assertThat(other.series().get(0).deploymentsPerDay()).isEqualTo(all.series().get(2).deploymentsPerDay());
    }

    private static MetricsReport compute(MetricsQuery query) {
        try (EventArchive archive = EventArchive.open(Fixtures.archive("archive-metrics"))) {
            return DeploymentMetrics.compute(archive, query);
        }
    }
}
