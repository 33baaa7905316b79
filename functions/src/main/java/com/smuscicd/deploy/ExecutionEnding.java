package com.smuscicd.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.smuscicd.events.Stage;
import com.smuscicd.json.Json;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What an execution that ended without its terminal deploy event still owes. Every failure the
 * state machine can catch goes to RecordFailure, which emits Deploy-Failed; but some endings skip
 * it: the execution timed out or was stopped (Catchers do not apply), an error no Catch handles
 * ({@code States.DataLimitExceeded}), or RecordFailure itself failed. From the states the
 * execution went through, this finds whether a terminal event went out and, if not, the input of
 * the lifecycle's {@code fail} action that emits it (and the running phase's Failed event), with
 * the execution's own state data at the point it stopped.
 */
public final class ExecutionEnding {

    /** The state that emits Deploy-Completed. */
    static final String COMPLETED_STATE = "DeployCompleted";
    /** The state that emits Deploy-Failed. */
    static final String FAILED_STATE = "RecordFailure";

    /** What a step records. */
    public enum Kind {
        /** A state was entered; the data is its raw input. */
        ENTERED,
        /** A state was left; the data is its output (for a caught error, holding the error). */
        EXITED,
        /** An attempt of the current task's function started. */
        ATTEMPT_STARTED,
        /** An attempt of the current task's function returned. */
        ATTEMPT_SUCCEEDED,
        /** An attempt of the current task's function failed or timed out. */
        ATTEMPT_FAILED
    }

    /**
     * A state entered or left, with its data, or what the attempt of the task state entered last
     * did (from the history of an execution in AWS; a local run has no attempts to tell).
     */
    public record Step(String state, String type, Kind kind, JsonNode data) {
        public Step {
            Objects.requireNonNull(state, "state");
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(kind, "kind");
        }

        /** A state entered with this input. */
        public static Step entered(String state, String type, JsonNode input) {
            return new Step(state, type, Kind.ENTERED, input);
        }

        /** A state left with this output. */
        public static Step exited(String state, String type, JsonNode output) {
            return new Step(state, type, Kind.EXITED, output);
        }

        /** An attempt of task state {@code state}: started, succeeded or failed. */
        public static Step attempt(String state, Kind kind) {
            return new Step(state, "Task", kind, Json.mapper().createObjectNode());
        }

        /** A failed attempt of task state {@code state}, with its error name and cause. */
        public static Step failedAttempt(String state, String error, String cause) {
            ObjectNode data = Json.mapper().createObjectNode();
            data.put("Error", error);
            data.put("Cause", cause);
            return new Step(state, "Task", Kind.ATTEMPT_FAILED, data);
        }

        /** Whether this is a state left. */
        public boolean exited() {
            return kind == Kind.EXITED;
        }
    }

    private ExecutionEnding() {
    }

    /**
     * The lifecycle task input that emits what the execution still owes, or empty when it needs
     * nothing (it succeeded, a terminal event went out or is on its way, or it never reached a
     * task with a deployment).
     *
     * <p>A task's function is not stopped with its execution. So when the last task state has no
     * exit, its last attempt decides: one that returned has published its own events (a phase's
     * Completed, or the terminal event of DeployCompleted or RecordFailure); one still running in
     * DeployCompleted or RecordFailure publishes the terminal event itself. A phase function still
     * running may yet publish Completed after the Failed given here: its end is given now rather
     * than never.
     *
     * @param steps        the states in the order the execution went through them
     * @param status       how it ended: {@code FAILED}, {@code TIMED_OUT} or {@code ABORTED}
     * @param error        the execution's error (for {@code FAILED}), or null
     * @param cause        the execution's cause, or null
     * @param executionArn the execution
     */
    public static Optional<ObjectNode> owed(List<Step> steps, String status, String error, String cause,
                                            String executionArn) {
        if ("SUCCEEDED".equals(status) || "RUNNING".equals(status)) {
            return Optional.empty();
        }
        Step last = null;
        Step attemptStep = null;
        for (Step step : steps) {
            // a state whose error a Catch handled may be listed as left, with the error in its output
            if (step.exited() && (COMPLETED_STATE.equals(step.state()) && !step.data().has("failure")
                    || FAILED_STATE.equals(step.state()) && !step.data().has("recordFailureError"))) {
                return Optional.empty();
            }
            if (!"Task".equals(step.type())) {
                continue;
            }
            switch (step.kind()) {
                case ENTERED, EXITED -> {
                    last = step;
                    attemptStep = null;
                }
                default -> {
                    if (last != null && last.state().equals(step.state()) && !last.exited()) {
                        attemptStep = step;
                    }
                }
            }
        }
        Kind attempt = attemptStep == null ? null : attemptStep.kind();
        if (last == null || !last.data().path("deployment").isObject()) {
            return Optional.empty();
        }
        boolean terminalTask = COMPLETED_STATE.equals(last.state()) || FAILED_STATE.equals(last.state());
        if (!last.exited() && terminalTask && (attempt == Kind.ATTEMPT_SUCCEEDED || attempt == Kind.ATTEMPT_STARTED)) {
            return Optional.empty();
        }
        ObjectNode state = last.data().deepCopy();
        Optional<Stage> phase = Stage.phaseNamed(last.state());
        if (!last.exited() && attempt == Kind.ATTEMPT_SUCCEEDED && phase.isPresent()) {
            // the phase function returned, so it published its Completed: only the deployment is owed
            ObjectNode phases = state.path("phases").isObject() ? (ObjectNode) state.get("phases") : state.putObject("phases");
            phases.putObject(phase.get().outputKey());
        }
        if (!state.path("failure").isObject() && attempt == Kind.ATTEMPT_FAILED
                && DeploymentLifecycle.PHASE_FAILED.equals(attemptStep.data().path("Error").asText())) {
            // the phase's function failed the phase and reported it (its Failed went out) before
            // the Catch could take the error: keep that error, so it is not failed twice
            state.set("failure", attemptStep.data().deepCopy());
        }
        if (!state.path("failure").isObject()) {
            // RecordFailure's input, or a task's caught exit, already names the error that ended
            // the phase (which may have reported itself): anything else is this ending
            state.putObject("failure").put("Error", errorName(status, error)).put("Cause", cause(status, cause, last));
        }
        state.remove("recordFailureError");
        ObjectNode input = Json.mapper().createObjectNode();
        input.put("action", "fail");
        input.set("state", state);
        input.put("retryCount", 0);
        if (executionArn != null) {
            input.put("executionArn", executionArn);
        }
        return Optional.of(input);
    }

    private static String errorName(String status, String error) {
        return switch (status) {
            case "TIMED_OUT" -> "ExecutionTimedOut";
            case "ABORTED" -> "ExecutionAborted";
            default -> error == null || error.isBlank() ? "ExecutionFailed" : error;
        };
    }

    private static String cause(String status, String cause, Step last) {
        String where = (last.exited() ? "after " : "in ") + last.state();
        String what = switch (status) {
            case "TIMED_OUT" -> "the execution timed out " + where;
            case "ABORTED" -> "the execution was stopped " + where;
            default -> "the execution failed " + where + " without reaching " + FAILED_STATE;
        };
        return cause == null || cause.isBlank() ? what : what + ": " + cause;
    }
}
