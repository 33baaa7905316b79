package com.smuscicd.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.smuscicd.deploy.DeploymentLifecycle;
import com.smuscicd.events.EventDetail;
import com.smuscicd.events.Stage;
import com.smuscicd.json.Json;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;
import software.amazon.awssdk.services.sfn.model.HistoryEventType;

/**
 * Turns a Step Functions execution history, read as it grows, into the same per-phase lines as a
 * local run ({@link ProgressPrinter}).
 *
 * <ul>
 *   <li>A phase state's {@code TaskStateExited} with its output under {@code $.phases} is a completed
 *       phase; one without (the Catch put the error at {@code $.failure}) is a failed phase.</li>
 *   <li>A failed attempt followed by a new one in the same state is a retry.</li>
 *   <li>The {@code RecordFailure} state's output carries the deployment's error code and failed phase.</li>
 * </ul>
 * The state machine invokes its functions by ARN, so attempts appear as {@code LambdaFunction*}
 * events; {@code Task*} events (service integrations) are read the same way.
 */
final class CloudProgress {

    static final String RECORD_FAILURE_STATE = "RecordFailure";

    private final ProgressPrinter printer;
    private final Map<String, Object> phases = new LinkedHashMap<>();
    private final Map<String, Instant> enteredAt = new LinkedHashMap<>();
    private String currentState;
    private int failedAttempts;
    private Instant lastFailureAt;
    private String lastError;
    private String lastCause;
    private Stage failedPhase;
    private EventDetail.ErrorInfo failure;
    private String terminalStatus;

    CloudProgress(ProgressPrinter printer) {
        this.printer = printer;
    }

    /** What each phase did, keyed by detail stage value. */
    Map<String, Object> phases() {
        return phases;
    }

    Optional<Stage> failedPhase() {
        return Optional.ofNullable(failedPhase);
    }

    Optional<EventDetail.ErrorInfo> failure() {
        return Optional.ofNullable(failure);
    }

    /** The execution's end as the history told it (SUCCEEDED, FAILED, TIMED_OUT, ABORTED), if seen. */
    Optional<String> terminalStatus() {
        return Optional.ofNullable(terminalStatus);
    }

    /** Reads one history event; events must come in id order, each once. */
    void accept(HistoryEvent event) {
        HistoryEventType type = event.type();
        if (type == null) {
            return;
        }
        switch (type) {
            case TASK_STATE_ENTERED -> {
                currentState = event.stateEnteredEventDetails().name();
                enteredAt.put(currentState, event.timestamp());
                failedAttempts = 0;
                lastFailureAt = null;
            }
            case LAMBDA_FUNCTION_FAILED -> attemptFailed(event, event.lambdaFunctionFailedEventDetails().error(),
                    event.lambdaFunctionFailedEventDetails().cause());
            case LAMBDA_FUNCTION_TIMED_OUT -> attemptFailed(event, event.lambdaFunctionTimedOutEventDetails().error(),
                    event.lambdaFunctionTimedOutEventDetails().cause());
            case LAMBDA_FUNCTION_START_FAILED -> attemptFailed(event,
                    event.lambdaFunctionStartFailedEventDetails().error(),
                    event.lambdaFunctionStartFailedEventDetails().cause());
            case TASK_FAILED -> attemptFailed(event, event.taskFailedEventDetails().error(),
                    event.taskFailedEventDetails().cause());
            case TASK_TIMED_OUT -> attemptFailed(event, event.taskTimedOutEventDetails().error(),
                    event.taskTimedOutEventDetails().cause());
            case LAMBDA_FUNCTION_SCHEDULED, TASK_SCHEDULED -> {
                if (lastFailureAt != null) {
                    long delay = Math.max(0, Duration.between(lastFailureAt, event.timestamp()).toMillis());
                    phase(currentState).ifPresent(p -> printer.retrying(p, failedAttempts,
                            DeploymentLifecycle.errorOf(lastError, lastCause).code(), delay));
                    lastFailureAt = null;
                }
            }
            case TASK_STATE_EXITED -> stateExited(event);
            case EXECUTION_SUCCEEDED -> terminalStatus = "SUCCEEDED";
            case EXECUTION_FAILED -> terminalStatus = "FAILED";
            case EXECUTION_TIMED_OUT -> terminalStatus = "TIMED_OUT";
            case EXECUTION_ABORTED -> terminalStatus = "ABORTED";
            default -> {
                // Pass states and the like say nothing about phases.
            }
        }
    }

    private void attemptFailed(HistoryEvent event, String error, String cause) {
        failedAttempts++;
        lastFailureAt = event.timestamp();
        lastError = error == null ? "States.TaskFailed" : error;
        lastCause = cause == null ? "" : cause;
    }

    private void stateExited(HistoryEvent event) {
        String state = event.stateExitedEventDetails().name();
        JsonNode output = parse(event.stateExitedEventDetails().output());
        if (RECORD_FAILURE_STATE.equals(state)) {
            JsonNode result = output.path("result");
            JsonNode error = result.path("error");
            if (error.path("code").isTextual()) {
                failure = new EventDetail.ErrorInfo(error.path("code").asText(), error.path("message").asText(""));
            }
            if (failedPhase == null && result.path("failedPhase").isTextual()) {
                failedPhase = Stage.of(result.path("failedPhase").asText());
            }
            return;
        }
        Optional<Stage> phase = phase(state);
        if (phase.isEmpty()) {
            return;
        }
        Stage stage = phase.get();
        Instant entered = enteredAt.getOrDefault(state, event.timestamp());
        long elapsed = Math.max(0, Duration.between(entered, event.timestamp()).toMillis());
        JsonNode details = output.path("phases").path(stage.outputKey());
        if (details.isObject()) {
            long ms = details.path("durationMs").asLong(elapsed);
            printer.phaseCompleted(stage, ms, details);
            phases.put(stage.value(), ProgressPrinter.completedResult(ms, details));
            return;
        }
        JsonNode caught = output.path("failure");
        EventDetail.ErrorInfo info = DeploymentLifecycle.errorOf(caught.path("Error").asText(
                lastError == null ? "States.TaskFailed" : lastError), caught.path("Cause").asText(
                lastCause == null ? "" : lastCause));
        failedPhase = stage;
        failure = info;
        printer.phaseFailed(stage, elapsed, info.code(), info.message());
        phases.put(stage.value(), ProgressPrinter.failedResult(elapsed, info));
    }

    private static JsonNode parse(String json) {
        if (json == null || json.isBlank()) {
            return Json.mapper().missingNode();
        }
        try {
            return Json.mapper().readTree(json);
        } catch (Exception e) {
            return Json.mapper().missingNode();
        }
    }

    private static Optional<Stage> phase(String state) {
        return Stage.phaseNamed(state);
    }
}
