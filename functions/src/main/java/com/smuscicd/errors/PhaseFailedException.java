package com.smuscicd.errors;

/**
 * A phase failed for good: its Failed event has already been emitted, and the state machine
 * routes straight to the failure path. The message is {@code CODE: text} so the failure path can
 * report the code from the error's cause.
 */
public class PhaseFailedException extends RuntimeException {

    private final String code;

    public PhaseFailedException(String code, String message) {
        super(code + ": " + message);
        this.code = code;
    }

    /** The upper-snake-case error code, e.g. {@code PROJECT_NOT_FOUND}. */
    public String code() {
        return code;
    }
}
