package com.smuscicd.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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

    /**
     * A state entered or left, with its data: the raw input of an entered state, the output of an
     * exited one (for a state whose error a Catch handled, that output holds the error).
     */
    public record Step(String state, String type, boolean exited, JsonNode data) {
        public Step {
            Objects.requireNonNull(state, "state");
            Objects.requireNonNull(type, "type");
        }

        /** A state entered with this input. */
        public static Step entered(String state, String type, JsonNode input) {
            return new Step(state, type, false, input);
        }

        /** A state left with this output. */
        public static Step exited(String state, String type, JsonNode output) {
            return new Step(state, type, true, output);
        }
    }

    private ExecutionEnding() {
    }

    /**
     * The lifecycle task input that emits what the execution still owes, or empty when it needs
     * nothing (it succeeded, a terminal event went out, or it never reached a task with a
     * deployment).
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
        for (Step step : steps) {
            // a state whose error a Catch handled may be listed as left, with the error in its output
            if (step.exited() && (COMPLETED_STATE.equals(step.state()) && !step.data().has("failure")
                    || FAILED_STATE.equals(step.state()) && !step.data().has("recordFailureError"))) {
                return Optional.empty();
            }
            if ("Task".equals(step.type())) {
                last = step;
            }
        }
        if (last == null || !last.data().path("deployment").isObject()) {
            return Optional.empty();
        }
        ObjectNode state = last.data().deepCopy();
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
