package com.smuscicd.local.bus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.smuscicd.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** What each target input option makes of an event, without a bus. */
class TargetInputTransformTest {

    private static final Map<String, String> SLACK_PATHS = slackPaths();
    private static final String SLACK_TEMPLATE = "{\"text\": \":red_circle: <pipeline> to <target> failed: <code> (<type>)\"}";
    private static final TargetInputs.Invocation INVOCATION = TargetInputs.Invocation.of("slack-failures", "us-east-1",
            "123456789012", Instant.parse("2025-11-07T10:00:05.250Z"));

    private final ObjectNode projectNotFound = envelope("deploy-failed-project-not-found.json");
    private final ObjectNode awkward = envelope("deploy-failed-awkward-values.json");

    @Test
    void transformer_whenSlackJsonTemplate_fillsTheStringLiteralExactly() {
        TargetPayload payload = render(TargetInput.transformer(SLACK_PATHS, SLACK_TEMPLATE), projectNotFound);

        assertThat(payload.text()).isEqualTo(
                "{\"text\": \":red_circle: MyPipeline to prod failed: PROJECT_NOT_FOUND (SMUS-CICD-Deploy-Failed)\"}");
        assertThat(payload.contentType()).isEqualTo("application/json");
    }

    @Test
    void transformer_whenValuesHoldQuotesNewlinesAndBackslashes_escapesThemInsideTheStringLiteral() {
        TargetInput input = TargetInput.transformer(Map.of("pipeline", "$.detail.pipelineName",
                "message", "$.detail.error.message"), "{\"text\": \"<pipeline> failed: <message>\"}");

        TargetPayload payload = render(input, awkward);

        assertThat(payload.text()).isEqualTo("{\"text\": \"Sales \\\"Q4\\\" <ETL> failed: workflows/etl.py: line 3:"
                + "\\n\\ttask \\\"load\\\" uses C:\\\\tmp\\\\in.csv\"}");
        assertThat(payload.json().get("text").asText()).isEqualTo(
                "Sales \"Q4\" <ETL> failed: workflows/etl.py: line 3:\n\ttask \"load\" uses C:\\tmp\\in.csv");
    }

    @Test
    void transformer_whenPlaceholdersStandAsJsonValues_insertsObjectsArraysNumbersAndQuotedStrings() throws IOException {
        Map<String, String> paths = new LinkedHashMap<>();
        paths.put("pipeline", "$.detail.pipelineName");
        paths.put("message", "$.detail.error.message");
        paths.put("error", "$.detail.error");
        paths.put("sequence", "$.detail.sequence");
        paths.put("resources", "$.resources");
        paths.put("phase", "$.detail.details.failedPhase");
        paths.put("missing", "$.detail.metadata.runUrl");
        String template = "{\n  \"text\": \"<pipeline> failed: <message>\",\n  \"error\": <error>,\n"
                + "  \"errorText\": \"<error>\",\n  \"sequence\": <sequence>,\n  \"resources\": <resources>,\n"
                + "  \"phase\": <phase>,\n  \"run\": <missing>,\n  \"runText\": \"see <missing>\"\n}";

        TargetPayload payload = render(TargetInput.transformer(paths, template), projectNotFound);

        assertThat(payload.json()).isEqualTo(Json.read(Files.readString(BusFixtures.resource("expected/json-values.json"))));
        assertThat(payload.text()).contains("\"sequence\": 4,").contains("\"run\": \"\",");
    }

    @Test
    void transformer_whenTemplateIsPlainText_insertsValuesAsTextAndObjectsAsJson() {
        TargetInput input = TargetInput.transformer(Map.of("pipeline", "$.detail.pipelineName",
                "message", "$.detail.error.message", "target", "$.detail.target", "missing", "$.detail.nothing"),
                "Deployment of <pipeline> failed: <message> (target <target>)<missing>");

        TargetPayload payload = render(input, awkward);

        assertThat(payload.text()).isEqualTo("Deployment of Sales \"Q4\" <ETL> failed: workflows/etl.py: line 3:\n"
                + "\ttask \"load\" uses C:\\tmp\\in.csv (target {\"name\":\"prod\",\"stage\":\"PROD\",\"domain\":"
                + "{\"name\":\"analytics-prod\",\"region\":\"us-east-1\"},\"project\":{\"name\":\"sales-analytics\"}})");
        assertThat(payload.json()).isNull();
        assertThat(payload.contentType()).isEqualTo("text/plain; charset=utf-8");
    }

