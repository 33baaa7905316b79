package com.smuscicd.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.smuscicd.deploy.ExecutionEnding;
import com.smuscicd.deploy.TaskFunction;
import com.smuscicd.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;

/**
 * Settles executions of the deployment state machine that ended without their terminal event:
 * the lifecycle function receives Step Functions' "Execution Status Change" event for every
 * execution that FAILED, TIMED_OUT or was ABORTED (an EventBridge rule of the orchestrator
 * stack), reads the execution's history, and, when no Deploy-Completed or Deploy-Failed went out,
 * runs the lifecycle's {@code fail} action on the state the execution stopped in
 * ({@link ExecutionEnding}). An execution that went through RecordFailure needs nothing, so a
 * repeated delivery of the change event publishes nothing twice, except when the first run's own
 * publish failed, which is what a retry is for.
 */
public final class EndedExecutions implements TaskFunction {

    /** The {@code detail-type} of Step Functions' status change events. */
    public static final String STATUS_CHANGE = "Step Functions Execution Status Change";

    private final Function<String, List<HistoryEvent>> history;
    private final TaskFunction lifecycle;

    /**
     * @param history   an execution's history, oldest first
     * @param lifecycle the deployment lifecycle task, whose {@code fail} action emits the events
     */
    public EndedExecutions(Function<String, List<HistoryEvent>> history, TaskFunction lifecycle) {
        this.history = Objects.requireNonNull(history, "history");
        this.lifecycle = Objects.requireNonNull(lifecycle, "lifecycle");
    }

    /** Whether {@code input} is a Step Functions status change event (rather than a task input). */
    public static boolean isStatusChange(JsonNode input) {
        return "aws.states".equals(input.path("source").asText()) && STATUS_CHANGE.equals(input.path("detail-type").asText());
    }

    @Override
    public JsonNode invoke(JsonNode event) {
        JsonNode detail = event.path("detail");
        String executionArn = detail.path("executionArn").asText(null);
        String status = detail.path("status").asText("");
        ObjectNode result = Json.mapper().createObjectNode();
        result.put("executionArn", executionArn).put("status", status);
        if (executionArn == null || "SUCCEEDED".equals(status) || "RUNNING".equals(status)) {
            return result.put("settled", "nothing to do");
        }
        Optional<ObjectNode> owed = ExecutionEnding.owed(steps(history.apply(executionArn)), status,
                detail.path("error").asText(null), detail.path("cause").asText(null), executionArn);
        if (owed.isEmpty()) {
            return result.put("settled", "a terminal event went out");
        }
        result.set("published", lifecycle.invoke(owed.get()));
        return result.put("settled", "terminal event published");
    }

    /** The states an execution went through, from its history (exits of caught errors included, as Step Functions lists them). */
    static List<ExecutionEnding.Step> steps(List<HistoryEvent> events) {
        List<ExecutionEnding.Step> steps = new ArrayList<>();
        String task = null;
        for (HistoryEvent event : events) {
            String type = event.typeAsString();
            if (type == null) {
                continue;
            }
            if (type.endsWith("StateEntered") && event.stateEnteredEventDetails() != null) {
                String stateType = type.substring(0, type.length() - "StateEntered".length());
                task = "Task".equals(stateType) ? event.stateEnteredEventDetails().name() : null;
                steps.add(ExecutionEnding.Step.entered(event.stateEnteredEventDetails().name(), stateType,
                        parse(event.stateEnteredEventDetails().input())));
            } else if (type.endsWith("StateExited") && event.stateExitedEventDetails() != null) {
                steps.add(ExecutionEnding.Step.exited(event.stateExitedEventDetails().name(),
                        type.substring(0, type.length() - "StateExited".length()),
                        parse(event.stateExitedEventDetails().output())));
            } else if (task != null && attempt(type) != null) {
                // the attempts of the task state entered last (tasks run one at a time here)
                ExecutionEnding.Kind kind = attempt(type);
                steps.add(kind == ExecutionEnding.Kind.ATTEMPT_FAILED ? failedAttempt(task, event)
                        : ExecutionEnding.Step.attempt(task, kind));
            }
        }
        return steps;
    }

    /** A failed attempt with the error and cause its event names (a timeout as Step Functions names it). */
    private static ExecutionEnding.Step failedAttempt(String task, HistoryEvent event) {
        String error = null;
        String cause = null;
        if (event.lambdaFunctionFailedEventDetails() != null) {
            error = event.lambdaFunctionFailedEventDetails().error();
            cause = event.lambdaFunctionFailedEventDetails().cause();
        } else if (event.taskFailedEventDetails() != null) {
            error = event.taskFailedEventDetails().error();
            cause = event.taskFailedEventDetails().cause();
        } else if (event.lambdaFunctionTimedOutEventDetails() != null || event.taskTimedOutEventDetails() != null) {
            error = "States.Timeout";
        }
        return ExecutionEnding.Step.failedAttempt(task, error == null ? event.typeAsString() : error, cause);
    }

    /** What a function attempt event says, for Lambda tasks and service integrations alike; null for others. */
    private static ExecutionEnding.Kind attempt(String type) {
        return switch (type) {
            case "LambdaFunctionStarted", "TaskStarted" -> ExecutionEnding.Kind.ATTEMPT_STARTED;
            case "LambdaFunctionSucceeded", "TaskSucceeded" -> ExecutionEnding.Kind.ATTEMPT_SUCCEEDED;
            case "LambdaFunctionFailed", "LambdaFunctionTimedOut", "LambdaFunctionStartFailed",
                 "LambdaFunctionScheduleFailed", "TaskFailed", "TaskTimedOut", "TaskStartFailed",
                 "TaskSubmitFailed" -> ExecutionEnding.Kind.ATTEMPT_FAILED;
            default -> null;
        };
    }

    private static JsonNode parse(String json) {
        if (json == null || json.isBlank()) {
            return Json.mapper().createObjectNode();
        }
        try {
            return Json.mapper().readTree(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return Json.mapper().createObjectNode();
        }
    }
}
