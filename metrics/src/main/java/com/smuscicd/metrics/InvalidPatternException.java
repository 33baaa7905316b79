package com.smuscicd.metrics;

/** An EventBridge event pattern that event-ruler refuses; the message is event-ruler's. */
public class InvalidPatternException extends RuntimeException {

    /** An exception carrying the matcher's message. */
    public InvalidPatternException(String message, Throwable cause) {
        super(message, cause);
    }
}
