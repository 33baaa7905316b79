package com.smuscicd.events.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/** Reads the contract files shipped under {@code smus-events/} on the class path. */
final class ContractResources {

    static final String ROOT = "smus-events/";
    static final String DETAIL_SCHEMA = ROOT + "detail.schema.json";
    static final String ENVELOPE_SCHEMA = ROOT + "envelope.schema.json";
    static final String EXAMPLES = ROOT + "examples/";
    static final String PATTERNS = ROOT + "patterns/";

    /**
     * The pattern files, without {@code .json}. Listed rather than discovered because a directory
     * inside a jar cannot be listed portably; a test keeps this list equal to the directory.
     */
    static final List<String> PATTERN_NAMES = List.of(
            "quick-start-prod-failures",
            "quick-start-prod-success",
            "capture-all",
            "common-1-any-failure",
            "common-2-specific-pipeline",
            "common-3-production-only",
            "common-4-workflow-failures",
            "integration-sns-prod-failures",
            "integration-lambda-post-deploy-validation",
            "integration-step-functions-smoke-tests",
            "cloudwatch-logs-all-events");

    static final ObjectMapper MAPPER = new ObjectMapper();

    private ContractResources() {
    }

    /** Parses a class-path resource; a missing or malformed file is a packaging bug, hence unchecked. */
    static JsonNode readJson(String path) {
        try (InputStream in = ContractResources.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("resource not on the class path: " + path);
            }
            return MAPPER.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path, e);
        }
    }
}
