package com.smuscicd.local.asl;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;

/** Receives the progress of a local execution, e.g. to print a live timeline. All methods optional. */
public interface ExecutionListener {

    /** A state was entered with this (raw) input. */
    default void stateEntered(String state, String type, JsonNode input) {
    }

    /** A state finished successfully with this output. */
    default void stateExited(String state, String type, JsonNode output, Duration duration) {
    }

    /** A task attempt ({@code attempt}, from 1) is about to call the task's function. */
    default void taskStarted(String state, int attempt) {
    }

    /** A task attempt's function returned (the state may still fail on its result, e.g. too large). */
    default void taskSucceeded(String state) {
    }

    /** A task attempt failed; {@code retryIn} is null when no retrier applies or retries are spent. */
    default void taskFailed(String state, String error, String cause, int attempt, Duration retryIn) {
    }

    /** A Catch routed an error to {@code next}. */
    default void caught(String state, String error, String next) {
    }

    /**
     * A state whose error a Catch handled leaves with {@code output}: its input with the error
     * where the Catch's ResultPath puts it (as Step Functions' history lists the state's exit).
     * Called just before {@link #caught}.
     */
    default void caughtExit(String state, String type, JsonNode output) {
    }

    /** A listener that does nothing. */
    ExecutionListener NONE = new ExecutionListener() {
    };
}
