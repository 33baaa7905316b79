package com.smuscicd.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.smuscicd.deploy.DeploymentInput;
import com.smuscicd.events.DeploymentEvent;
import com.smuscicd.local.asl.ExecutionResult;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The outcome of one local deployment.
 *
 * @param input       the execution input, bundle location filled in
 * @param execution   how the state machine run ended
 * @param events      every event emitted, in emission order
 * @param undelivered events the bus could not deliver (logged whole)
 * @param archiveDir  where the archive copy of the events was written (null when sent to AWS)
 * @param deliveries  deliveries per local rule name during this run, counted once the bus finished
 *                    delivering (empty when sent to AWS)
 * @param failedDeliveries deliveries that failed for good and were written to the state directory's
 *                    {@code dead-letter.jsonl} (0 when sent to AWS)
 * @param settlement  for a run that ended without reaching RecordFailure (stopped, timed out), what the
 *                    lifecycle's {@code fail} answered when it settled the deployment ({@code failedPhase},
 *                    {@code error}), whether events are on or not; null otherwise
 */
public record LocalRun(DeploymentInput input, ExecutionResult execution, List<DeploymentEvent> events,
                       int undelivered, Path archiveDir, Map<String, Long> deliveries, long failedDeliveries,
                       JsonNode settlement) {

    public LocalRun {
        events = List.copyOf(events);
        deliveries = Map.copyOf(deliveries);
    }
}
