package com.smuscicd.metrics;

import com.smuscicd.metrics.MetricsReport.Deployment;
import com.smuscicd.metrics.MetricsReport.FailureCount;
import com.smuscicd.metrics.MetricsReport.PhaseDurations;
import com.smuscicd.metrics.MetricsReport.SeriesMetrics;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Renders a {@link MetricsReport} as one self-contained HTML page: inline CSS, inline SVG charts
 * and a few lines of inline script (table sorting); nothing is fetched from the network, so the
 * page can be archived as a CI artifact or mailed.
 */
public final class HtmlReport {

    /** Above this many deployments the timeline shows one cell per series and day instead of one mark each. */
    static final int TIMELINE_MARK_LIMIT = 3_000;
    private static final int WIDTH = 1000;
    private static final int LABEL = 220;
    private static final String OK = "#2e9e5b";
    private static final String FAIL = "#d64545";
    private static final String CANCELLED = "#e0a21b";
    private static final String RUNNING = "#9aa5b1";
    /** The outcomes as the charts stack them, bottom up; {@link #outcomeIndex} gives a deployment's. */
    private static final List<String> OUTCOMES = List.of("succeeded", "failed", "cancelled", "in progress");
    /** The style class of each of {@link #OUTCOMES}, in the same order. */
    private static final List<String> OUTCOME_CLASSES = List.of("ok", "fail", "cancel", "run");

    private HtmlReport() {
    }

    /** The page. */
    public static String render(MetricsReport report, Instant generatedAt) {
        StringBuilder h = new StringBuilder(64_000);
        MetricsReport.Window w = report.window();
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>SMUS deployment metrics</title>\n<style>\n").append(CSS).append("</style>\n</head>\n<body>\n");
        h.append("<header><h1>Deployment metrics</h1><p class=\"sub\">")
                .append(esc(day(w.start()))).append(" &ndash; ").append(esc(day(w.end())))
                .append(" &middot; ").append(esc(MetricsText.windowLength(w))).append(" (")
                .append(esc(MetricsText.windowBasis(w))).append(")");
        String rates = MetricsText.ratesNote(w);
        if (rates != null) {
            h.append(" &middot; ").append(esc(rates));
        }
        h.append(" &middot; generated ")
                .append(esc(generatedAt.truncatedTo(ChronoUnit.SECONDS).toString())).append("</p></header>\n<main>\n");
        kpis(h, report.overall());
        if (report.deployments().isEmpty()) {
            h.append("<section><p class=\"empty\">No deployments in this window.</p></section>\n");
        } else {
            timeline(h, report);
            perDay(h, report);
            phases(h, report.overall().phases());
        }
        seriesTable(h, report);
        failures(h, report);
        h.append("</main>\n<script>\n").append(SCRIPT).append("</script>\n</body>\n</html>\n");
        return h.toString();
    }

    private static void kpis(StringBuilder h, SeriesMetrics o) {
        h.append("<section class=\"kpis\" id=\"kpis\">\n");
        kpi(h, "deployments", "Deployments", String.valueOf(o.deployments()),
                o.succeeded() + " ok &middot; " + o.failed() + " failed &middot; " + o.cancelled() + " cancelled &middot; "
                        + o.inProgress() + " running");
        kpi(h, "success-rate", "Success rate", MetricsText.percent(o.successRate()),
                "ok / (ok + failed); cancelled and running left out");
        kpi(h, "frequency", "Deployment frequency", MetricsText.number(o.deploymentsPerDay(), 2) + "/day",
                "successful deployments");
        kpi(h, "lead-time", "Lead time for changes", orDash(MetricsText.duration(o.leadTimeMedianMs())),
                "median commit &rarr; deployed (" + o.leadTimeSamples() + ")" + (o.leadTimeIgnored() == 0 ? ""
                        : "; " + MetricsText.plural(o.leadTimeIgnored(), "deployment", "deployments")
                        + " with the commit after the deployment left out (clock skew?)"));
        kpi(h, "change-failure-rate", "Change failure rate", orDash(MetricsText.percent(o.changeFailureRate())),
                "failed / (ok + failed)");
        kpi(h, "time-to-restore", "Time to restore", orDash(MetricsText.duration(o.timeToRestoreMedianMs())),
                "median failure &rarr; next success (" + o.restores() + ")");
        h.append("</section>\n");
    }

