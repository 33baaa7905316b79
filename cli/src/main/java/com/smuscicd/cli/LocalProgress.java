package com.smuscicd.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.smuscicd.deploy.DeploymentLifecycle;
import com.smuscicd.events.EventDetail;
import com.smuscicd.events.Stage;
import com.smuscicd.local.asl.ExecutionListener;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** Turns the local runner's state transitions into {@link ProgressPrinter} lines and per-phase results. */
final class LocalProgress implements ExecutionListener {

    private final ProgressPrinter printer;
    private final Map<String, Object> phases = new LinkedHashMap<>();
    private final Map<String, Long> enteredAt = new LinkedHashMap<>();
    private String lastCause = "";
    private Stage failedPhase;
    private EventDetail.ErrorInfo failure;

    /** The local run's {@code --retry-delay-scale}: the waits it makes are the state machine's times this. */
    private final double delayScale;

    LocalProgress(ProgressPrinter printer, double delayScale) {
        this.printer = printer;
        this.delayScale = delayScale;
    }

    /** The phase that failed, if one did. */
    Optional<Stage> failedPhase() {
        return Optional.ofNullable(failedPhase);
    }

    /** The error that failed the deployment, if any was caught. */
    Optional<EventDetail.ErrorInfo> failure() {
        return Optional.ofNullable(failure);
    }

    /** What each phase did, keyed by detail stage value. */
    Map<String, Object> phases() {
        return phases;
    }

    @Override
    public void stateEntered(String state, String type, JsonNode input) {
        enteredAt.put(state, System.nanoTime());
    }

    @Override
    public void stateExited(String state, String type, JsonNode output, Duration duration) {
        phase(state).ifPresent(phase -> {
            JsonNode details = output.path("phases").path(phase.outputKey());
            long ms = details.path("durationMs").asLong(duration.toMillis());
            printer.phaseCompleted(phase, ms, details);
            phases.put(phase.value(), ProgressPrinter.completedResult(ms, details));
        });
    }

    @Override
    public void taskFailed(String state, String error, String cause, int attempt, Duration retryIn) {
        lastCause = cause == null ? "" : cause;
        if (retryIn != null) {
            phase(state).ifPresent(p -> printer.retrying(p, attempt, errorOf(error).code(),
                    Math.round(retryIn.toMillis() * delayScale), retryIn.toMillis()));
        }
    }

    @Override
    public void caught(String state, String error, String next) {
        failure = errorOf(error);
        phase(state).ifPresent(phase -> {
            failedPhase = phase;
            EventDetail.ErrorInfo info = failure;
            Long start = enteredAt.get(state);
            long ms = start == null ? 0 : Duration.ofNanos(System.nanoTime() - start).toMillis();
            printer.phaseFailed(phase, ms, info.code(), info.message());
            phases.put(phase.value(), ProgressPrinter.failedResult(ms, info));
        });
    }

    private EventDetail.ErrorInfo errorOf(String error) {
        return DeploymentLifecycle.errorOf(error, lastCause);
    }

    private static Optional<Stage> phase(String state) {
        return Stage.phaseNamed(state);
    }
}
