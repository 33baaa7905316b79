package com.smuscicd.events;

/** The status of a stage as it appears in {@code detail.status}. */
public enum Status {
    STARTED("started", "Started"),
    COMPLETED("completed", "Completed"),
    FAILED("failed", "Failed");

    private final String value;
    private final String title;

    Status(String value, String title) {
        this.value = value;
        this.title = title;
    }

    /** The lower-case detail value. */
    public String value() {
        return value;
    }

    /** The capitalised form used in detail-types. */
    public String title() {
        return title;
    }
}
