package com.smuscicd.cli;

/**
 * The cloud deployment cannot start: nothing to deploy to (no state machine ARN or bucket from
 * flags, environment or stack), no such stack, bucket or state machine, no usable credentials.
 * Raised before anything is started; the command reports it as a usage error (exit 2).
 */
final class CloudSetupException extends RuntimeException {

    CloudSetupException(String message) {
        super(message);
    }

    CloudSetupException(String message, Throwable cause) {
        super(message, cause);
    }
}
