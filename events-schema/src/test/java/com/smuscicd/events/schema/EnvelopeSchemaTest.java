package com.smuscicd.events.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.InstanceOfAssertFactories.STRING;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

class EnvelopeSchemaTest {

    private static final String STARTED = "SMUS-CICD-Deploy-Started";

    private static ObjectNode example(String detailType) {
        return (ObjectNode) EventContract.example(detailType);
    }

    @Test
    void envelopeSchema_whenComparedWithDetailSchema_inlinesItUnchanged() {
        JsonNode inlined = ContractResources.readJson(ContractResources.ENVELOPE_SCHEMA).at("/properties/detail");
        ObjectNode detailSchema = (ObjectNode) EventContract.detailSchema();
        detailSchema.remove("$schema");

        // Regenerate with: jq --slurpfile d detail.schema.json '.properties.detail = ($d[0] | del(."$schema"))'
        assertThat(inlined).isEqualTo(detailSchema);
    }

    @Test
    void envelopeSchema_whenRead_declaresDraft04AndTheFifteenDetailTypes() {
        JsonNode schema = ContractResources.readJson(ContractResources.ENVELOPE_SCHEMA);

        assertThat(schema.get("$schema").asText()).isEqualTo("http://json-schema.org/draft-04/schema#");
        assertThat(schema.at("/properties/detail-type/enum"))
                .extracting(JsonNode::asText)
                .containsExactlyElementsOf(EventContract.DETAIL_TYPES);
        assertThat(schema.at("/properties/source/enum/0").asText()).isEqualTo(EventContract.SOURCE);
    }

    @Test
    void validateEnvelope_whenDetailTypeHasWrongCase_reportsDetailTypePath() {
        ObjectNode event = example(STARTED);
        event.put("detail-type", "smus-cicd-deploy-started");

        assertThat(EventContract.DETAIL_TYPES).doesNotContain("smus-cicd-deploy-started");
        assertThat(EventContract.validateEnvelope(event))
                .singleElement(STRING)
                .startsWith("$['detail-type']:");
    }

    @Test
    void validateEnvelope_whenOtherSource_reportsSourcePath() {
        ObjectNode event = example(STARTED);
        event.put("source", "com.amazon.smus");

        assertThat(EventContract.validateEnvelope(event))
                .singleElement(STRING)
                .startsWith("$.source:");
    }

    @Test
    void validateEnvelope_whenVersionIsNotZero_reportsVersionPath() {
        ObjectNode event = example(STARTED);
        event.put("version", "1.0");

        assertThat(EventContract.validateEnvelope(event))
                .singleElement(STRING)
                .startsWith("$.version:");
    }

    @Test
    void validateEnvelope_whenDetailMissing_reportsMissingDetail() {
        ObjectNode event = example(STARTED);
        event.remove("detail");

        assertThat(EventContract.validateEnvelope(event))
                .singleElement(STRING)
                .contains("'detail'");
    }

    @Test
    void validateEnvelope_whenDetailInvalid_reportsPathInsideDetail() {
        ObjectNode event = example(STARTED);
        ((ObjectNode) event.get("detail")).put("sequence", 0);

        assertThat(EventContract.validateEnvelope(event))
                .singleElement(STRING)
                .startsWith("$.detail.sequence:");
    }

    @Test
    void validateEnvelope_whenDetailTypeDisagreesWithStage_reportsDetailType() {
        ObjectNode event = example("SMUS-CICD-Deploy-BundleUpload-Failed");
        event.put("detail-type", "SMUS-CICD-Deploy-Failed");

        assertThat(EventContract.validateEnvelope(event))
                .singleElement(STRING)
                .startsWith("$['detail-type']:")
                .contains("SMUS-CICD-Deploy-BundleUpload-Failed");
    }

    @Test
    void validateEnvelope_whenDetailTypeDisagreesWithStatus_reportsDetailType() {
        ObjectNode event = example("SMUS-CICD-Deploy-CatalogAssets-Started");
        event.put("detail-type", "SMUS-CICD-Deploy-CatalogAssets-Completed");

        assertThat(EventContract.validateEnvelope(event))
                .singleElement(STRING)
                .contains("SMUS-CICD-Deploy-CatalogAssets-Started");
    }

    @Test
    void validateEnvelope_whenAccountIsNotTwelveDigits_reportsAccountPath() {
        ObjectNode event = example(STARTED);
        event.put("account", "12345");

        assertThat(EventContract.validateEnvelope(event))
                .singleElement(STRING)
                .startsWith("$.account:");
    }

    @Test
    void validateEnvelope_whenReplayNameAdded_isValid() {
        ObjectNode event = example(STARTED);
        event.put("replay-name", "smus-replay-2025-11");

        assertThat(EventContract.validateEnvelope(event)).isEmpty();
    }
}