    @Test
    void transformer_whenTemplateIsAQuotedString_keepsTheQuotesAndDoesNotEscapeValues() {
        TargetInput input = TargetInput.transformer(Map.of("pipeline", "$.detail.pipelineName"), "\"<pipeline> failed\"");

        TargetPayload plain = render(input, projectNotFound);
        TargetPayload quoted = render(input, awkward);

        // EventBridge only escapes inside JSON object templates: a quoted string stays text.
        assertThat(plain.text()).isEqualTo("\"MyPipeline failed\"");
        assertThat(plain.contentType()).isEqualTo("application/json");
        assertThat(quoted.text()).isEqualTo("\"Sales \"Q4\" <ETL> failed\"");
        assertThat(quoted.contentType()).isEqualTo("text/plain; charset=utf-8");
    }

    @Test
    void transformer_whenPredefinedVariables_givesRuleEventAndIngestionTime() throws IOException {
        TargetInput input = TargetInput.transformer(Map.of(), "{\"rule\": <aws.events.rule-name>,"
                + " \"arn\": \"<aws.events.rule-arn>\", \"received\": <aws.events.event.ingestion-time>,"
                + " \"event\": <aws.events.event>, \"full\": <aws.events.event.json>}");

        JsonNode result = render(input, projectNotFound, TargetInputs.Invocation.of("predefined-variables",
                "us-east-1", "123456789012", Instant.parse("2025-11-10T08:00:00.250Z"))).json();

        assertThat(result.get("full")).isEqualTo(projectNotFound);
        ((ObjectNode) result).remove("full");
        assertThat(result).isEqualTo(Json.read(Files.readString(BusFixtures.resource("expected/predefined-variables.json"))));
    }

    @Test
    void transformer_whenPredefinedVariablesInText_insertsTheirText() {
        TargetInput input = TargetInput.transformer(Map.of(), "<aws.events.rule-name> matched at <aws.events.event.ingestion-time>");

        assertThat(render(input, projectNotFound).text()).isEqualTo("slack-failures matched at 2025-11-07T10:00:05Z");
    }

    @ParameterizedTest
    @CsvSource({"us-east-1, arn:aws:events:us-east-1:123456789012:rule/r",
                "cn-north-1, arn:aws-cn:events:cn-north-1:123456789012:rule/r",
                "us-gov-west-1, arn:aws-us-gov:events:us-gov-west-1:123456789012:rule/r"})
    void invocation_whenRegionIsInAnotherPartition_usesItInTheRuleArn(String region, String arn) {
        assertThat(TargetInputs.Invocation.of("r", region, "123456789012", Instant.EPOCH).ruleArn()).isEqualTo(arn);
    }

    @Test
    void transformer_whenAngleBracketIsNotClosed_keepsItAsText() {
        TargetInput input = TargetInput.transformer(Map.of("n", "$.detail.sequence"), "sequence < 10: <n> -> ok");

        assertThat(render(input, projectNotFound).text()).isEqualTo("sequence < 10: 4 -> ok");
    }

    @Test
    void path_whenItSelectsPartOfTheEvent_givesThatPartAsJson() {
        assertThat(render(TargetInput.path("$.detail.target"), projectNotFound).text()).isEqualTo(
                "{\"name\":\"prod\",\"stage\":\"PROD\",\"domain\":{\"name\":\"analytics-prod\",\"region\":\"us-east-1\"},"
                        + "\"project\":{\"name\":\"sales-analytics\"}}");
        assertThat(render(TargetInput.path("$.detail.pipelineName"), projectNotFound).text()).isEqualTo("\"MyPipeline\"");
        assertThat(render(TargetInput.path("$.detail-type"), projectNotFound).text()).isEqualTo("\"SMUS-CICD-Deploy-Failed\"");
        assertThat(render(TargetInput.path("$.detail.sequence"), projectNotFound).text()).isEqualTo("4");
    }

    @Test
    void path_whenRootOrNothing_givesTheWholeEventOrNull() {
        assertThat(render(TargetInput.path("$"), projectNotFound).json()).isEqualTo(projectNotFound);
        assertThat(render(TargetInput.path("$.detail.metadata.runUrl"), projectNotFound).text()).isEqualTo("null");
        assertThat(render(TargetInput.path("$.detail.pipelineName.deeper"), projectNotFound).text()).isEqualTo("null");
    }

    @Test
    void constant_whenRendered_givesTheTextExactlyAsWritten() {
        TargetPayload payload = render(TargetInput.constant(" {\"alarm\": \"smus\",\n \"severity\": 2} "), projectNotFound);

        assertThat(payload.text()).isEqualTo(" {\"alarm\": \"smus\",\n \"severity\": 2} ");
        assertThat(payload.json()).isEqualTo(Json.read("{\"alarm\":\"smus\",\"severity\":2}"));
    }

