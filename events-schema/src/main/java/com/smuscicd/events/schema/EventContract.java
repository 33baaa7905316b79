package com.smuscicd.events.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The deployment event contract as code: the EventBridge source and detail-types, the JSON Schema
 * (Draft-04) of the event detail and of the full envelope, one example event per detail-type and
 * the event patterns printed in the spec. The same files are shipped in this jar under
 * {@code smus-events/} for the Schema Registry, the CDK app and the local bus.
 */
public final class EventContract {

    /** The {@code source} of every event. */
    public static final String SOURCE = "com.amazon.smus.cicd";

    /** The 15 detail-types, in the order of the spec's table. */
    public static final List<String> DETAIL_TYPES = List.of(
            "SMUS-CICD-Deploy-Started",
            "SMUS-CICD-Deploy-Completed",
            "SMUS-CICD-Deploy-Failed",
            "SMUS-CICD-Deploy-ProjectInitialization-Started",
            "SMUS-CICD-Deploy-ProjectInitialization-Completed",
            "SMUS-CICD-Deploy-ProjectInitialization-Failed",
            "SMUS-CICD-Deploy-BundleUpload-Started",
            "SMUS-CICD-Deploy-BundleUpload-Completed",
            "SMUS-CICD-Deploy-BundleUpload-Failed",
            "SMUS-CICD-Deploy-WorkflowCreation-Started",
            "SMUS-CICD-Deploy-WorkflowCreation-Completed",
            "SMUS-CICD-Deploy-WorkflowCreation-Failed",
            "SMUS-CICD-Deploy-CatalogAssets-Started",
            "SMUS-CICD-Deploy-CatalogAssets-Completed",
            "SMUS-CICD-Deploy-CatalogAssets-Failed");

    /** The spec's capture rule (every SMUS CICD event), as used by the monitoring stack. */
    public static final String CAPTURE_ALL_PATTERN =
            "{\"source\":[\"com.amazon.smus.cicd\"],\"detail-type\":[{\"prefix\":\"SMUS-CICD-\"}]}";

    private static final Map<String, String> PHASE_NAMES_BY_STAGE = Map.of(
            "deploy", "",
            "project-init", "-ProjectInitialization",
            "bundle-upload", "-BundleUpload",
            "workflow-creation", "-WorkflowCreation",
            "catalog-assets", "-CatalogAssets");

    private static final Map<String, String> TITLES_BY_STATUS = Map.of(
            "started", "Started",
            "completed", "Completed",
            "failed", "Failed");

    private EventContract() {
    }

    /** The JSON Schema (Draft-04) of the event {@code detail}; a copy, free to modify. */
    public static JsonNode detailSchema() {
        return Schemas.DETAIL_NODE.deepCopy();
    }

    /**
     * Validates an event {@code detail} against the detail schema.
     *
     * @return one message per violation, each starting with the JSON path of the offending value
     *     (e.g. {@code $.sequence: must have a minimum value of 1}); empty when valid
     */
    public static List<String> validateDetail(JsonNode detail) {
        Objects.requireNonNull(detail, "detail");
        return messages(Schemas.DETAIL.validate(detail));
    }

    /**
     * Validates a full EventBridge event: the envelope, its detail, and that the detail-type names
     * the detail's stage and status.
     *
     * @return one message per violation, each starting with the JSON path of the offending value
     *     (e.g. {@code $.detail.error: ...}); empty when valid
     */
    public static List<String> validateEnvelope(JsonNode event) {
        Objects.requireNonNull(event, "event");
        List<String> messages = messages(Schemas.ENVELOPE.validate(event));
        String detailType = event.path("detail-type").asText();
        JsonNode detail = event.path("detail");
        String stage = detail.path("stage").asText();
        String status = detail.path("status").asText();
        // Only when both sides are individually valid, so one mistake yields one message.
        if (DETAIL_TYPES.contains(detailType)
                && PHASE_NAMES_BY_STAGE.containsKey(stage)
                && TITLES_BY_STATUS.containsKey(status)) {
            String expected = "SMUS-CICD-Deploy" + PHASE_NAMES_BY_STAGE.get(stage) + "-" + TITLES_BY_STATUS.get(status);
            if (!expected.equals(detailType)) {
                messages.add("$['detail-type']: " + detailType + " does not match detail stage '" + stage
                        + "' and status '" + status + "', which make " + expected);
            }
        }
        return messages;
    }

    /**
     * The example event (envelope and detail) of a detail-type; a copy, free to modify.
     *
     * @throws IllegalArgumentException if the detail-type is not one of {@link #DETAIL_TYPES}
     */
    public static JsonNode example(String detailType) {
        JsonNode example = Examples.BY_DETAIL_TYPE.get(detailType);
        if (example == null) {
            throw new IllegalArgumentException("unknown detail-type: " + detailType + "; expected one of " + DETAIL_TYPES);
        }
        return example.deepCopy();
    }

    /**
     * The event patterns printed in the spec, by file name without {@code .json}
     * (e.g. {@code quick-start-prod-failures}), as compact JSON text ready for
     * {@code put-rule --event-pattern}.
     */
    public static Map<String, String> patterns() {
        return Patterns.BY_NAME;
    }

    private static List<String> messages(Iterable<ValidationMessage> violations) {
        List<String> messages = new ArrayList<>();
        violations.forEach(v -> messages.add(v.getMessage()));
        return messages;
    }

    /** Parsed and compiled once, on first use. */
    private static final class Schemas {
        static final JsonNode DETAIL_NODE = ContractResources.readJson(ContractResources.DETAIL_SCHEMA);
        static final JsonSchema DETAIL;
        static final JsonSchema ENVELOPE;

        static {
            JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4);
            // JSON_PATH gives "$.detail.stage"-style locations; English keeps messages stable across hosts.
            SchemaValidatorsConfig config = SchemaValidatorsConfig.builder()
                    .pathType(PathType.JSON_PATH)
                    .locale(Locale.ENGLISH)
                    .formatAssertionsEnabled(true)
                    .build();
            DETAIL = factory.getSchema(DETAIL_NODE, config);
            ENVELOPE = factory.getSchema(ContractResources.readJson(ContractResources.ENVELOPE_SCHEMA), config);
            DETAIL.initializeValidators();
            ENVELOPE.initializeValidators();
        }
    }

    private static final class Examples {
        static final Map<String, JsonNode> BY_DETAIL_TYPE = load();

        private static Map<String, JsonNode> load() {
            Map<String, JsonNode> examples = new LinkedHashMap<>();
            DETAIL_TYPES.forEach(t -> examples.put(t, ContractResources.readJson(ContractResources.EXAMPLES + t + ".json")));
            return Collections.unmodifiableMap(examples);
        }
    }

    private static final class Patterns {
        static final Map<String, String> BY_NAME = load();

        private static Map<String, String> load() {
            Map<String, String> patterns = new LinkedHashMap<>();
            ContractResources.PATTERN_NAMES.forEach(name -> patterns.put(
                    name, ContractResources.readJson(ContractResources.PATTERNS + name + ".json").toString()));
            return Collections.unmodifiableMap(patterns);
        }
    }
}
