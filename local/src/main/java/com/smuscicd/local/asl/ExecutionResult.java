package com.smuscicd.local.asl;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;

/**
 * The outcome of a local execution.
 *
 * @param status  SUCCEEDED, FAILED or TIMED_OUT, as Step Functions reports them
 * @param output  the execution output (null unless SUCCEEDED)
 * @param error   the error name (null if SUCCEEDED)
 * @param cause   the error cause (null if SUCCEEDED)
 * @param visited the states entered, in order (a retried task appears once)
 */
public record ExecutionResult(
        String executionArn,
        String status,
        JsonNode output,
        String error,
        String cause,
        List<String> visited,
        Instant startTime,
        Instant stopTime) {

    public ExecutionResult {
        visited = List.copyOf(visited);
    }

    /** Whether the execution succeeded. */
    public boolean succeeded() {
        return "SUCCEEDED".equals(status);
    }
}
