package com.smuscicd.deploy;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One task of the state machine: JSON in, JSON out. The Lambda handlers adapt these to the Lambda
 * runtime, the local runner calls them directly. A thrown exception's class name is the Step
 * Functions error name, as with the Lambda Java runtime.
 */
@FunctionalInterface
public interface TaskFunction {

    /** Runs the task on the task's input (after the state's Parameters were applied). */
    JsonNode invoke(JsonNode input);
}
