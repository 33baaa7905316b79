package com.smuscicd.local.bus;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.smuscicd.events.DeploymentEvent;
import com.smuscicd.json.Json;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Target input options through the bus: what webhooks, log groups and AWS targets receive. */
class LocalEventBusTransformTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2025-11-10T08:00:00.250Z"), ZoneOffset.UTC);

    @TempDir
    Path stateDir;
    @TempDir
    Path rulesDir;

    private HttpServer server;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final AtomicInteger status = new AtomicInteger(200);

    record Received(String path, String contentType, String body) {
    }

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            received.add(new Received(exchange.getRequestURI().getPath(),
                    exchange.getRequestHeaders().getFirst("Content-Type"),
                    new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
            byte[] body = (status.get() == 200 ? "ok" : "invalid_payload").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status.get(), body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    @Test
    void publish_whenSlackRuleHasInputTransformer_postsExactlyTheSlackMessage() throws IOException {
        LocalEventBus bus = bus(webhookRule("slack-webhook.json"));
        DeploymentEvent failed = BusFixtures.event("deploy-failed-project-not-found.json");

        bus.publish(List.of(failed));
        BusFixtures.drain(bus);

        assertThat(received).singleElement().satisfies(request -> {
            assertThat(request.path()).isEqualTo("/hook");
            assertThat(request.contentType()).isEqualTo("application/json");
            assertThat(request.body()).isEqualTo(
                    "{\"text\": \":red_circle: MyPipeline to prod failed: PROJECT_NOT_FOUND (SMUS-CICD-Deploy-Failed)\"}");
        });
        assertThat(bus.stats().deliveriesByRule()).containsEntry("slack-formatted-failures", 1L);
        assertThat(bus.deadLetterFile()).doesNotExist();
    }

    @Test
    void publish_whenTargetTransformsItsInput_archivesTheUntransformedEnvelope() throws IOException {
        LocalEventBus bus = bus(webhookRule("slack-webhook.json"));
        DeploymentEvent failed = BusFixtures.event("deploy-failed-project-not-found.json");

        bus.publish(List.of(failed));
        BusFixtures.drain(bus);

        assertThat(BusFixtures.jsonLines(bus.archiveDir().resolve("smus-events/2025/11/07/" + failed.id() + ".json")))
                .containsExactly(envelope(failed));
    }

    @Test
    void publish_whenValuesHoldQuotesAndNewlines_postsValidJsonCarryingThemExactly() throws IOException {
        LocalEventBus bus = bus(webhookRule("slack-webhook.json"), webhookRule("json-values-webhook.json"));

        bus.publish(List.of(BusFixtures.event("deploy-failed-awkward-values.json")));
        BusFixtures.drain(bus);

        assertThat(received).hasSize(2).allSatisfy(r -> assertThat(r.contentType()).isEqualTo("application/json"));
        assertThat(Json.read(received.get(0).body()).get("text").asText())
                .isEqualTo(":red_circle: Sales \"Q4\" <ETL> to prod failed: WORKFLOW_DEFINITION_INVALID (SMUS-CICD-Deploy-Failed)");
        JsonNode values = Json.read(received.get(1).body());
        assertThat(values.get("text").asText()).isEqualTo("Sales \"Q4\" <ETL> failed: workflows/etl.py: line 3:\n"
                + "\ttask \"load\" uses C:\\tmp\\in.csv");
        assertThat(values.get("error").get("message").asText()).contains("\n\ttask \"load\"");
        assertThat(values.get("phase").asText()).isEqualTo("workflow-creation");
    }

    @Test
    void publish_whenTemplateIsPlainText_postsItAsTextPlain() throws IOException {
        LocalEventBus bus = bus(webhookRule("plain-text-webhook.json"));

        bus.publish(List.of(BusFixtures.event("deploy-failed-project-not-found.json")));
        BusFixtures.drain(bus);

        assertThat(received).singleElement().satisfies(request -> {
            assertThat(request.contentType()).isEqualTo("text/plain; charset=utf-8");
            assertThat(request.body()).isEqualTo("Deployment of MyPipeline failed: Project 'sales-analytics' not found"
                    + " in domain analytics-prod and create is false (target {\"name\":\"prod\",\"stage\":\"PROD\","
                    + "\"domain\":{\"name\":\"analytics-prod\",\"region\":\"us-east-1\"},"
                    + "\"project\":{\"name\":\"sales-analytics\"}})");
        });
    }

    @Test
    void publish_whenWebhookRejectsTheTransformedInput_deadLettersItWithTheEnvelope() throws IOException {
        LocalEventBus bus = bus(webhookRule("slack-webhook.json"));
        status.set(400);
        DeploymentEvent failed = BusFixtures.event("deploy-failed-project-not-found.json");

        bus.publish(List.of(failed));
        BusFixtures.drain(bus);

        assertThat(BusFixtures.jsonLines(bus.deadLetterFile())).singleElement().satisfies(entry -> {
            assertThat(entry.get("error").asText()).isEqualTo("HTTP 400: invalid_payload");
            assertThat(entry.get("input")).isEqualTo(Json.read(received.get(0).body()));
            assertThat(entry.get("event")).isEqualTo(envelope(failed));
        });
    }

    @Test
    void publish_whenInputIsConstant_recordsItAsTheWouldInvokeInput() {
        LocalEventBus bus = bus(BusFixtures.resource("rules/transform/input-options.json"));
        DeploymentEvent failed = BusFixtures.event("deploy-failed-project-not-found.json");

        bus.publish(List.of(failed));
        BusFixtures.drain(bus);

        List<JsonNode> sns = BusFixtures.jsonLines(bus.targetsDir().resolve("sns.jsonl"));
        assertThat(sns).hasSize(2);
        JsonNode page = sns.get(0);
        assertThat(page.get("targetId").asText()).isEqualTo("page");
        assertThat(page.get("input")).isEqualTo(Json.read("{\"alarm\": \"smus-deploy-failed\", \"severity\": 2}"));
        assertThat(page.get("event")).isEqualTo(envelope(failed));
        assertThat(BusFixtures.jsonLines(bus.targetsDir().resolve("lambda.jsonl"))).singleElement()
                .satisfies(record -> assertThat(record.get("input"))
                        .isEqualTo(Json.read("{\"alarm\":\"inline\",\"tags\":[\"a\",\"b\"]}")));
    }

    @Test
    void publish_whenTransformedInputIsText_recordsItAsAJsonString() {
        LocalEventBus bus = bus(BusFixtures.resource("rules/transform/input-options.json"));

        bus.publish(List.of(BusFixtures.event("deploy-failed-project-not-found.json")));
        BusFixtures.drain(bus);

        JsonNode record = BusFixtures.jsonLines(bus.targetsDir().resolve("sns.jsonl")).get(1);
        assertThat(record.get("rule").asText()).isEqualTo("text-to-logs");
        assertThat(record.get("input").isTextual()).isTrue();
        assertThat(record.get("input").asText()).isEqualTo("MyPipeline failed");
    }

    @Test
    void publish_whenInputPathSelectsPartOfTheEvent_writesThatPartAsTheLogLine() throws IOException {
        LocalEventBus bus = bus(BusFixtures.resource("rules/transform/input-options.json"));
        DeploymentEvent failed = BusFixtures.event("deploy-failed-project-not-found.json");

        bus.publish(List.of(failed));
        BusFixtures.drain(bus);

        assertThat(Files.readAllLines(bus.logsDir().resolve("smus_target.jsonl"))).containsExactly(
                "{\"name\":\"prod\",\"stage\":\"PROD\",\"domain\":{\"name\":\"analytics-prod\",\"region\":\"us-east-1\"},"
                        + "\"project\":{\"name\":\"sales-analytics\"}}");
        assertThat(Files.readAllLines(bus.logsDir().resolve("smus_pipeline.jsonl"))).containsExactly("\"MyPipeline\"");
        assertThat(Files.readAllLines(bus.logsDir().resolve("smus_nothing.jsonl"))).containsExactly("null");
        assertThat(BusFixtures.jsonLines(bus.logsDir().resolve("smus_whole.jsonl"))).containsExactly(envelope(failed));
    }

    @Test
    void publish_whenTransformedTextSpansLines_writesItAsOneJsonStringLine() throws IOException {
        LocalEventBus bus = bus(BusFixtures.resource("rules/transform/input-options.json"));

        bus.publish(List.of(BusFixtures.event("deploy-failed-awkward-values.json")));
        BusFixtures.drain(bus);

        List<String> lines = Files.readAllLines(bus.logsDir().resolve("smus_text.jsonl"));
        assertThat(lines).hasSize(1);
        assertThat(Json.read(lines.get(0)).asText()).isEqualTo(
                "failed:\nworkflows/etl.py: line 3:\n\ttask \"load\" uses C:\\tmp\\in.csv");
    }

    @Test
    void publish_whenTemplateUsesPredefinedVariables_fillsInRuleAndBusValues() throws IOException {
        LocalEventBus bus = bus(BusFixtures.resource("rules/transform/input-options.json"));
        DeploymentEvent failed = BusFixtures.event("deploy-failed-project-not-found.json");

        bus.publish(List.of(failed));
        BusFixtures.drain(bus);

        JsonNode line = BusFixtures.jsonLines(bus.logsDir().resolve("smus_predefined.jsonl")).get(0);
        assertThat(line.get("full")).isEqualTo(envelope(failed));
        ((ObjectNode) line).remove("full");
        assertThat(line).isEqualTo(Json.read(Files.readString(BusFixtures.resource("expected/predefined-variables.json"))));
    }

    @Test
    void stats_whenTargetsTransformInputs_countEveryDelivery() {
        LocalEventBus bus = bus(BusFixtures.resource("rules/transform/input-options.json"));

        bus.publish(List.of(BusFixtures.event("deploy-failed-project-not-found.json"),
                BusFixtures.example("SMUS-CICD-Deploy-Started")));
        BusFixtures.drain(bus);

        assertThat(bus.stats().deliveriesByRule()).containsExactly(
                Map.entry("constant-to-sns", 2L), Map.entry("paths-to-logs", 4L),
                Map.entry("text-to-logs", 2L), Map.entry("predefined-variables", 1L));
        assertThat(bus.stats().failedDeliveries()).isZero();
    }

    private LocalEventBus bus(Path... rules) {
        List<LocalRule> all = new ArrayList<>();
        for (Path rule : rules) {
            all.addAll(LocalRules.load(rule).all());
        }
        return LocalEventBus.builder()
                .stateDir(stateDir)
                .clock(CLOCK)
                .rules(LocalRules.of(all))
                .webhookTimeout(Duration.ofSeconds(2))
                .sleeper(duration -> { })
                .build();
    }

    /** A rule fixture of {@code rules/transform/} pointed at this test's server. */
    private Path webhookRule(String fileName) throws IOException {
        String rule = Files.readString(BusFixtures.resource("rules/transform/" + fileName))
                .replace("${PORT}", String.valueOf(server.getAddress().getPort()));
        return Files.writeString(rulesDir.resolve(fileName), rule);
    }

    /** The event as archived, through text so that numbers compare by value. */
    private static JsonNode envelope(DeploymentEvent event) {
        return Json.read(Json.write(Envelopes.toJson(event, LocalEventBus.DEFAULT_ACCOUNT, LocalEventBus.DEFAULT_REGION)));
    }
}
