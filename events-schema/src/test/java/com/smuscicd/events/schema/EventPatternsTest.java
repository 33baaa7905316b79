package com.smuscicd.events.schema;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;
import software.amazon.event.ruler.Machine;

/** The spec's patterns, run through AWS's own matcher (event-ruler) against the examples. */
class EventPatternsTest {

    static final List<String> PATTERN_NAMES = ContractResources.PATTERN_NAMES;

    private static Machine machine;
    private static JsonNode expectations;

    @BeforeAll
    static void addEveryPatternAsARule() throws Exception {
        machine = new Machine();
        for (Map.Entry<String, String> pattern : EventContract.patterns().entrySet()) {
            machine.addRule(pattern.getKey(), pattern.getValue());
        }
        expectations = ContractResources.readJson(ContractResources.PATTERNS + "expectations.json");
    }

    private static List<String> matchingPatterns(JsonNode event) throws Exception {
        return machine.rulesForJSONEvent(event.toString());
    }

    @Test
    void patternsDirectory_whenListed_holdsEveryPatternAndTheExpectations() {
        List<String> expected = new ArrayList<>(PATTERN_NAMES.stream().map(n -> n + ".json").toList());
        expected.add("expectations.json");

        assertThat(TestFiles.fileNames(ContractResources.PATTERNS)).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void expectations_whenRead_coverEveryPatternWithKnownDetailTypes() {
        assertThat(expectations.fieldNames()).toIterable().containsExactlyInAnyOrderElementsOf(PATTERN_NAMES);
        expectations.forEach(list -> assertThat(list)
                .extracting(JsonNode::asText)
                .isSubsetOf(EventContract.DETAIL_TYPES)
                .doesNotHaveDuplicates());
    }

    @ParameterizedTest
    @FieldSource("PATTERN_NAMES")
    void pattern_whenRunAgainstEveryExample_matchesExactlyTheExpectedOnes(String patternName) throws Exception {
        List<String> matched = new ArrayList<>();
        for (String detailType : EventContract.DETAIL_TYPES) {
            if (matchingPatterns(EventContract.example(detailType)).contains(patternName)) {
                matched.add(detailType);
            }
        }

        assertThat(matched)
                .containsExactlyInAnyOrderElementsOf(texts(expectations.get(patternName)));
    }

    @Test
    void capturePattern_whenComparedWithFile_isTheSame() {
        assertThat(TestFiles.json(EventContract.CAPTURE_ALL_PATTERN))
                .isEqualTo(TestFiles.json(EventContract.patterns().get("capture-all")));
    }

    @Test
    void capturePattern_whenOtherSource_doesNotMatch() throws Exception {
        ObjectNode event = (ObjectNode) EventContract.example("SMUS-CICD-Deploy-Started");
        event.put("source", "com.example.cicd");

        assertThat(matchingPatterns(event)).isEmpty();
    }

    @Test
    void capturePattern_whenDetailTypeLacksPrefix_doesNotMatch() throws Exception {
        ObjectNode event = (ObjectNode) EventContract.example("SMUS-CICD-Deploy-Started");
        event.put("detail-type", "Deploy-Started");

        assertThat(matchingPatterns(event)).doesNotContain("capture-all").contains("cloudwatch-logs-all-events");
    }

    @Test
    void prodSuccessPattern_whenOtherPipeline_doesNotMatch() throws Exception {
        ObjectNode event = (ObjectNode) EventContract.example("SMUS-CICD-Deploy-Completed");
        ((ObjectNode) event.get("detail")).put("pipelineName", "CustomerChurnPipeline");

        assertThat(matchingPatterns(event))
                .doesNotContain("quick-start-prod-success", "integration-lambda-post-deploy-validation")
                .contains("common-3-production-only");
    }

    @Test
    void prodSuccessPattern_whenDevTarget_doesNotMatch() throws Exception {
        ObjectNode event = (ObjectNode) EventContract.example("SMUS-CICD-Deploy-Completed");
        ((ObjectNode) event.at("/detail/target")).put("stage", "DEV");

        assertThat(matchingPatterns(event))
                .doesNotContain("quick-start-prod-success", "integration-lambda-post-deploy-validation")
                .contains("common-2-specific-pipeline");
    }

    @Test
    void prodFailuresPattern_whenDevTarget_doesNotMatch() throws Exception {
        ObjectNode event = (ObjectNode) EventContract.example("SMUS-CICD-Deploy-Failed");
        ((ObjectNode) event.at("/detail/target")).put("stage", "DEV");

        assertThat(matchingPatterns(event))
                .doesNotContain("quick-start-prod-failures", "integration-sns-prod-failures")
                .contains("common-1-any-failure");
    }

    @Test
    void stagePattern_whenStageHasOtherCase_doesNotMatch() throws Exception {
        ObjectNode event = (ObjectNode) EventContract.example("SMUS-CICD-Deploy-Started");
        ((ObjectNode) event.at("/detail/target")).put("stage", "prod");

        // EventBridge matching is case-sensitive: emitters must send target.stage as the manifest spells it.
        assertThat(matchingPatterns(event)).doesNotContain("common-3-production-only");
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(n -> texts.add(n.asText()));
        return texts;
    }
}
