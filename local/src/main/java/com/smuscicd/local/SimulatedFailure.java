package com.smuscicd.local;

import com.smuscicd.deploy.Phase;
import com.smuscicd.deploy.TaskInput;
import com.smuscicd.errors.PhaseFailure;
import com.smuscicd.errors.RetryablePhaseException;
import com.smuscicd.events.Stage;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A failure a local run makes one phase meet ({@code --simulate-failure PHASE[:CODE[:ATTEMPTS]]}),
 * so that failure rules, alerts and metrics can be tried offline: the phase starts, then its work
 * fails as a failing dependency would make it fail, and everything after is what the state
 * machine and the lifecycle do with a real failure.
 *
 * <ul>
 *   <li>A retryable code ({@link #RETRYABLE}, what throttling and outages become) is retried by
 *       the state machine's Retry policy (its delays times {@code --retry-delay-scale}). With
 *       {@code ATTEMPTS}, only that many attempts fail and the next succeeds (a phase that
 *       recovers); without, every attempt fails and the phase fails when the retries are spent.</li>
 *   <li>Any other code fails the phase at once (Phase-Failed, then Deploy-Failed).</li>
 * </ul>
 *
 * @param stage    the phase
 * @param code     the error code the phase reports
 * @param attempts how many attempts fail; 0: every one
 */
public record SimulatedFailure(Stage stage, String code, int attempts) {

    /** The codes of transient failures, which the phases throw as retryable (see {@code AwsErrors}). */
    public static final Set<String> RETRYABLE = Set.of("THROTTLED", "SERVICE_UNAVAILABLE", "NETWORK_ERROR", "TIMEOUT");
    /** The code when none is given. */
    public static final String DEFAULT_CODE = "SIMULATED_FAILURE";
    static final int MAX_ATTEMPTS = 100;
    private static final Pattern CODE = Pattern.compile("[A-Z][A-Z0-9_]{0,63}");
    private static final String FORMAT = "PHASE[:CODE[:ATTEMPTS]], e.g. workflow-creation or bundle-upload:THROTTLED:2";

    public SimulatedFailure {
        if (stage == null || stage == Stage.DEPLOY) {
            throw new IllegalArgumentException("a simulated failure needs a phase");
        }
        if (!CODE.matcher(code).matches()) {
            throw new IllegalArgumentException("code '" + code + "' is not an upper-case error code such as THROTTLED");
        }
        if (attempts < 0 || attempts > MAX_ATTEMPTS) {
            throw new IllegalArgumentException("ATTEMPTS must be from 1 to " + MAX_ATTEMPTS + ", got " + attempts);
        }
        if (attempts > 0 && !RETRYABLE.contains(code)) {
            throw new IllegalArgumentException("only a retryable code (" + retryableCodes() + ") fails some attempts"
                    + " and then succeeds; " + code + " fails the phase at its first attempt");
        }
    }

    /**
     * Reads {@code PHASE[:CODE[:ATTEMPTS]]}; PHASE is a stage value ({@code bundle-upload}) or a
     * phase name ({@code BundleUpload}), in any case.
     *
     * @throws IllegalArgumentException saying what is wrong and what the form is
     */
    public static SimulatedFailure parse(String text) {
        String[] parts = text.trim().split(":", -1);
        if (parts.length > 3 || parts[0].isEmpty()) {
            throw new IllegalArgumentException("'" + text + "' is not " + FORMAT);
        }
        Stage stage = Stage.phases().stream()
                .filter(s -> s.value().equalsIgnoreCase(parts[0]) || s.phaseName().equalsIgnoreCase(parts[0]))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("'" + parts[0] + "' is not a phase; phases: "
                        + Stage.phases().stream().map(Stage::value).collect(Collectors.joining(", "))));
        String code = parts.length > 1 ? parts[1].trim().toUpperCase(Locale.ROOT) : DEFAULT_CODE;
        int attempts = 0;
        if (parts.length > 2) {
            try {
                attempts = Integer.parseInt(parts[2].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("ATTEMPTS '" + parts[2] + "' is not a whole number (" + FORMAT + ")");
            }
            if (attempts < 1) {
                throw new IllegalArgumentException("ATTEMPTS must be from 1 to " + MAX_ATTEMPTS + ", got " + attempts);
            }
        }
        return new SimulatedFailure(stage, code, attempts);
    }

    /** {@code phase} made to fail as {@code failures} say for its stage (at most one each); others as they are. */
    static Phase around(Phase phase, List<SimulatedFailure> failures) {
        return failures.stream().filter(f -> f.stage() == phase.stage()).findFirst()
                .<Phase>map(f -> f.failing(phase)).orElse(phase);
    }

    private Phase failing(Phase phase) {
        AtomicInteger attempt = new AtomicInteger();
        return new Phase() {
            @Override
            public Stage stage() {
                return phase.stage();
            }

            @Override
            public Map<String, Object> run(TaskInput task) {
                int n = attempt.incrementAndGet();
                if (attempts > 0 && n > attempts) {
                    return phase.run(task);
                }
                String message = "simulated by --simulate-failure " + describe() + " (attempt " + n + ")";
                if (RETRYABLE.contains(code)) {
                    throw new RetryablePhaseException(code, message);
                }
                throw new PhaseFailure(code, message);
            }
        };
    }

    /** As given on the command line, normalized: {@code bundle-upload:THROTTLED:2}. */
    public String describe() {
        return stage.value() + ":" + code + (attempts > 0 ? ":" + attempts : "");
    }

    private static String retryableCodes() {
        return RETRYABLE.stream().sorted().collect(Collectors.joining(", "));
    }
}
