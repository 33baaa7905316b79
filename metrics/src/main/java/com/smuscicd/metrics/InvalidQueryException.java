package com.smuscicd.metrics;

/**
 * The user's SQL was rejected by the engine (syntax, unknown table or column, bad cast): bad
 * input. The message is the engine's own, which names the offending identifier and position.
 */
public class InvalidQueryException extends RuntimeException {

    /** An exception carrying the engine's message. */
    public InvalidQueryException(String message, Throwable cause) {
        super(message, cause);
    }
}
