package com.smuscicd.errors;

/**
 * A phase hit a transient problem (throttling, a 5xx, a timeout) and may succeed if run again.
 * The state machine retries it with backoff; no Failed event is emitted for the attempt. When the
 * retries are spent, the failure path emits the phase's Failed event with {@link #code()}.
 */
public class RetryablePhaseException extends RuntimeException {

    private final String code;

    public RetryablePhaseException(String code, String message, Throwable cause) {
        super(code + ": " + message, cause);
        this.code = code;
    }

    public RetryablePhaseException(String code, String message) {
        this(code, message, null);
    }

    /** The upper-snake-case error code, e.g. {@code THROTTLED}. */
    public String code() {
        return code;
    }
}
