package com.smuscicd.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The page's structure; rendering in a real browser is tested by the CLI's MetricsCommandTest. */
class MetricsHtmlReportTest {

    private static final Instant NOW = Instant.parse("2025-11-10T00:00:00Z");

    @Test
    void render_whenReport_isSelfContainedAndShowsTheNumbers() {
        String html = HtmlReport.render(report(), NOW);

        assertThat(html).doesNotContain("http://", "https://", "<link", "src=");
        assertThat(html).contains("<svg id=\"timeline\"", "<svg id=\"per-day\"", "<svg id=\"phases\"");
        assertThat(html).contains("dddddddd-0000-4000-8000-000000000002");
        assertThat(html).contains(">50.0%<", ">2h 30m<", ">1h 00m<");
    }

    @Test
    void render_whenWindowIsUnderADay_givesItsLengthInHours() {
        MetricsReport report;
        try (EventArchive archive = EventArchive.open(Fixtures.archive("archive-metrics"))) {
            report = DeploymentMetrics.compute(archive, new MetricsQuery(null, null, Duration.ofHours(16), NOW));
        }

        String html = HtmlReport.render(report, NOW);

        assertThat(html).contains("2025-11-09 08:00 UTC &ndash; 2025-11-10 00:00 UTC &middot; 16h (the --since window) &middot; generated",
                ">1.50/day<");
    }

    @Test
    void render_whenDeploymentsWereCancelled_showsThemApartFromTheFailures() {
        String html = HtmlReport.render(MetricsTextTest.cancelledReport(), NOW);

        assertThat(html).containsPattern("id=\"kpi-deployments\".*?class=\"value\">7<.*?class=\"note\">3 ok &middot; "
                + "1 failed &middot; 3 cancelled &middot; 0 running<");
        assertThat(html).containsPattern("id=\"kpi-success-rate\".*?class=\"value\">75\\.0%<")
                .containsPattern("id=\"kpi-change-failure-rate\".*?class=\"value\">25\\.0%<");
        // Deploys, OK, Failed, Cancelled, Running
        assertThat(html).contains(">Cancelled</th>").contains("<td>ShopPipeline</td><td>prod</td>"
                + "<td class=\"n\" data-v=\"7\">7</td><td class=\"n\" data-v=\"3\">3</td><td class=\"n\" data-v=\"1\">1</td>"
                + "<td class=\"n\" data-v=\"3\">3</td><td class=\"n\" data-v=\"0\">0</td>");
        assertThat(html.split("class=\"m cancel\"", -1)).hasSize(4);
        assertThat(html).contains("<code>BUNDLE_INVALID</code>").doesNotContain("<code>EXECUTION_ABORTED</code>")
                .contains("3 cancelled deployments (stopped, EXECUTION_ABORTED) are not failures and are not listed here.");
    }

    @Test
    void tickLabel_whenTheSpanIsShort_givesSecondsSoTheTicksDiffer() {
        Instant start = Instant.parse("2026-11-27T16:45:58Z");
        long span = 10_000;

        List<String> labels = java.util.stream.IntStream.rangeClosed(0, 6)
                .mapToObj(i -> HtmlReport.tickLabel(start.plusMillis(span * i / 6), span)).toList();

        assertThat(labels).doesNotHaveDuplicates().first().isEqualTo("16:45:58");
        assertThat(HtmlReport.tickLabel(start, 3_600_000)).isEqualTo("11-27 16:45");
        assertThat(HtmlReport.tickLabel(start, 30 * 86_400_000L)).isEqualTo("2026-11-27");
    }

    @Test
    void render_whenNamesHoldMarkup_escapesThem() {
        assertThat(HtmlReport.esc("<b>\"x\" & 'y'</b>")).isEqualTo("&lt;b&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/b&gt;");
    }

    @Test
    void render_whenManyDeployments_drawsDailyCellsInsteadOfMarks() {
        MetricsReport small = report();
        java.util.List<MetricsReport.Deployment> many = new java.util.ArrayList<>();
        for (int i = 0; i <= HtmlReport.TIMELINE_MARK_LIMIT; i++) {
            many.add(small.deployments().get(i % small.deployments().size()));
        }
        MetricsReport big = new MetricsReport(small.window(), small.overall(), small.series(), many);

        String html = HtmlReport.render(big, NOW);

        assertThat(html).contains("class=\"cell\"").doesNotContain("class=\"m ok\"");
    }

    @Test
    void render_whenWindowLongerThanTheDeployments_perDayChartSpansTheWholeWindow() {
        MetricsReport report;
        try (EventArchive archive = EventArchive.open(Fixtures.archive("archive-metrics"))) {
            report = DeploymentMetrics.compute(archive, new MetricsQuery("MyPipeline", "prod", Duration.ofDays(30), NOW));
        }

        String html = HtmlReport.render(report, NOW);

        // 30 days ending at midnight of 11-10: 10-11 .. 11-09, quiet days shown as zero
        assertThat(html).contains("data-first=\"2025-10-11\" data-last=\"2025-11-09\" data-days=\"30\"");
        assertThat(html).contains("data-day=\"2025-10-11\" data-deployments=\"0\"",
                "data-day=\"2025-11-09\" data-deployments=\"");
        assertThat(html.split("class=\"slot\"", -1)).hasSize(31);
    }

    private static MetricsReport report() {
        try (EventArchive archive = EventArchive.open(Fixtures.archive("archive-metrics"))) {
            return DeploymentMetrics.compute(archive, new MetricsQuery("MyPipeline", "prod", Duration.ofDays(10), NOW));
        }
    }
}
