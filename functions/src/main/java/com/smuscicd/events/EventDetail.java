package com.smuscicd.events;

import java.util.Map;

/**
 * The {@code detail} of a deployment event: the spec's fields with the spec's names and nesting,
 * plus the correlation and timing fields consumers need ({@code deploymentId}, {@code sequence},
 * {@code durationMs}, {@code error}, {@code details}). Null fields are left out of the JSON.
 */
public record EventDetail(
        String version,
        String timestamp,
        String pipelineName,
        String stage,
        String status,
        TargetInfo target,
        Metadata metadata,
        String deploymentId,
        Integer sequence,
        Long durationMs,
        ErrorInfo error,
        Map<String, Object> details) {

    /** The schema version of the detail. */
    public static final String VERSION = "1.0";

    /** The target of a deployment as the events describe it. */
    public record TargetInfo(String name, String stage, DomainInfo domain, ProjectInfo project) {
    }

    /** The DataZone domain of a target; {@code id} only once it is known. */
    public record DomainInfo(String name, String region, String id) {
    }

    /** The project of a target; {@code id} only once it is known. */
    public record ProjectInfo(String name, String id) {
    }

    /** Why a stage failed: a stable upper-snake-case code and a human message. */
    public record ErrorInfo(String code, String message) {
    }
}
