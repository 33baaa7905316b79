package com.smuscicd.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.smuscicd.errors.ErrorCodes;
import com.smuscicd.errors.PhaseFailedException;
import com.smuscicd.errors.RetryablePhaseException;
import com.smuscicd.events.EventDetail;
import com.smuscicd.events.EventEmitter;
import com.smuscicd.events.Stage;
import com.smuscicd.json.Json;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The deployment-level task: {@code action} {@code start} emits Deploy-Started,
 * {@code phaseStarted} the Started event of the phase being entered, {@code complete}
 * Deploy-Completed, and {@code fail} (the one failure path every Catch routes to) the failed
 * phase's Failed event when the phase could not, then exactly one Deploy-Failed.
 */
public final class DeploymentLifecycle implements TaskFunction {

    /** The error of a phase that failed and published its own Failed event. */
    static final String PHASE_FAILED = PhaseFailedException.class.getName();
    private static final String RETRYABLE = RetryablePhaseException.class.getName();

    private final EmitterFactory emitters;

    public DeploymentLifecycle(EmitterFactory emitters) {
        this.emitters = emitters;
    }

    @Override
    public JsonNode invoke(JsonNode input) {
        TaskInput task = TaskInput.from(input);
        String action = task.action() == null ? "" : task.action();
        return switch (action) {
            case "start" -> start(task);
            case "phaseStarted" -> phaseStarted(task);
            case "complete" -> complete(task);
            case "fail" -> fail(task);
            default -> throw new IllegalArgumentException("unknown lifecycle action: '" + action + "'");
        };
    }

    private JsonNode start(TaskInput task) {
        Instant now = emitters.clock().instant();
        emitters.forTask(task).started(Stage.DEPLOY);
        ObjectNode phases = Json.mapper().createObjectNode();
        phases.putObject("deploy").put("startedAt", now.toString());
        return phases;
    }

    private JsonNode phaseStarted(TaskInput task) {
        Stage phase = task.currentPhase()
                .orElseThrow(() -> new IllegalArgumentException("phaseStarted needs $.current.phase"));
        emitters.forTask(task).started(phase);
        return Json.mapper().createObjectNode();
    }

    private JsonNode complete(TaskInput task) {
        EventEmitter emitter = emitters.forTask(task);
        Map<String, Object> phaseDurations = new LinkedHashMap<>();
        for (Stage phase : Stage.phases()) {
            JsonNode duration = task.phaseOutput(phase).path("durationMs");
            if (duration.canConvertToLong()) {
                phaseDurations.put(phase.value(), duration.asLong());
            }
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("phaseDurationsMs", phaseDurations);
        if (task.executionArn() != null) {
            details.put("executionArn", task.executionArn());
        }
        long durationMs = sinceDeployStart(task);
        emitter.completed(Stage.DEPLOY, durationMs, details);
        ObjectNode result = Json.mapper().createObjectNode();
        result.put("deploymentId", task.deployment().deploymentId());
        result.put("status", "SUCCEEDED");
        result.put("durationMs", durationMs);
        return result;
    }

    private JsonNode fail(TaskInput task) {
        EventEmitter emitter = emitters.forTask(task);
        JsonNode failure = task.failure();
        String errorName = failure.path("Error").asText("States.Unknown");
        EventDetail.ErrorInfo error = errorOf(errorName, failure.path("Cause").asText(""));
        Optional<Stage> failedPhase = task.currentPhase();
        // The current phase already has its output: every phase completed and DeployCompleted failed.
        boolean afterLastPhase = failedPhase.map(p -> task.phaseOutput(p).isObject()).orElse(false);
        long phaseDurationMs = task.currentEnteredTime().map(this::since).orElse(0L);
        Map<String, Object> details = new LinkedHashMap<>();
        if (!afterLastPhase) {
            failedPhase.ifPresent(p -> details.put("failedPhase", p.value()));
        }
        details.put("errorName", errorName);
        long deployDurationMs = sinceDeployStart(task);
        boolean phaseReportedItself = PHASE_FAILED.equals(errorName) || afterLastPhase;
        emitter.deployFailed(failedPhase.orElse(null), !phaseReportedItself, phaseDurationMs, deployDurationMs, error,
                details);
        ObjectNode result = Json.mapper().createObjectNode();
        result.put("deploymentId", task.deployment().deploymentId());
        result.put("status", "FAILED");
        if (!afterLastPhase) {
            failedPhase.ifPresent(p -> result.put("failedPhase", p.phaseName()));
        }
        result.putObject("error").put("code", error.code()).put("message", error.message());
        return result;
    }

    /**
     * The code and message of a caught error. Our own exceptions carry {@code CODE: message} in the
     * Lambda error cause ({@code {"errorMessage": ...}}); other errors get a code from their name.
     */
    public static EventDetail.ErrorInfo errorOf(String errorName, String cause) {
        String message = cause;
        JsonNode causeJson = parseQuietly(cause);
        if (causeJson.path("errorMessage").isTextual()) {
            message = causeJson.path("errorMessage").asText();
        }
        if ((PHASE_FAILED.equals(errorName) || RETRYABLE.equals(errorName)) && message.matches("^[A-Z][A-Z0-9_]*: .*")) {
            int colon = message.indexOf(": ");
            return new EventDetail.ErrorInfo(message.substring(0, colon), message.substring(colon + 2));
        }
        if (timedOut(errorName, message)) {
            return new EventDetail.ErrorInfo("PHASE_TIMEOUT", message.isBlank() ? "the phase timed out" : message);
        }
        String code = ErrorCodes.upperSnake(
                errorName.replaceAll("^.*\\.(?=[A-Z][A-Za-z]*Exception$)", ""), "UNKNOWN_ERROR");
        return new EventDetail.ErrorInfo(code, message.isBlank() ? errorName : message);
    }

    /**
     * The task state's own timer ({@code States.Timeout}), or the function's timeout ending it
     * first, as the task timeouts are set to: Lambda reports that as {@code Sandbox.Timedout}, or
     * as {@code Lambda.Unknown} with "Task timed out after ..." in the cause.
     */
    private static boolean timedOut(String errorName, String message) {
        return "States.Timeout".equals(errorName) || "Sandbox.Timedout".equals(errorName)
                || ("Lambda.Unknown".equals(errorName) && message.contains("Task timed out"));
    }

    private static JsonNode parseQuietly(String text) {
        if (text == null || !text.trim().startsWith("{")) {
            return Json.mapper().missingNode();
        }
        try {
            return Json.mapper().readTree(text);
        } catch (Exception e) {
            return Json.mapper().missingNode();
        }
    }

    private long sinceDeployStart(TaskInput task) {
        return task.deployStartedAt().map(this::since).orElse(0L);
    }

    private long since(Instant start) {
        return emitters.millisSince(start);
    }
}
