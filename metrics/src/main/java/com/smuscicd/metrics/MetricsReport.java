package com.smuscicd.metrics;

import java.time.Instant;
import java.util.List;

/**
 * Deployment metrics per pipeline and target, and the deployments they were computed from.
 * Durations are in milliseconds; rates are fractions in [0, 1]; a value that cannot be computed
 * (no finished deployment, no commit timestamp, no restore yet) is null.
 *
 * @param window      the period covered
 * @param overall     all selected deployments together
 * @param series      one entry per pipeline and target, sorted by pipeline then target
 * @param deployments every selected deployment, by start time (the timeline)
 */
public record MetricsReport(Window window, SeriesMetrics overall, List<SeriesMetrics> series,
                            List<Deployment> deployments) {

    public MetricsReport {
        series = List.copyOf(series);
        deployments = List.copyOf(deployments);
    }

    /**
     * The period covered: with {@code --since}, from {@code now - since} to {@code now}; otherwise
     * from the first deployment's start to the last event of the whole archive, whatever the
     * pipeline and target filters, so that a series' rates do not depend on them.
     *
     * @param days  the denominator of deployment frequency: the window's length in days, with
     *              {@link Basis#ARCHIVE} at least 1
     * @param basis where the window comes from
     */
    public record Window(Instant start, Instant end, double days, Basis basis) {

        /** Where a window comes from. */
        public enum Basis {
            /** {@code --since}: the given period up to now. */
            SINCE,
            /** No {@code --since}: the whole archive's deployments, first start to last event. */
            ARCHIVE
        }
    }

    /**
     * The metrics of one pipeline and target (or of everything, with null names).
     *
     * @param deployments               deployments started in the window
     * @param succeeded                 ended with Deploy-Completed
     * @param failed                    ended with a failure (not a cancellation)
     * @param cancelled                 stopped: ended with a failure whose error code is {@code EXECUTION_ABORTED}
     *                                  (StopExecution, a cancelled CI job, Ctrl-C); neither succeeded nor failed
     * @param inProgress                no terminal event (yet)
     * @param successRate               succeeded / (succeeded + failed): cancelled and in-progress deployments
     *                                  are left out
     * @param deploymentsPerDay         DORA deployment frequency: successful deployments per day
     * @param leadTimeMedianMs          DORA lead time for changes: median of commit time to Deploy-Completed,
     *                                  never negative
     * @param leadTimeSamples           successful deployments whose commit timestamp is not after their end
     * @param leadTimeIgnored           successful deployments whose commit timestamp is after their end (clock
     *                                  skew), left out of lead time
     * @param changeFailureRate         DORA change failure rate: failed / (succeeded + failed), cancelled left out
     * @param timeToRestoreMedianMs     DORA time to restore: median of first failure to next success (a cancelled
     *                                  deployment neither starts nor ends a streak)
     * @param timeToRestoreMeanMs       the mean of the same
     * @param restores                  how many failure streaks ended with a success
     * @param failingSince              when the current failure streak began, if the last deployment failed
     * @param phases                    durations of completed phases, in execution order, then the whole deployment
     * @param failures                  failed deployments by phase and error code, most frequent first (cancelled
     *                                  ones are not failures)
     */
    public record SeriesMetrics(String pipeline, String target, long deployments, long succeeded, long failed,
                                long cancelled, long inProgress, Double successRate, double deploymentsPerDay, Double leadTimeMedianMs,
                                long leadTimeSamples, long leadTimeIgnored, Double changeFailureRate, Double timeToRestoreMedianMs,
                                Double timeToRestoreMeanMs, long restores, Instant failingSince,
                                List<PhaseDurations> phases, List<FailureCount> failures) {

        public SeriesMetrics {
            phases = List.copyOf(phases);
            failures = List.copyOf(failures);
        }
    }

    /** Duration statistics of one phase ({@code deploy} for the whole deployment). */
    public record PhaseDurations(String phase, long count, double p50Ms, double p95Ms, long maxMs) {
    }

    /** How many deployments failed in {@code phase} with {@code errorCode}. */
    public record FailureCount(String phase, String errorCode, long count) {
    }

    /**
     * One deployment.
     *
     * @param outcome      {@code succeeded}, {@code failed}, {@code cancelled} (stopped: {@code EXECUTION_ABORTED})
     *                     or {@code in_progress}
     * @param endedAt      the Deploy-Completed, failure or stop time, null while in progress
     * @param failedPhase  the phase that failed, or that a cancelled deployment was stopped in ({@code deploy}
     *                     when before any phase or between phases), or null
     * @param errorCode    the failure's error code, or null
     * @param durationMs   the deployment's duration from its terminal event, or null
     */
    public record Deployment(String deploymentId, String pipeline, String target, Instant startedAt, Instant endedAt,
                             String outcome, String failedPhase, String errorCode, Long durationMs,
                             Instant committedAt) {
    }
}
