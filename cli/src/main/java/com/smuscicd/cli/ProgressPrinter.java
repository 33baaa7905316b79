package com.smuscicd.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.smuscicd.events.EventDetail;
import com.smuscicd.events.Stage;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Prints the live timeline of a deployment: one line per phase with its status, duration and a
 * one-line summary. Used for local runs and for cloud runs followed with {@code --wait}.
 */
public final class ProgressPrinter {

    private final PrintWriter out;

    public ProgressPrinter(PrintWriter out) {
        this.out = out;
    }

    /** The line printed before the phases. */
    public void header(String pipeline, String target, String stage, String deploymentId, String where) {
        out.printf("Deploying %s to %s (%s) %s%n  deployment %s%n", pipeline, target, stage, where, deploymentId);
        out.flush();
    }

    /** A phase completed. */
    public void phaseCompleted(Stage phase, long durationMs, JsonNode details) {
        out.printf("  %-4s %-22s %8s  %s%n", "ok", phase.phaseName(), duration(durationMs), summary(phase, details));
        out.flush();
    }

    /** A phase failed for good. */
    public void phaseFailed(Stage phase, long durationMs, String code, String message) {
        out.printf("  %-4s %-22s %8s  %s: %s%n", "FAIL", phase.phaseName(), duration(durationMs), code, message);
        out.flush();
    }

    /** A phase attempt failed and will be retried after {@code delayMs}. */
    public void retrying(Stage phase, int attempt, String error, long delayMs) {
        retrying(phase, attempt, error, delayMs, delayMs);
    }

    /**
     * A phase attempt failed and will be retried after {@code delayMs}, where the state machine in
     * AWS would wait {@code awsDelayMs} (a local run scales its delays down).
     */
    public void retrying(Stage phase, int attempt, String error, long delayMs, long awsDelayMs) {
        out.printf("  %-4s %-22s %8s  attempt %d failed (%s), retrying in %d ms%s%n", "..", phase.phaseName(), "",
                attempt, error, delayMs, delayMs == awsDelayMs ? "" : " (" + awsDelayMs + " ms in AWS)");
        out.flush();
    }

    /** Free text, e.g. the summary. */
    public void line(String text) {
        out.println(text);
        out.flush();
    }

    /** A completed phase as {@code --output json} reports it. */
    static Map<String, Object> completedResult(long durationMs, JsonNode details) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("status", "completed");
        result.put("durationMs", durationMs);
        result.put("details", details);
        return result;
    }

    /** A failed phase as {@code --output json} reports it. */
    static Map<String, Object> failedResult(long durationMs, EventDetail.ErrorInfo error) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("status", "failed");
        result.put("durationMs", durationMs);
        result.put("error", Map.of("code", error.code(), "message", error.message()));
        return result;
    }

    /** A one-line summary of a phase's details. */
    static String summary(Stage phase, JsonNode d) {
        return switch (phase) {
            case PROJECT_INITIALIZATION -> "project " + d.path("projectId").asText("?")
                    + (d.path("projectCreated").asBoolean(false) ? " (created)" : "")
                    + " in domain " + d.path("domainId").asText("?");
            case BUNDLE_UPLOAD -> d.path("files").asInt() + " files, " + bytes(d.path("bytes").asLong()) + ", "
                    + d.path("uploaded").asInt() + " uploaded, " + d.path("unchanged").asInt() + " unchanged";
            case WORKFLOW_CREATION -> d.path("count").asInt() + " workflows (" + d.path("created").asInt()
                    + " created, " + d.path("updated").asInt() + " updated, " + d.path("unchanged").asInt()
                    + " unchanged)";
            case CATALOG_ASSETS -> d.path("count").asInt() + " assets (" + d.path("requested").asInt()
                    + " requested, " + d.path("alreadySubscribed").asInt() + " already subscribed)";
            case DEPLOY -> "";
        };
    }

    static String duration(long ms) {
        return ms < 1000 ? ms + " ms" : String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
    }

    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        return n < 1024 * 1024 ? String.format(Locale.ROOT, "%.1f KiB", n / 1024.0)
                : String.format(Locale.ROOT, "%.1f MiB", n / (1024.0 * 1024));
    }
}
