package com.smuscicd.local.faults;

import com.smuscicd.events.Stage;

/**
 * A service a deployment depends on, with what a fault in it affects first: the phase whose first
 * call fails when the service does (none for EventBridge: emission never fails a deployment), the
 * SDK operation the deployment calls first on the service, and how often a fault-free deployment
 * calls that operation.
 */
enum Dependency {

    EVENT_BRIDGE(null, "PutEvents", 10),
    S3(Stage.BUNDLE_UPLOAD, "GetObject", 2),
    DATA_ZONE(Stage.PROJECT_INITIALIZATION, "ListDomains", 1),
    WORKFLOWS(Stage.WORKFLOW_CREATION, "ListWorkflows", 1);

    private final Stage firstPhase;
    private final String firstOperation;
    private final int baselineCalls;

    Dependency(Stage firstPhase, String firstOperation, int baselineCalls) {
        this.firstPhase = firstPhase;
        this.firstOperation = firstOperation;
        this.baselineCalls = baselineCalls;
    }

    Stage firstPhase() {
        return firstPhase;
    }

    /** The state machine state of {@link #firstPhase()}, e.g. {@code BundleUpload}. */
    String firstState() {
        return firstPhase.phaseName();
    }

    String firstOperation() {
        return firstOperation;
    }

    int baselineCalls() {
        return baselineCalls;
    }
}
