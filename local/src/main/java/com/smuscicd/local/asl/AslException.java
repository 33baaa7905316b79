package com.smuscicd.local.asl;

/**
 * A state machine definition the local runner cannot run: malformed, or using a construct it does
 * not support. The message names the state and the field.
 */
public class AslException extends RuntimeException {

    public AslException(String message) {
        super(message);
    }
}
