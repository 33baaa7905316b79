package com.smuscicd.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.smuscicd.errors.PhaseFailedException;
import com.smuscicd.errors.PhaseFailure;
import com.smuscicd.errors.RetryablePhaseException;
import com.smuscicd.events.EventDetail;
import com.smuscicd.events.EventEmitter;
import com.smuscicd.json.Json;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Runs a {@link Phase} as a state machine task and emits its events.
 *
 * <ul>
 *   <li>Started is not emitted here but by the state before the task ({@code <Phase>Started}), once,
 *       so a retried attempt, or one Lambda never ran, can neither repeat nor lose it;</li>
 *   <li>Completed with {@code durationMs} measured from when the state was entered (retries included);</li>
 *   <li>a {@link PhaseFailure} or an unexpected exception emits Failed and throws
 *       {@link PhaseFailedException}, which the state machine does not retry;</li>
 *   <li>a {@link RetryablePhaseException} passes through without an event: the state machine
 *       retries, and if the retries are spent the failure path emits Failed.</li>
 * </ul>
 */
public final class PhaseRunner implements TaskFunction {

    private final Phase phase;
    private final EmitterFactory emitters;

    public PhaseRunner(Phase phase, EmitterFactory emitters) {
        this.phase = phase;
        this.emitters = emitters;
    }

    @Override
    public JsonNode invoke(JsonNode input) {
        TaskInput task = TaskInput.from(input);
        EventEmitter emitter = emitters.forTask(task);
        Instant now = emitters.clock().instant();
        Instant entered = task.currentEnteredTime().filter(t -> !t.isAfter(now)).orElse(now);
        Map<String, Object> details;
        try {
            details = phase.run(task);
        } catch (RetryablePhaseException e) {
            throw e;
        } catch (PhaseFailure e) {
            throw failed(emitter, entered, e.code(), e.getMessage());
        } catch (RuntimeException e) {
            throw failed(emitter, entered, "INTERNAL_ERROR", e.getClass().getSimpleName() + ": " + e.getMessage());
        }
        long durationMs = elapsed(entered);
        emitter.completed(phase.stage(), durationMs, details);
        Map<String, Object> output = new LinkedHashMap<>(details);
        output.put("durationMs", durationMs);
        ObjectNode node = Json.mapper().valueToTree(output);
        return node;
    }

    private PhaseFailedException failed(EventEmitter emitter, Instant entered, String code, String message) {
        emitter.phaseFailed(phase.stage(), elapsed(entered), new EventDetail.ErrorInfo(code, message), null);
        return new PhaseFailedException(code, message);
    }

    private long elapsed(Instant since) {
        return emitters.millisSince(since);
    }
}
