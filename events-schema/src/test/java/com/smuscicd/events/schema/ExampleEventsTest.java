package com.smuscicd.events.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

class ExampleEventsTest {

    static final List<String> DETAIL_TYPES = EventContract.DETAIL_TYPES;
    static final List<String> FAILED_TYPES = DETAIL_TYPES.stream().filter(t -> t.endsWith("-Failed")).toList();
    static final List<String> NOT_FAILED_TYPES = DETAIL_TYPES.stream().filter(t -> !t.endsWith("-Failed")).toList();

    /** Written out independently of the production code on purpose. */
    private static final Map<String, String> STAGE_BY_PHASE = Map.of(
            "ProjectInitialization", "project-init",
            "BundleUpload", "bundle-upload",
            "WorkflowCreation", "workflow-creation",
            "CatalogAssets", "catalog-assets");

    private static final List<String> PHASE_STAGES =
            List.of("project-init", "bundle-upload", "workflow-creation", "catalog-assets");

    @Test
    void examplesDirectory_whenListed_holdsExactlyOneFilePerDetailType() {
        assertThat(TestFiles.fileNames(ContractResources.EXAMPLES))
                .containsExactlyInAnyOrderElementsOf(DETAIL_TYPES.stream().map(t -> t + ".json").toList());
    }

    @ParameterizedTest
    @FieldSource("DETAIL_TYPES")
    void validateEnvelope_whenExample_isValid(String detailType) {
        assertThat(EventContract.validateEnvelope(EventContract.example(detailType))).isEmpty();
    }

    @ParameterizedTest
    @FieldSource("DETAIL_TYPES")
    void validateDetail_whenExampleDetail_isValid(String detailType) {
        assertThat(EventContract.validateDetail(EventContract.example(detailType).get("detail"))).isEmpty();
    }

    @ParameterizedTest
    @FieldSource("DETAIL_TYPES")
    void example_whenRead_hasItsDetailTypeAndSource(String detailType) {
        JsonNode example = EventContract.example(detailType);

        assertThat(example.get("detail-type").asText()).isEqualTo(detailType);
        assertThat(example.get("source").asText()).isEqualTo(EventContract.SOURCE);
    }

    @ParameterizedTest
    @FieldSource("DETAIL_TYPES")
    void example_whenRead_hasStageAndStatusNamedByDetailType(String detailType) {
        String[] parts = detailType.split("-");
        String expectedStage = parts.length == 4 ? "deploy" : STAGE_BY_PHASE.get(parts[3]);
        String expectedStatus = parts[parts.length - 1].toLowerCase(Locale.ROOT);

        JsonNode detail = EventContract.example(detailType).get("detail");

        assertThat(detail.get("stage").asText()).isEqualTo(expectedStage);
        assertThat(detail.get("status").asText()).isEqualTo(expectedStatus);
    }

    @ParameterizedTest
    @FieldSource("DETAIL_TYPES")
    void example_whenRead_hasTheDeterministicSequence(String detailType) {
        JsonNode detail = EventContract.example(detailType).get("detail");
        String stage = detail.get("stage").asText();
        String status = detail.get("status").asText();

        int expected;
        if (stage.equals("deploy")) {
            expected = switch (status) {
                case "started" -> 1;
                case "completed" -> 10;
                default -> 2 * (PHASE_STAGES.indexOf(detail.at("/details/failedPhase").asText()) + 1) + 2;
            };
        } else {
            int k = PHASE_STAGES.indexOf(stage) + 1;
            expected = status.equals("started") ? 2 * k : 2 * k + 1;
        }

        assertThat(detail.get("sequence").asInt()).isEqualTo(expected);
    }

    @ParameterizedTest
    @FieldSource("FAILED_TYPES")
    void example_whenFailed_carriesErrorAndDuration(String detailType) {
        JsonNode detail = EventContract.example(detailType).get("detail");

        assertThat(detail.at("/error/code").asText()).matches("[A-Z][A-Z0-9_]*");
        assertThat(detail.at("/error/message").asText()).isNotBlank();
        assertThat(detail.has("durationMs")).isTrue();
    }

    @ParameterizedTest
    @FieldSource("NOT_FAILED_TYPES")
    void example_whenNotFailed_hasNoError(String detailType) {
        assertThat(EventContract.example(detailType).get("detail").has("error")).isFalse();
    }

    @ParameterizedTest
    @FieldSource("DETAIL_TYPES")
    void example_whenRead_hasTimeOfItsTimestampToTheSecond(String detailType) {
        JsonNode example = EventContract.example(detailType);

        assertThat(example.get("detail").get("timestamp").asText()).startsWith(example.get("time").asText().replace("Z", ""));
    }

    @Test
    void examples_whenTakenTogether_varyPipelineTargetStageAndMetadata() {
        List<JsonNode> details = DETAIL_TYPES.stream().map(t -> EventContract.example(t).get("detail")).toList();

        assertThat(details).extracting(d -> d.get("pipelineName").asText())
                .contains("MyPipeline")
                .anyMatch(name -> !name.equals("MyPipeline"));
        assertThat(details).extracting(d -> d.at("/target/stage").asText()).contains("PROD", "DEV");
        assertThat(details).filteredOn(d -> !d.has("metadata")).isNotEmpty();
        assertThat(details).filteredOn(d -> d.has("metadata")).hasSizeGreaterThan(details.size() / 2);
    }

    @Test
    void example_whenUnknownDetailType_throws() {
        assertThatThrownBy(() -> EventContract.example("SMUS-CICD-Deploy-Skipped"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("SMUS-CICD-Deploy-Skipped");
    }

    @Test
    void example_whenModifiedByCaller_staysIntact() {
        ((ObjectNode) EventContract.example("SMUS-CICD-Deploy-Started")).remove("detail");

        assertThat(EventContract.example("SMUS-CICD-Deploy-Started").has("detail")).isTrue();
    }
}
