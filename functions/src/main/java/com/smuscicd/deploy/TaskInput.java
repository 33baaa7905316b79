package com.smuscicd.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.smuscicd.events.Stage;
import com.smuscicd.json.Json;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * The input every task receives from the state machine:
 * {@code {"action": ..., "state": <the execution state>, "retryCount": n, "executionArn": ...}}.
 * The execution state holds {@code deployment}, {@code phases} (outputs so far), {@code current}
 * (the phase being run, set by the Enter states) and, on the failure path, {@code failure}.
 *
 * @param deployment the deployment input ({@code state.deployment}), converted once
 */
public record TaskInput(String action, JsonNode state, int retryCount, String executionArn,
                        DeploymentInput deployment) {

    /** Reads the task input JSON. */
    public static TaskInput from(JsonNode input) {
        JsonNode state = input.path("state");
        if (!state.isObject() || !state.path("deployment").isObject()) {
            throw new IllegalArgumentException("task input has no state.deployment object");
        }
        // Converted once: every phase reads it several times.
        return new TaskInput(
                input.path("action").asText(null),
                state,
                input.path("retryCount").asInt(0),
                input.path("executionArn").asText(null),
                Json.convert(state.get("deployment"), DeploymentInput.class));
    }

    /** The outputs of the phases so far, keyed by {@link Stage#outputKey()}. */
    public JsonNode phases() {
        JsonNode phases = state.path("phases");
        return phases.isObject() ? phases : MissingNode.getInstance();
    }

    /** The output of one earlier phase (missing node if it has not run). */
    public JsonNode phaseOutput(Stage stage) {
        return phases().path(stage.outputKey());
    }

    /** The phase the execution is in, as set by its Enter state; empty before the first phase. */
    public Optional<Stage> currentPhase() {
        String phase = state.path("current").path("phase").asText(null);
        return phase == null ? Optional.empty() : Optional.of(Stage.of(phase));
    }

    /** When the current phase's state was entered (shared by its retries); empty if unknown. */
    public Optional<Instant> currentEnteredTime() {
        return instant(state.path("current").path("enteredTime"));
    }

    /** When the deployment started (Deploy-Started's output); empty if unknown. */
    public Optional<Instant> deployStartedAt() {
        return instant(phases().path("deploy").path("startedAt"));
    }

    /** The error the failure path caught: {@code {"Error": ..., "Cause": ...}}. */
    public JsonNode failure() {
        return state.path("failure");
    }

    private static Optional<Instant> instant(JsonNode node) {
        if (!node.isTextual()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Instant.parse(node.asText()));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
