package com.smuscicd.metrics;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.smuscicd.json.Json;
import com.smuscicd.metrics.MetricsReport.FailureCount;
import com.smuscicd.metrics.MetricsReport.PhaseDurations;
import com.smuscicd.metrics.MetricsReport.SeriesMetrics;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Prints a {@link MetricsReport} as aligned text tables or as JSON. */
public final class MetricsText {

    private MetricsText() {
    }

    /**
     * Three tables: DORA keys and outcomes per series, phase durations, failures. {@code OK/DAY} is
     * DORA's deployment frequency, successful deployments only, next to {@code DEPLOYS}, all of them.
     * {@code CANCELLED} deployments (stopped) are counted there and nowhere else: not in
     * {@code SUCCESS} or {@code CHANGE FAIL}, not in the failures table.
     */
    public static void table(MetricsReport report, PrintWriter out) {
        MetricsReport.Window w = report.window();
        // seconds are precise enough for a window and keep the header readable
        out.printf(Locale.ROOT, "Deployments %s .. %s (%s: %s)%n", w.start().truncatedTo(ChronoUnit.SECONDS),
                w.end().truncatedTo(ChronoUnit.SECONDS), windowLength(w), windowBasis(w));
        String rates = ratesNote(w);
        if (rates != null) {
            out.println(Character.toUpperCase(rates.charAt(0)) + rates.substring(1) + ".");
        }
        out.println();
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"PIPELINE", "TARGET", "DEPLOYS", "OK", "FAILED", "CANCELLED", "RUNNING", "SUCCESS", "OK/DAY",
            "LEAD TIME p50", "CHANGE FAIL", "RESTORE p50", "RESTORE mean", "FAILING SINCE"});
        List<SeriesMetrics> all = new ArrayList<>(report.series());
        if (report.series().size() > 1) {
            all.add(report.overall());
        }
        for (SeriesMetrics s : all) {
            boolean overall = s == report.overall();
            rows.add(new String[] {overall ? "(all)" : pipelineLabel(s.pipeline()), overall ? "" : targetLabel(s.target()),
                String.valueOf(s.deployments()), String.valueOf(s.succeeded()), String.valueOf(s.failed()),
                String.valueOf(s.cancelled()), String.valueOf(s.inProgress()), percent(s.successRate()), number(s.deploymentsPerDay(), 2),
                duration(s.leadTimeMedianMs()), percent(s.changeFailureRate()), duration(s.timeToRestoreMedianMs()),
                duration(s.timeToRestoreMeanMs()), s.failingSince() == null ? "" : s.failingSince().toString()});
        }
        print(rows, out);
        long skewed = report.overall().leadTimeIgnored();
        if (skewed > 0) {
            out.printf(Locale.ROOT, "note: %s with a commit time after the deployment ended (clock skew?) left out"
                    + " of lead time%n", plural(skewed, "deployment", "deployments"));
        }

        out.println();
        out.println("Phase durations (completed phases; deploy = whole deployment)");
        rows = new ArrayList<>();
        rows.add(new String[] {"PIPELINE", "TARGET", "PHASE", "N", "p50", "p95", "max"});
        for (SeriesMetrics s : report.series()) {
            for (PhaseDurations p : s.phases()) {
                rows.add(new String[] {pipelineLabel(s.pipeline()), targetLabel(s.target()), p.phase(), String.valueOf(p.count()),
                    duration(p.p50Ms()), duration(p.p95Ms()), duration((double) p.maxMs())});
            }
        }
        if (rows.size() == 1) {
            out.println("(none: no completed phase reported a duration)");
        } else {
            print(rows, out);
        }

        out.println();
        out.println("Failures by phase and error code");
        rows = new ArrayList<>();
        rows.add(new String[] {"PIPELINE", "TARGET", "PHASE", "ERROR CODE", "COUNT"});
        for (SeriesMetrics s : report.series()) {
            for (FailureCount f : s.failures()) {
                rows.add(new String[] {pipelineLabel(s.pipeline()), targetLabel(s.target()), f.phase(),
                    f.errorCode() == null ? "" : f.errorCode(),
                    String.valueOf(f.count())});
            }
        }
        if (rows.size() == 1) {
            out.println("(none)");
        } else {
            print(rows, out);
        }
        String cancelled = cancelledNote(report.overall());
        if (cancelled != null) {
            out.println("note: " + cancelled + ": counted under CANCELLED, left out of SUCCESS and CHANGE FAIL");
        }
        out.flush();
    }

    /** The report as a JSON document (without the per-deployment timeline, which can be large). */
    public static void json(MetricsReport report, PrintWriter out) {
        ObjectNode root = Json.mapper().createObjectNode();
        ObjectNode window = root.putObject("window");
        window.put("start", report.window().start().toString());
        window.put("end", report.window().end().toString());
        window.put("days", report.window().days());
        window.put("basis", report.window().basis().name().toLowerCase(Locale.ROOT));
        root.set("overall", series(report.overall(), true));
        ArrayNode list = root.putArray("series");
        for (SeriesMetrics s : report.series()) {
            list.add(series(s, false));
        }
        out.println(Json.write(root));
        out.flush();
    }

    /** {@code overall}: the totals, which have no pipeline or target (a series may lack them too: null). */
    private static ObjectNode series(SeriesMetrics s, boolean overall) {
        ObjectNode node = Json.mapper().createObjectNode();
        if (!overall) {
            node.put("pipeline", s.pipeline());
            node.put("target", s.target());
        }
        node.put("deployments", s.deployments());
        node.put("succeeded", s.succeeded());
        node.put("failed", s.failed());
        node.put("cancelled", s.cancelled());
        node.put("inProgress", s.inProgress());
        node.put("successRate", s.successRate());
        ObjectNode dora = node.putObject("dora");
        dora.put("deploymentFrequencyPerDay", s.deploymentsPerDay());
        dora.put("leadTimeForChangesMedianMs", s.leadTimeMedianMs());
        dora.put("leadTimeSamples", s.leadTimeSamples());
        dora.put("leadTimeSamplesIgnored", s.leadTimeIgnored());
        dora.put("changeFailureRate", s.changeFailureRate());
        dora.put("timeToRestoreMedianMs", s.timeToRestoreMedianMs());
        dora.put("timeToRestoreMeanMs", s.timeToRestoreMeanMs());
        dora.put("restores", s.restores());
        dora.put("failingSince", s.failingSince() == null ? null : s.failingSince().toString());
        ArrayNode phases = node.putArray("phaseDurations");
        for (PhaseDurations p : s.phases()) {
            ObjectNode pn = phases.addObject();
            pn.put("phase", p.phase());
            pn.put("count", p.count());
            pn.put("p50Ms", p.p50Ms());
            pn.put("p95Ms", p.p95Ms());
            pn.put("maxMs", p.maxMs());
        }
        ArrayNode failures = node.putArray("failures");
        for (FailureCount f : s.failures()) {
            ObjectNode fn = failures.addObject();
            fn.put("phase", f.phase());
            fn.put("errorCode", f.errorCode());
            fn.put("count", f.count());
        }
        return node;
    }

    /**
     * {@code 850ms}, {@code 12.3s}, {@code 4m 05s}, {@code 2h 13m}, {@code 3d 04h}; a negative one
     * (a producer's bad number) with a minus sign, never as raw milliseconds; empty for null.
     */
    public static String duration(Double ms) {
        if (ms == null) {
            return "";
        }
        if (ms < 0) {
            return "-" + duration(-ms);
        }
        double v = ms;
        if (v < 1_000) {
            return Math.round(v) + "ms";
        }
        if (v < 60_000) {
            return number(v / 1_000, 1) + "s";
        }
        long s = Math.round(v / 1_000);
        if (s < 3_600) {
            return String.format(Locale.ROOT, "%dm %02ds", s / 60, s % 60);
        }
        if (s < 86_400) {
            return String.format(Locale.ROOT, "%dh %02dm", s / 3_600, (s % 3_600) / 60);
        }
        return String.format(Locale.ROOT, "%dd %02dh", s / 86_400, (s % 86_400) / 3_600);
    }

    /**
     * The window's real length, end - start: {@code 12.5 days}; under a day in hours and minutes
     * ({@code 16h}, {@code 16h 30m}), under an hour in minutes and seconds ({@code 45m},
     * {@code 4m 05s}), under a minute in seconds ({@code 10s}). Rates may use a longer one: see
     * {@link #ratesNote}.
     */
    static String windowLength(MetricsReport.Window window) {
        long ms = Duration.between(window.start(), window.end()).toMillis();
        if (ms >= 86_400_000L) {
            return number(ms / 86_400_000.0, 1) + " days";
        }
        long seconds = Math.round(ms / 1_000.0);
        if (seconds < 60) {
            return seconds + "s";
        }
        if (seconds < 3_600) {
            return seconds % 60 == 0 ? seconds / 60 + "m"
                    : String.format(Locale.ROOT, "%dm %02ds", seconds / 60, seconds % 60);
        }
        long minutes = Math.round(seconds / 60.0);
        return minutes % 60 == 0 ? minutes / 60 + "h"
                : String.format(Locale.ROOT, "%dh %02dm", minutes / 60, minutes % 60);
    }

    /**
     * When per-day rates are over more than the window itself (a whole-archive window under a
     * day counts as one, the only case), says so; else null.
     */
    static String ratesNote(MetricsReport.Window window) {
        double spanDays = Duration.between(window.start(), window.end()).toMillis() / 86_400_000.0;
        return window.days() > spanDays ? "per-day rates count it as 1 day (their minimum)" : null;
    }

    /** Where the window comes from, as shown after its length. */
    static String windowBasis(MetricsReport.Window window) {
        return window.basis() == MetricsReport.Window.Basis.SINCE ? "the --since window"
                : "the whole archive, first deployment to last event";
    }

    /**
     * Under the failures, when there are cancelled deployments: why they are not there
     * ({@code 2 cancelled deployments (stopped, EXECUTION_ABORTED) are not failures}). Null when
     * there are none.
     */
    static String cancelledNote(SeriesMetrics overall) {
        if (overall.cancelled() == 0) {
            return null;
        }
        return plural(overall.cancelled(), "cancelled deployment (stopped, EXECUTION_ABORTED) is not a failure",
                "cancelled deployments (stopped, EXECUTION_ABORTED) are not failures");
    }

    /** A series' pipeline as shown: events without a pipeline name form a series of their own. */
    static String pipelineLabel(String pipeline) {
        return pipeline == null ? "(no pipeline)" : pipeline;
    }

    /** A series' target as shown: events without a target form a series of their own. */
    static String targetLabel(String target) {
        return target == null ? "(no target)" : target;
    }

    /** {@code 1 deployment}, {@code 2 deployments}. */
    static String plural(long n, String one, String many) {
        return n + " " + (n == 1 ? one : many);
    }

    /** {@code 83.3%}; empty for null. */
    public static String percent(Double fraction) {
        return fraction == null ? "" : number(fraction * 100, 1) + "%";
    }

    static String number(double value, int decimals) {
        return String.format(Locale.ROOT, "%." + decimals + "f", value);
    }

    private static void print(List<String[]> rows, PrintWriter out) {
        int[] widths = new int[rows.get(0).length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                line.append(i == 0 ? "" : "  ").append(row[i]).append(" ".repeat(widths[i] - row[i].length()));
            }
            out.println(line.toString().stripTrailing());
        }
    }
}
