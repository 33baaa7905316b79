package com.smuscicd.events;

/**
 * Who and what started a deployment: an allow-list of fields, each absent when unknown. Never
 * holds credentials (remote URLs are stripped of user info before they get here).
 */
public record Metadata(
        String user,
        String gitCommit,
        String gitBranch,
        String gitRepository,
        String cicdPlatform,
        String runId,
        String runUrl,
        String commitTimestamp) {

    /** Metadata with no field known. */
    public static Metadata empty() {
        return new Metadata(null, null, null, null, null, null, null, null);
    }
}
