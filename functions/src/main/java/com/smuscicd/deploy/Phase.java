package com.smuscicd.deploy;

import com.smuscicd.events.Stage;
import java.util.Map;

/**
 * The work of one phase, free of events and of Lambda: {@link PhaseRunner} wraps it with the
 * Started / Completed / Failed events.
 */
public interface Phase {

    /** Which phase this is. */
    Stage stage();

    /**
     * Does the phase's work. Idempotent: running it again converges to the same state.
     *
     * @return the phase's details: the Completed event's {@code details} and the phase output
     *     later phases read
     * @throws com.smuscicd.errors.PhaseFailure for a permanent failure with a code
     * @throws com.smuscicd.errors.RetryablePhaseException for a transient one
     */
    Map<String, Object> run(TaskInput task);
}
