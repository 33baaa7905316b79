package com.smuscicd.metrics;

/** The archive could not be read or indexed (I/O, a locked or broken cache): a runtime failure, not bad input. */
public class ArchiveException extends RuntimeException {

    /** An exception with a message and its cause. */
    public ArchiveException(String message, Throwable cause) {
        super(message, cause);
    }

    /** An exception with a message. */
    public ArchiveException(String message) {
        super(message);
    }
}
