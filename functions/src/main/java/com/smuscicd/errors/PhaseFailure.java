package com.smuscicd.errors;

/**
 * Thrown by a phase's domain code for a permanent, explained failure (domain not found, access
 * denied...). The phase runner turns it into a Failed event and a {@link PhaseFailedException}.
 */
public class PhaseFailure extends RuntimeException {

    private final String code;

    public PhaseFailure(String code, String message) {
        super(message);
        this.code = code;
    }

    public PhaseFailure(String code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    /** The upper-snake-case error code, e.g. {@code DOMAIN_NOT_FOUND}. */
    public String code() {
        return code;
    }
}
