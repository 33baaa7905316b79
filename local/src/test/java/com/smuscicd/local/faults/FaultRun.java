package com.smuscicd.local.faults;

import com.smuscicd.events.DeploymentEvent;
import com.smuscicd.local.asl.ExecutionResult;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One deployment run by the {@link FaultHarness}, and what it left behind.
 *
 * @param events         every event the deployment emitted, in order
 * @param undeliveredLog the lines the EventBridge publisher wrote to its log sink
 * @param undelivered    how many events the publisher reported undelivered
 * @param attempts       SDK request attempts per dependency and operation (a refused connection counts)
 * @param taskFailures   the failed attempts of each state machine task, in order
 */
record FaultRun(String deploymentId, ExecutionResult execution, List<DeploymentEvent> events,
                List<String> undeliveredLog, int undelivered, Map<Dependency, Map<String, Integer>> attempts,
                Map<String, List<TaskFailure>> taskFailures) {

    FaultRun {
        events = List.copyOf(events);
        undeliveredLog = List.copyOf(undeliveredLog);
        attempts = Map.copyOf(attempts);
        taskFailures = Map.copyOf(taskFailures);
    }

    /** A failed attempt of a task: its error name, and the retry delay (null: not retried). */
    record TaskFailure(String error, int attempt, Duration retryIn) {
    }

    /** Attempts of one operation. */
    int attempts(Dependency dependency, String operation) {
        return attempts.getOrDefault(dependency, Map.of()).getOrDefault(operation, 0);
    }

    /** Attempts per operation of a dependency. */
    Map<String, Integer> attempts(Dependency dependency) {
        return attempts.getOrDefault(dependency, Map.of());
    }

    List<TaskFailure> failures(String state) {
        return taskFailures.getOrDefault(state, List.of());
    }

    List<String> detailTypes() {
        return events.stream().map(DeploymentEvent::detailType).toList();
    }

    DeploymentEvent last() {
        return events.get(events.size() - 1);
    }

    /** The {@code details} of the event of this detail-type. */
    Map<String, Object> details(String detailType) {
        return events.stream().filter(e -> e.detailType().equals(detailType)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + detailType + " in " + detailTypes()))
                .detail().details();
    }
}