    @Test
    void matchedEvent_whenRendered_givesTheEnvelopeLine() {
        String line = Json.write(projectNotFound);

        TargetPayload payload = TargetInputs.render(TargetInput.matchedEvent(), projectNotFound, line, INVOCATION);

        assertThat(payload.text()).isSameAs(line);
        assertThat(payload.logLine()).isSameAs(line);
    }

    @Test
    void logLine_whenPayloadIsOneLine_isThePayloadItself() {
        assertThat(TargetPayload.of("{\"text\": \"a\"}").logLine()).isEqualTo("{\"text\": \"a\"}");
        assertThat(TargetPayload.of("MyPipeline failed").logLine()).isEqualTo("MyPipeline failed");
    }

    @Test
    void logLine_whenPayloadSpansLines_compactsJsonAndQuotesText() {
        assertThat(TargetPayload.of("{\n  \"text\": \"a\"\n}").logLine()).isEqualTo("{\"text\":\"a\"}");
        assertThat(TargetPayload.of("failed:\r\nline \"2\"").logLine()).isEqualTo("\"failed:\\r\\nline \\\"2\\\"\"");
    }

    @Test
    void of_whenTextIsJsonFollowedByMore_isPlainText() {
        assertThat(TargetPayload.of("{\"a\": 1} and more").json()).isNull();
        assertThat(TargetPayload.of("").json()).isNull();
        assertThat(TargetPayload.of("true").json()).isNotNull();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '#', textBlock = """
            Slack link syntax            # {"text": "<https://example.com/run|run> failed"} # InputTemplate contains invalid placeholder <https://example.com/run|run>
            empty placeholder            # "<> failed"                                      # InputTemplate contains invalid placeholder <>
            placeholder as bare key      # {<pipeline>: 1}                                  # InputTemplate starts with '{' but is not a JSON object
            trailing text after object   # {"text": "<pipeline>"} and more                  # InputTemplate starts with '{' but is not a JSON object
            placeholder in a quoted key  # {"a": 1, "by-<pipeline>" : 2}                    # InputTemplate uses placeholder <pipeline> in an object key
            """)
    void transformer_whenTemplateInvalid_throwsNamingTheProblem(String problem, String template, String message) {
        assertThatThrownBy(() -> TargetInput.transformer(Map.of("pipeline", "$.detail.pipelineName"), template))
                .as(problem)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(message);
    }

    @Test
    void transformer_whenTemplateTooLongOrKeyReserved_throws() {
        assertThatThrownBy(() -> TargetInput.transformer(Map.of(), "x".repeat(8193)))
                .hasMessage("InputTemplate must be 1 to 8192 characters");
        assertThatThrownBy(() -> TargetInput.transformer(Map.of("AWS.mine", "$.id"), "<AWS.mine>"))
                .hasMessageStartingWith("InputPathsMap key 'AWS.mine' is reserved");
        assertThatThrownBy(() -> TargetInput.transformer(Map.of("my key", "$.id"), "<my key>"))
                .hasMessageStartingWith("InputPathsMap key 'my key' must be");
    }

    @ParameterizedTest
    @ValueSource(strings = {"$.detail.assets[0]", "$..name", "detail.name", "$['detail']", "$.detail.", "$.*", ""})
    void path_whenNotASimpleDottedPath_throwsNamingIt(String path) {
        assertThatThrownBy(() -> TargetInput.path(path))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("InputPath: unsupported JSON path '" + path + "'");
    }

    @Test
    void constant_whenNotJson_throws() {
        assertThatThrownBy(() -> TargetInput.constant("   ")).hasMessage("Input must be valid JSON text, not blank");
        assertThatThrownBy(() -> TargetInput.constant("{\"a\": 1} {\"b\": 2}"))
                .hasMessageStartingWith("Input must be valid JSON text: ");
    }

    private static TargetPayload render(TargetInput input, ObjectNode envelope) {
        return render(input, envelope, INVOCATION);
    }

    private static TargetPayload render(TargetInput input, ObjectNode envelope, TargetInputs.Invocation invocation) {
        return TargetInputs.render(input, envelope, Json.write(envelope), invocation);
    }

    /** Through text, as the bus writes it, so numbers compare by value. */
    private static ObjectNode envelope(String eventFile) {
        return (ObjectNode) Json.read(Json.write(Envelopes.toJson(BusFixtures.event(eventFile), "123456789012", "us-east-1")));
    }

    private static Map<String, String> slackPaths() {
        Map<String, String> paths = new LinkedHashMap<>();
        paths.put("pipeline", "$.detail.pipelineName");
        paths.put("target", "$.detail.target.name");
        paths.put("code", "$.detail.error.code");
        paths.put("type", "$.detail-type");
        return paths;
    }
}
