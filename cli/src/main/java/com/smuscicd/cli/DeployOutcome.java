package com.smuscicd.cli;

import java.util.List;
import java.util.Map;

/**
 * The machine-readable result of deploying one target ({@code --output json}); text output prints
 * the same facts.
 *
 * @param status        SUCCEEDED, FAILED, TIMED_OUT, ABORTED, RUNNING (cloud without --wait),
 *                      ALREADY_STARTED (the same deployment is already running), WAIT_TIMED_OUT
 *                      (--wait-timeout passed) or FOLLOW_FAILED (started, but could not be followed)
 * @param phases        per phase (detail stage value): status, durationMs and details
 * @param events        detail-types emitted, in order (local runs)
 * @param eventsArchive where the archive copy of the events is (local runs)
 * @param failedDeliveries deliveries by local rules that failed for good, written whole to the
 *                      state directory's {@code dead-letter.jsonl} (local runs; null otherwise)
 */
public record DeployOutcome(
        String deploymentId,
        String pipelineName,
        String target,
        String status,
        Long durationMs,
        String executionArn,
        String consoleUrl,
        String failedPhase,
        Map<String, String> error,
        Map<String, Object> phases,
        int eventCount,
        List<String> events,
        String eventsArchive,
        Long failedDeliveries) {

    /** Whether this outcome counts as success for the exit code. */
    public boolean ok() {
        return "SUCCEEDED".equals(status) || "RUNNING".equals(status) || "ALREADY_STARTED".equals(status);
    }
}
