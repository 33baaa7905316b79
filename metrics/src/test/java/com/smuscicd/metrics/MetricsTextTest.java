package com.smuscicd.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.smuscicd.json.Json;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetricsTextTest {

    private static final Instant NOW = Instant.parse("2025-11-10T00:00:00Z");

    @Test
    void json_whenReport_carriesTheDoraKeysPerSeries() {
        StringWriter text = new StringWriter();
        MetricsText.json(report(), new PrintWriter(text));

        JsonNode json = Json.read(text.toString());
        JsonNode prod = json.get("series").get(0);
        assertThat(prod.get("pipeline").asText()).isEqualTo("MyPipeline");
        assertThat(prod.get("dora").get("timeToRestoreMedianMs").asDouble()).isEqualTo(9_007_000.0);
        assertThat(prod.get("dora").get("leadTimeForChangesMedianMs").asDouble()).isEqualTo(3_610_000.0);
        assertThat(prod.get("phaseDurations").get(0).get("p95Ms").asDouble()).isEqualTo(1475.0);
        assertThat(json.get("window").get("days").asDouble()).isEqualTo(10.0);
    }

    @Test
    void table_whenReport_printsOneRowPerSeriesWithReadableDurations() {
        StringWriter text = new StringWriter();
        MetricsText.table(report(), new PrintWriter(text));

        assertThat(text.toString()).containsPattern("MyPipeline\\s+prod\\s+7\\s+3\\s+3\\s+0\\s+1\\s+50\\.0%\\s+0\\.30\\s+"
                + "1h 00m\\s+50\\.0%\\s+2h 30m\\s+2h 30m");
        assertThat(text.toString()).containsPattern("workflow-creation\\s+WORKFLOW_DEFINITION_INVALID\\s+2");
    }

    @Test
    void table_whenReport_headsTheSuccessfulDeploymentsRateOkPerDay() {
        StringWriter text = new StringWriter();
        MetricsText.table(report(), new PrintWriter(text));
        String html = HtmlReport.render(report(), NOW);

        // deployment frequency counts successful deployments only: its header says so, next to OK
        assertThat(text.toString()).containsPattern("DEPLOYS\\s+OK\\s+FAILED\\s+CANCELLED\\s+RUNNING\\s+SUCCESS\\s+OK/DAY\\s")
                .doesNotContain("DEPLOYS/DAY");
        assertThat(html).contains(">OK/day</th>").doesNotContain("Deploys/day");
    }

    @Test
    void table_whenDeploymentsWereCancelled_countsThemInTheirOwnColumnAndNotAsFailures() {
        StringWriter text = new StringWriter();

        MetricsText.table(cancelledReport(), new PrintWriter(text));

        // 7 deployments: 3 ok, 1 failed, 3 cancelled, 0 running; 3 / (3 + 1) ok, 1 / (3 + 1) failed; nothing failing
        assertThat(text.toString()).containsPattern("DEPLOYS\\s+OK\\s+FAILED\\s+CANCELLED\\s+RUNNING\\s+SUCCESS\\s")
                .containsPattern("(?m)^ShopPipeline\\s+prod\\s+7\\s+3\\s+1\\s+3\\s+0\\s+75\\.0%\\s+0\\.43\\s+1h 00m\\s+"
                        + "25\\.0%\\s+3h 00m\\s+3h 00m$")
                .containsPattern("bundle-upload\\s+BUNDLE_INVALID\\s+1")
                .doesNotContain("EXECUTION_ABORTED  ")
                .endsWith("note: 3 cancelled deployments (stopped, EXECUTION_ABORTED) are not failures: counted under"
                        + " CANCELLED, left out of SUCCESS and CHANGE FAIL\n");
    }

    @Test
    void json_whenDeploymentsWereCancelled_carriesTheCancelledCountApartFromTheFailed() {
        StringWriter text = new StringWriter();

        MetricsText.json(cancelledReport(), new PrintWriter(text));

        JsonNode json = Json.read(text.toString());
        for (JsonNode s : List.of(json.get("overall"), json.get("series").get(0))) {
            assertThat(s.get("failed").asLong()).isEqualTo(1);
            assertThat(s.get("cancelled").asLong()).isEqualTo(3);
            assertThat(s.get("inProgress").asLong()).isZero();
            assertThat(s.get("successRate").asDouble()).isEqualTo(0.75);
            assertThat(s.get("dora").get("changeFailureRate").asDouble()).isEqualTo(0.25);
            assertThat(s.get("dora").get("restores").asLong()).isEqualTo(1);
            assertThat(s.get("dora").get("failingSince").isNull()).isTrue();
            assertThat(s.get("failures")).singleElement()
                    .satisfies(f -> assertThat(f.get("errorCode").asText()).isEqualTo("BUNDLE_INVALID"));
        }
    }

    /** archive-cancelled, as DeploymentMetricsTest describes it, over the 7 days before 11-08. */
    static MetricsReport cancelledReport() {
        try (EventArchive archive = EventArchive.open(Fixtures.archive("archive-cancelled"))) {
            return DeploymentMetrics.compute(archive, new MetricsQuery(null, null, Duration.ofDays(7),
                    Instant.parse("2025-11-08T00:00:00Z")));
        }
    }

    @Test
    void table_whenNowHasNanoseconds_printsTheWindowToTheSecond() {
        Instant now = Instant.parse("2025-11-10T08:15:30.123456789Z");
        MetricsReport report;
        try (EventArchive archive = EventArchive.open(Fixtures.archive("archive-metrics"))) {
            report = DeploymentMetrics.compute(archive, new MetricsQuery(null, null, Duration.ofDays(10), now));
        }
        StringWriter text = new StringWriter();

        MetricsText.table(report, new PrintWriter(text));

        assertThat(text.toString().lines().findFirst().orElseThrow())
                .isEqualTo("Deployments 2025-10-31T08:15:30Z .. 2025-11-10T08:15:30Z (10.0 days: the --since window)");
    }

    @Test
    void table_whenWindowIsUnderADay_printsItInHoursAndMinutesAndRatesPerDayOfIt() {
        MetricsReport report;
        try (EventArchive archive = EventArchive.open(Fixtures.archive("archive-metrics"))) {
            // one deployment (OtherPipeline, 11-09 10:00) in the last 16.5 hours
            report = DeploymentMetrics.compute(archive, new MetricsQuery(null, null, Duration.ofMinutes(990), NOW));
        }
        StringWriter text = new StringWriter();

        MetricsText.table(report, new PrintWriter(text));

        assertThat(text.toString().lines().findFirst().orElseThrow())
                .isEqualTo("Deployments 2025-11-09T07:30:00Z .. 2025-11-10T00:00:00Z (16h 30m: the --since window)");
        // 1 / (16.5 / 24)
        assertThat(text.toString())
                .containsPattern("OtherPipeline\\s+prod\\s+1\\s+1\\s+0\\s+0\\s+0\\s+100\\.0%\\s+1\\.45\\s");
    }

    @Test
    void table_whenNoSinceAndAPipelineFilter_saysTheWindowIsTheWholeArchives() {
        MetricsReport report;
        try (EventArchive archive = EventArchive.open(Fixtures.archive("archive-metrics"))) {
            report = DeploymentMetrics.compute(archive, new MetricsQuery("MyPipeline", "test", null, NOW));
        }
        StringWriter text = new StringWriter();
        StringWriter json = new StringWriter();

        MetricsText.table(report, new PrintWriter(text));
        MetricsText.json(report, new PrintWriter(json));

        assertThat(text.toString().lines().findFirst().orElseThrow()).isEqualTo("Deployments 2025-10-20T10:00:00Z"
                + " .. 2025-11-09T10:00:10Z (20.0 days: the whole archive, first deployment to last event)");
        // one successful deployment in the archive's 20 days
        assertThat(text.toString()).containsPattern("MyPipeline\\s+test\\s+2\\s+1\\s+1\\s+0\\s+0\\s+50\\.0%\\s+0\\.05\\s");
        assertThat(Json.read(json.toString()).get("window").get("basis").asText()).isEqualTo("archive");
    }

    @Test
    void table_whenTheArchiveSpansSeconds_showsTheRealSpanAndThatRatesUseADay(@TempDir Path temp) {
        DeploymentMetricsTest.writeDeployment(temp, "only", "P", "prod", Instant.parse("2026-10-25T16:45:58Z"), null, 0,
                d -> d);
        MetricsReport report;
        try (EventArchive archive = EventArchive.open(temp)) {
            report = DeploymentMetrics.compute(archive, MetricsQuery.all(NOW));
        }
        StringWriter text = new StringWriter();

        MetricsText.table(report, new PrintWriter(text));
        String html = HtmlReport.render(report, NOW);

        // Deploy-Started at :59 (sequence 1), Deploy-Completed at :46:08
        assertThat(text.toString().lines().limit(2)).containsExactly(
                "Deployments 2026-10-25T16:45:59Z .. 2026-10-25T16:46:08Z (9s: the whole archive, first deployment"
                        + " to last event)",
                "Per-day rates count it as 1 day (their minimum).");
        assertThat(html).contains("&middot; 9s (the whole archive, first deployment to last event) &middot;"
                + " per-day rates count it as 1 day (their minimum) &middot; generated");
        assertThat(html).doesNotContain("1.0 days");
    }

    @Test
    void table_whenNoPhaseReportedADuration_saysNoneInsteadOfAnEmptyTable(@TempDir Path temp) {
        DeploymentMetricsTest.writeDeployment(temp, "no-durations", "P", "prod", Instant.parse("2026-10-25T16:45:58Z"),
                null, 0, d -> d.replace(",\"durationMs\":1000", ""));
        MetricsReport report;
        try (EventArchive archive = EventArchive.open(temp)) {
            report = DeploymentMetrics.compute(archive, MetricsQuery.all(NOW));
        }
        StringWriter text = new StringWriter();

        MetricsText.table(report, new PrintWriter(text));

        assertThat(text.toString()).contains("Phase durations (completed phases; deploy = whole deployment)\n"
                + "(none: no completed phase reported a duration)\n");
        assertThat(text.toString()).doesNotContain("PHASE  N");
    }

    @Test
    void table_whenSinceWindow_saysNothingMoreAboutRates() {
        StringWriter text = new StringWriter();

        MetricsText.table(report(), new PrintWriter(text));

        assertThat(text.toString().lines().skip(1).findFirst().orElseThrow()).isEmpty();
    }

    @Test
    void windowLength_whenUnderAMinuteOrAnHour_isInSecondsOrMinutesAndSeconds() {
        assertThat(MetricsText.windowLength(window(Duration.ofSeconds(10)))).isEqualTo("10s");
        assertThat(MetricsText.windowLength(window(Duration.ZERO))).isEqualTo("0s");
        assertThat(MetricsText.windowLength(window(Duration.ofSeconds(245)))).isEqualTo("4m 05s");
    }

    @Test
    void windowLength_whenUnderADay_isInHoursAndMinutes() {
        assertThat(MetricsText.windowLength(window(Duration.ofHours(1)))).isEqualTo("1h");
        assertThat(MetricsText.windowLength(window(Duration.ofMinutes(45)))).isEqualTo("45m");
        assertThat(MetricsText.windowLength(window(Duration.ofMinutes(23 * 60 + 59)))).isEqualTo("23h 59m");
        assertThat(MetricsText.windowLength(window(Duration.ofDays(1)))).isEqualTo("1.0 days");
        assertThat(MetricsText.windowLength(window(Duration.ofHours(36)))).isEqualTo("1.5 days");
    }

    private static MetricsReport.Window window(Duration length) {
        return new MetricsReport.Window(NOW.minus(length), NOW, length.toMillis() / 86_400_000.0,
                MetricsReport.Window.Basis.SINCE);
    }

    @Test
    void duration_whenEachScale_isShortAndReadable() {
        assertThat(MetricsText.duration(850.0)).isEqualTo("850ms");
        assertThat(MetricsText.duration(12_340.0)).isEqualTo("12.3s");
        assertThat(MetricsText.duration(245_000.0)).isEqualTo("4m 05s");
        assertThat(MetricsText.duration(9_007_000.0)).isEqualTo("2h 30m");
        assertThat(MetricsText.duration(3 * 86_400_000.0 + 4 * 3_600_000.0)).isEqualTo("3d 04h");
        assertThat(MetricsText.duration(null)).isEmpty();
    }

    @Test
    void duration_whenNegative_isFormattedLikeThePositiveWithASign() {
        assertThat(MetricsText.duration(-41_395_955.0)).isEqualTo("-11h 29m");
        assertThat(MetricsText.duration(-850.0)).isEqualTo("-850ms");
    }

    private static MetricsReport report() {
        try (EventArchive archive = EventArchive.open(Fixtures.archive("archive-metrics"))) {
            return DeploymentMetrics.compute(archive, new MetricsQuery("MyPipeline", "prod", Duration.ofDays(10), NOW));
        }
    }
}
