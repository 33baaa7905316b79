package com.smuscicd.local.faults;

/**
 * A kind of fault injected at a dependency, with the error code a phase fails with when the fault
 * outlasts every retry (what {@code AwsErrors} makes of it) and the one the undelivered-event log
 * carries when EventBridge keeps failing.
 */
enum Fault {

    /** 429 ThrottlingException (EventBridge: 400 ThrottlingException; S3: 503 SlowDown). */
    THROTTLING("THROTTLED", "ThrottlingException"),
    /** 500 internal error. */
    SERVER_ERROR("SERVICE_UNAVAILABLE", "InternalException"),
    /** No answer before the client's socket timeout. */
    TIMEOUT("NETWORK_ERROR", "SdkClientException"),
    /** Nothing listens on the endpoint's port. */
    CONNECTION_REFUSED("NETWORK_ERROR", "SdkClientException");

    private final String phaseErrorCode;
    private final String eventBridgeErrorCode;

    Fault(String phaseErrorCode, String eventBridgeErrorCode) {
        this.phaseErrorCode = phaseErrorCode;
        this.eventBridgeErrorCode = eventBridgeErrorCode;
    }

    String phaseErrorCode() {
        return phaseErrorCode;
    }

    String eventBridgeErrorCode() {
        return eventBridgeErrorCode;
    }
}