    private static void kpi(StringBuilder h, String id, String label, String value, String note) {
        h.append("<div class=\"kpi\" id=\"kpi-").append(id).append("\"><div class=\"label\">").append(label)
                .append("</div><div class=\"value\">").append(esc(value)).append("</div><div class=\"note\">")
                .append(note).append("</div></div>\n");
    }

    private static void timeline(StringBuilder h, MetricsReport report) {
        Map<String, List<Deployment>> bySeries = new TreeMap<>();
        for (Deployment d : dated(report)) {
            bySeries.computeIfAbsent(label(d.pipeline(), d.target()), k -> new ArrayList<>()).add(d);
        }
        long start = report.window().start().toEpochMilli();
        long end = Math.max(report.window().end().toEpochMilli(), start + 1);
        for (Deployment d : dated(report)) {
            Instant last = d.endedAt() != null ? d.endedAt() : d.startedAt();
            end = Math.max(end, last.toEpochMilli());
            start = Math.min(start, d.startedAt().toEpochMilli());
        }
        int rowH = 18;
        int top = 24;
        int height = top + rowH * bySeries.size() + 8;
        double span = end - start;
        double plot = WIDTH - LABEL - 10;
        boolean marks = dated(report).size() <= TIMELINE_MARK_LIMIT;
        h.append("<section><h2>Deployment timeline</h2><p class=\"sub\">")
                .append(marks ? "One mark per deployment: " : "One cell per day (too many deployments for one mark each): ")
                .append("<span class=\"dot ok\"></span>succeeded <span class=\"dot fail\"></span>failed ")
                .append("<span class=\"dot cancel\"></span>cancelled ")
                .append("<span class=\"dot run\"></span>in progress. Hover for details.</p>\n")
                .append("<svg id=\"timeline\" class=\"chart\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(height)
                .append("\" role=\"img\" aria-label=\"deployment timeline\">\n");
        for (int r = 0; r < bySeries.size(); r += 2) {
            h.append("<rect class=\"band\" x=\"").append(LABEL).append("\" y=\"").append(top + r * rowH)
                    .append("\" width=\"").append((int) plot).append("\" height=\"").append(rowH).append("\"/>\n");
        }
        axis(h, start, end, top, height - 8, plot);
        int row = 0;
        for (Map.Entry<String, List<Deployment>> e : bySeries.entrySet()) {
            int y = top + row * rowH;
            h.append("<text class=\"lbl\" x=\"").append(LABEL - 8).append("\" y=\"").append(y + 13)
                    .append("\" text-anchor=\"end\">").append(esc(shorten(e.getKey(), 34))).append("</text>\n");
            if (marks) {
                for (Deployment d : e.getValue()) {
                    double x = LABEL + plot * (d.startedAt().toEpochMilli() - start) / span;
                    String cls = OUTCOME_CLASSES.get(outcomeIndex(d));
                    h.append("<rect class=\"m ").append(cls).append("\" x=\"").append(fmt(x - 2)).append("\" y=\"")
                            .append(y + 3).append("\" width=\"4\" height=\"").append(rowH - 6).append("\"><title>")
                            .append(esc(label(d.pipeline(), d.target()) + " · " + d.startedAt() + " · " + d.outcome()
                                    + (d.failedPhase() != null ? " in " + d.failedPhase() : "")
                                    + (d.errorCode() != null ? " (" + d.errorCode() + ")" : "")
                                    + (d.durationMs() != null ? " · " + MetricsText.duration((double) d.durationMs()) : "")
                                    + " · " + d.deploymentId()))
                            .append("</title></rect>\n");
                }
            } else {
                Map<LocalDate, int[]> days = new TreeMap<>();
                for (Deployment d : e.getValue()) {
                    days.computeIfAbsent(LocalDate.ofInstant(d.startedAt(), ZoneOffset.UTC), k -> new int[OUTCOMES.size()])
                            [outcomeIndex(d)]++;
                }
                double dayW = Math.max(1.5, plot * 86_400_000.0 / span);
                for (Map.Entry<LocalDate, int[]> dayEntry : days.entrySet()) {
                    long dayStart = dayEntry.getKey().atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
                    double x = LABEL + plot * Math.max(0, dayStart - start) / span;
                    int[] c = dayEntry.getValue();
                    double failShare = (double) c[1] / Math.max(1, c[0] + c[1]);
                    h.append("<rect class=\"cell\" x=\"").append(fmt(x)).append("\" y=\"").append(y + 3)
                            .append("\" width=\"").append(fmt(dayW)).append("\" height=\"").append(rowH - 6)
                            .append("\" fill=\"").append(mix(failShare)).append("\"><title>")
                            .append(esc(e.getKey() + " · " + dayEntry.getKey() + ": " + c[0] + " ok, " + c[1]
                                    + " failed, " + c[2] + " cancelled, " + c[3] + " in progress"))
                            .append("</title></rect>\n");
                }
            }
            row++;
        }
        h.append("</svg></section>\n");
    }

    /** The deployments with a start time, which every chart places by (one whose events have no usable time has none). */
    private static List<Deployment> dated(MetricsReport report) {
        return report.deployments().stream().filter(d -> d.startedAt() != null).toList();
    }

    /** A series as one label. */
    private static String label(String pipeline, String target) {
        return MetricsText.pipelineLabel(pipeline) + " / " + MetricsText.targetLabel(target);
    }

    private static void perDay(StringBuilder h, MetricsReport report) {
        Map<LocalDate, int[]> days = new TreeMap<>();
        for (Deployment d : dated(report)) {
            days.computeIfAbsent(LocalDate.ofInstant(d.startedAt(), ZoneOffset.UTC), k -> new int[OUTCOMES.size()])
                    [outcomeIndex(d)]++;
        }
        // the whole window, quiet days included: a gap in deployments is what this chart should show
        MetricsReport.Window w = report.window();
        LocalDate first = LocalDate.ofInstant(w.start(), ZoneOffset.UTC);
        // a window ending at midnight does not reach into the next day
        Instant lastInstant = w.end().isAfter(w.start()) ? w.end().minusNanos(1) : w.end();
        LocalDate last = LocalDate.ofInstant(lastInstant, ZoneOffset.UTC);
        if (!days.isEmpty()) {
            TreeMap<LocalDate, int[]> sorted = (TreeMap<LocalDate, int[]>) days;
            first = first.isAfter(sorted.firstKey()) ? sorted.firstKey() : first;
            last = last.isBefore(sorted.lastKey()) ? sorted.lastKey() : last;
        }
        List<LocalDate> all = new ArrayList<>();
        for (LocalDate d = first; !d.isAfter(last); d = d.plusDays(1)) {
            all.add(d);
        }
        int highest = 1;
        for (int[] c : days.values()) {
            highest = Math.max(highest, total(c));
        }
        // whole-number gridlines: four steps of a whole size
        int step = (highest + 3) / 4;
        int max = step * 4;
        int height = 220;
        int base = height - 24;
        double plot = WIDTH - 60;
        double barW = plot / all.size();
        h.append("<section><h2>Deployments per day</h2>\n<svg id=\"per-day\" class=\"chart\" viewBox=\"0 0 ")
                .append(WIDTH).append(' ').append(height).append("\" data-first=\"").append(first).append("\" data-last=\"")
                .append(last).append("\" data-days=\"").append(all.size())
                .append("\" role=\"img\" aria-label=\"deployments per day\">\n");
        for (int i = 0; i <= 4; i++) {
            int v = step * i;
            double y = base - (base - 10) * (double) v / max;
            h.append("<line class=\"grid\" x1=\"50\" x2=\"").append(WIDTH).append("\" y1=\"").append(fmt(y))
                    .append("\" y2=\"").append(fmt(y)).append("\"/><text class=\"tick\" x=\"44\" y=\"").append(fmt(y + 4))
                    .append("\" text-anchor=\"end\">").append(v).append("</text>\n");
        }
        int labelEvery = Math.max(1, all.size() / 10);
        for (int i = 0; i < all.size(); i++) {
            int[] c = days.getOrDefault(all.get(i), new int[OUTCOMES.size()]);
            double x = 55 + i * barW;
            double y = base;
            // one hover target per day, so that a day without deployments still says so
            h.append("<rect class=\"slot\" data-day=\"").append(all.get(i)).append("\" data-deployments=\"")
                    .append(total(c)).append("\" x=\"").append(fmt(x)).append("\" y=\"10\" width=\"")
                    .append(fmt(Math.max(0.8, barW - 1))).append("\" height=\"").append(base - 10).append("\"><title>")
                    .append(all.get(i)).append(": ").append(total(c)).append(" deployments</title></rect>\n");
            String[] colors = {OK, FAIL, CANCELLED, RUNNING};
            for (int k = 0; k < c.length; k++) {
                if (c[k] == 0) {
                    continue;
                }
                double bh = (base - 10) * (double) c[k] / max;
                y -= bh;
                h.append("<rect x=\"").append(fmt(x)).append("\" y=\"").append(fmt(y)).append("\" width=\"")
                        .append(fmt(Math.max(0.8, barW - 1))).append("\" height=\"").append(fmt(bh)).append("\" fill=\"")
                        .append(colors[k]).append("\"><title>").append(all.get(i)).append(": ").append(c[k]).append(' ')
                        .append(OUTCOMES.get(k)).append("</title></rect>\n");
            }
            if (i % labelEvery == 0) {
                h.append("<text class=\"tick\" x=\"").append(fmt(x + barW / 2)).append("\" y=\"").append(height - 6)
                        .append("\" text-anchor=\"middle\">").append(all.get(i).toString().substring(5)).append("</text>\n");
            }
        }
        h.append("</svg></section>\n");
    }

    private static void phases(StringBuilder h, List<PhaseDurations> phases) {
        if (phases.isEmpty()) {
            return;
        }
        double max = 1;
        for (PhaseDurations p : phases) {
            max = Math.max(max, p.p95Ms());
        }
        int rowH = 34;
        int height = 20 + rowH * phases.size();
        double plot = WIDTH - LABEL - 120;
        h.append("<section><h2>Phase durations</h2><p class=\"sub\">All selected deployments, completed phases:")
                .append(" <span class=\"dot p50\"></span>p50 <span class=\"dot p95\"></span>p95</p>\n")
                .append("<svg id=\"phases\" class=\"chart\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(height)
                .append("\" role=\"img\" aria-label=\"phase durations\">\n");
        int row = 0;
        for (PhaseDurations p : phases) {
            int y = 10 + row * rowH;
            double w95 = plot * p.p95Ms() / max;
            double w50 = plot * p.p50Ms() / max;
            h.append("<text class=\"lbl\" x=\"").append(LABEL - 8).append("\" y=\"").append(y + 17)
                    .append("\" text-anchor=\"end\">").append(esc(p.phase())).append("</text>\n")
                    .append("<rect x=\"").append(LABEL).append("\" y=\"").append(y + 2).append("\" width=\"")
                    .append(fmt(w95)).append("\" height=\"22\" class=\"p95\"><title>p95 ")
                    .append(MetricsText.duration(p.p95Ms())).append("</title></rect>\n")
                    .append("<rect x=\"").append(LABEL).append("\" y=\"").append(y + 7).append("\" width=\"")
                    .append(fmt(w50)).append("\" height=\"12\" class=\"p50\"><title>p50 ")
                    .append(MetricsText.duration(p.p50Ms())).append("</title></rect>\n")
                    .append("<text class=\"tick\" x=\"").append(fmt(LABEL + w95 + 6)).append("\" y=\"").append(y + 17)
                    .append("\">").append(MetricsText.duration(p.p50Ms())).append(" / ")
                    .append(MetricsText.duration(p.p95Ms())).append(" (n=").append(p.count()).append(")</text>\n");
            row++;
        }
        h.append("</svg></section>\n");
    }

    private static void seriesTable(StringBuilder h, MetricsReport report) {
        h.append("<section><h2>By pipeline and target</h2>\n<div class=\"scroll\"><table id=\"series\" class=\"sortable\"><thead><tr>")
                .append("<th>Pipeline</th><th>Target</th><th class=\"n\">Deploys</th><th class=\"n\">OK</th>")
                .append("<th class=\"n\">Failed</th>")
                .append("<th class=\"n\" title=\"stopped (EXECUTION_ABORTED): not failures, not in Success or Change fail\">")
                .append("Cancelled</th><th class=\"n\">Running</th>")
                .append("<th class=\"n\" title=\"ok / (ok + failed)\">Success</th>")
                .append("<th class=\"n\" title=\"successful deployments per day (DORA deployment frequency)\">OK/day</th><th class=\"n\">Lead time p50</th>")
                .append("<th class=\"n\">Change fail</th><th class=\"n\">Restore p50</th>")
                .append("<th class=\"n\">Restore mean</th><th>Failing since</th></tr></thead>\n<tbody>\n");
        for (SeriesMetrics s : report.series()) {
            h.append("<tr><td>").append(esc(MetricsText.pipelineLabel(s.pipeline()))).append("</td><td>")
                    .append(esc(MetricsText.targetLabel(s.target()))).append("</td>");
            num(h, s.deployments(), String.valueOf(s.deployments()));
            num(h, s.succeeded(), String.valueOf(s.succeeded()));
            num(h, s.failed(), String.valueOf(s.failed()));
            num(h, s.cancelled(), String.valueOf(s.cancelled()));
            num(h, s.inProgress(), String.valueOf(s.inProgress()));
            num(h, s.successRate(), MetricsText.percent(s.successRate()));
            num(h, s.deploymentsPerDay(), MetricsText.number(s.deploymentsPerDay(), 2));
            num(h, s.leadTimeMedianMs(), MetricsText.duration(s.leadTimeMedianMs()));
            num(h, s.changeFailureRate(), MetricsText.percent(s.changeFailureRate()));
            num(h, s.timeToRestoreMedianMs(), MetricsText.duration(s.timeToRestoreMedianMs()));
            num(h, s.timeToRestoreMeanMs(), MetricsText.duration(s.timeToRestoreMeanMs()));
            h.append("<td>").append(s.failingSince() == null ? "" : esc(s.failingSince().toString())).append("</td></tr>\n");
        }
        h.append("</tbody></table></div></section>\n");
    }

    private static void failures(StringBuilder h, MetricsReport report) {
        Map<String, Long> counts = new LinkedHashMap<>();
        h.append("<section><h2>Failures by phase and error code</h2>\n");
        List<String[]> rows = new ArrayList<>();
        for (SeriesMetrics s : report.series()) {
            for (FailureCount f : s.failures()) {
                rows.add(new String[] {MetricsText.pipelineLabel(s.pipeline()), MetricsText.targetLabel(s.target()),
                    f.phase(), f.errorCode() == null ? "" : f.errorCode(), String.valueOf(f.count())});
                counts.merge(f.phase(), f.count(), Long::sum);
            }
        }
        String cancelled = MetricsText.cancelledNote(report.overall());
        String note = cancelled == null ? ""
                : "<p class=\"sub\" id=\"cancelled-note\">" + esc(cancelled) + " and are not listed here.</p>\n";
        if (rows.isEmpty()) {
            h.append("<p class=\"empty\">No failed deployments.</p>\n").append(note).append("</section>\n");
            return;
        }
        h.append("<table id=\"failures\" class=\"sortable\"><thead><tr><th>Pipeline</th><th>Target</th><th>Phase</th>")
                .append("<th>Error code</th><th class=\"n\">Count</th></tr></thead>\n<tbody>\n");
        for (String[] r : rows) {
            h.append("<tr><td>").append(esc(r[0])).append("</td><td>").append(esc(r[1])).append("</td><td>")
                    .append(esc(r[2])).append("</td><td><code>").append(esc(r[3])).append("</code></td><td class=\"n\" data-v=\"")
                    .append(r[4]).append("\">").append(r[4]).append("</td></tr>\n");
        }
        h.append("</tbody></table>\n").append(note).append("</section>\n");
    }

    private static int outcomeIndex(Deployment d) {
        return switch (d.outcome()) {
            case "succeeded" -> 0;
            case "failed" -> 1;
            case "cancelled" -> 2;
            default -> 3;
        };
    }

    private static int total(int[] counts) {
        int n = 0;
        for (int c : counts) {
            n += c;
        }
        return n;
    }

    private static void num(StringBuilder h, Number sortValue, String text) {
        h.append("<td class=\"n\" data-v=\"").append(sortValue == null ? "" : sortValue.toString()).append("\">")
                .append(esc(text)).append("</td>");
    }

    private static void axis(StringBuilder h, long start, long end, int top, int bottom, double plot) {
        for (int i = 0; i <= 6; i++) {
            long t = start + (end - start) * i / 6;
            double x = LABEL + plot * i / 6;
            h.append("<line class=\"grid\" x1=\"").append(fmt(x)).append("\" x2=\"").append(fmt(x)).append("\" y1=\"")
                    .append(top).append("\" y2=\"").append(bottom).append("\"/><text class=\"tick\" x=\"").append(fmt(x))
                    .append("\" y=\"").append(top - 8).append("\" text-anchor=\"")
                    .append(i == 0 ? "start" : i == 6 ? "end" : "middle").append("\">")
                    .append(esc(tickLabel(Instant.ofEpochMilli(t), end - start)))
                    .append("</text>\n");
        }
    }

    /**
     * A date when the axis spans days; the day and time when its ticks are a minute or more apart;
     * else the time with seconds, so that the ticks of a short span (a few local runs) differ.
     */
    static String tickLabel(Instant t, long spanMs) {
        String iso = t.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
        if (spanMs > 3 * 86_400_000L) {
            return iso.substring(0, 10);
        }
        return spanMs >= 6 * 60_000L ? iso.substring(5, 16).replace('T', ' ') : iso.substring(11, 19);
    }

    /** Green to red by the share of failures. */
    private static String mix(double failShare) {
        int r = (int) Math.round(0x2e + (0xd6 - 0x2e) * failShare);
        int g = (int) Math.round(0x9e + (0x45 - 0x9e) * failShare);
        int b = (int) Math.round(0x5b + (0x45 - 0x5b) * failShare);
        return String.format(Locale.ROOT, "#%02x%02x%02x", r, g, b);
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    private static String day(Instant t) {
        return t.toString().substring(0, 16).replace('T', ' ') + " UTC";
    }

    private static String orDash(String s) {
        return s.isEmpty() ? "\u2013" : s;
    }

    private static String shorten(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "\u2026";
    }

    static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    private static final String CSS = """
            :root { --ok: #2e9e5b; --fail: #d64545; --cancel: #e0a21b; --run: #9aa5b1; --ink: #1f2933; --muted: #616e7c; --line: #e4e7eb; }
            * { box-sizing: border-box; }
            body { margin: 0; font: 14px/1.45 -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
                   color: var(--ink); background: #f5f7fa; }
            header { background: #102a43; color: #fff; padding: 18px 28px; }
            header h1 { margin: 0; font-size: 22px; font-weight: 600; }
            header .sub { color: #bcccdc; margin: 4px 0 0; }
            main { max-width: 1100px; margin: 0 auto; padding: 20px 28px 40px; }
            section { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 16px 18px; margin: 0 0 18px; }
            h2 { font-size: 16px; margin: 0 0 8px; }
            .sub { color: var(--muted); margin: 0 0 10px; }
            .kpis { display: grid; grid-template-columns: repeat(auto-fit, minmax(160px, 1fr)); gap: 12px;
                    background: none; border: 0; padding: 0; }
            .kpi { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px; }
            .kpi .label { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .04em; }
            .kpi .value { font-size: 26px; font-weight: 600; margin: 2px 0; }
            .kpi .note { color: var(--muted); font-size: 12px; }
            svg.chart { width: 100%; height: auto; display: block; }
            .lbl { font-size: 12px; fill: var(--ink); }
            .tick { font-size: 11px; fill: var(--muted); }
            .grid { stroke: var(--line); stroke-width: 1; }
            .slot { fill: transparent; }
            .band { fill: #f8fafc; }
            rect.ok { fill: var(--ok); } rect.fail { fill: var(--fail); } rect.cancel { fill: var(--cancel); }
            rect.run { fill: var(--run); }
            rect.p95 { fill: #9fb3c8; } rect.p50 { fill: #243b53; }
            .dot { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin: 0 4px 0 8px;
                   vertical-align: -1px; }
            .dot.ok { background: var(--ok); } .dot.fail { background: var(--fail); } .dot.cancel { background: var(--cancel); }
            .dot.run { background: var(--run); }
            .dot.p50 { background: #243b53; } .dot.p95 { background: #9fb3c8; }
            table { border-collapse: collapse; width: 100%; font-size: 13px; }
            th, td { padding: 6px 8px; border-bottom: 1px solid var(--line); text-align: left; white-space: nowrap; }
            th { color: var(--muted); font-weight: 600; cursor: pointer; user-select: none; }
            th.sorted-asc::after { content: " \\25B2"; } th.sorted-desc::after { content: " \\25BC"; }
            td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
            tbody tr:hover { background: #f0f4f8; }
            .empty { color: var(--muted); }
            .scroll { overflow-x: auto; }
            #series { font-size: 12.5px; } #series th, #series td { padding: 6px 6px; }
            code { font-size: 12px; }
            """;

    private static final String SCRIPT = """
            (function () {
              'use strict';
              document.querySelectorAll('table.sortable').forEach(function (table) {
                var heads = table.querySelectorAll('th');
                heads.forEach(function (th, col) {
                  th.addEventListener('click', function () {
                    var asc = !th.classList.contains('sorted-asc');
                    heads.forEach(function (h) { h.classList.remove('sorted-asc', 'sorted-desc'); });
                    th.classList.add(asc ? 'sorted-asc' : 'sorted-desc');
                    var body = table.tBodies[0];
                    var rows = Array.prototype.slice.call(body.rows);
                    rows.sort(function (a, b) {
                      var x = a.cells[col], y = b.cells[col];
                      var nx = x.dataset.v !== undefined ? parseFloat(x.dataset.v) : NaN;
                      var ny = y.dataset.v !== undefined ? parseFloat(y.dataset.v) : NaN;
                      var c = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : x.textContent.localeCompare(y.textContent);
                      return asc ? c : -c;
                    });
                    rows.forEach(function (r) { body.appendChild(r); });
                  });
                });
              });
              // lets a headless browser check that the script ran to the end
              document.documentElement.setAttribute('data-rendered', 'true');
            })();
            """;
}
