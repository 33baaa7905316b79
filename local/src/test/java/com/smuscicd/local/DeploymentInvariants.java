package com.smuscicd.local;

import com.smuscicd.events.DeploymentEvent;
import java.util.List;

/**
 * {@link EventInvariants} for tests outside this package (the fault-injection suite), so every
 * suite checks the same invariants instead of a copy that could drift.
 */
public final class DeploymentInvariants {

    private DeploymentInvariants() {
    }

    /**
     * Asserts what every deployment's events must satisfy, whatever happened: Deploy-Started first,
     * exactly one terminal deploy event and it last, one deployment id, no duplicate detail-type,
     * contiguous sequences, every detail valid against the contract, every Started phase ended once.
     */
    public static void check(List<DeploymentEvent> events) {
        EventInvariants.check(events);
    }
}
