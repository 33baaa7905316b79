package com.smuscicd.local.bus;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.smuscicd.events.DeploymentEvent;
import com.smuscicd.events.EventPublisher.PublishResult;
import com.smuscicd.json.Json;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Webhook targets against a real HTTP server on the loopback interface. */
class LocalEventBusWebhookTest {

    @TempDir
    Path stateDir;

    private HttpServer server;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    /** Status codes to answer with, in order; 200 once exhausted. */
    private final Deque<Integer> statuses = new ArrayDeque<>();
    private final List<Duration> sleeps = new CopyOnWriteArrayList<>();

    record Received(String method, String path, String contentType, String body) {
    }

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            received.add(new Received(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                    exchange.getRequestHeaders().getFirst("Content-Type"),
                    new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
            Integer status;
            synchronized (statuses) {
                status = statuses.poll();
            }
            byte[] body = (status == null || status == 200 ? "ok" : status == 400 ? "invalid_payload" : "oops")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status == null ? 200 : status, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    private LocalEventBus bus() throws IOException {
        String rule = Files.readString(BusFixtures.resource("rules/webhook/slack-failures.json"))
                .replace("${PORT}", String.valueOf(server.getAddress().getPort()));
        Path ruleFile = Files.writeString(Files.createTempDirectory(stateDir.getParent(), "rules").resolve("slack.json"), rule);
        return LocalEventBus.builder()
                .stateDir(stateDir)
                .rules(LocalRules.load(ruleFile))
                .webhookTimeout(Duration.ofSeconds(2))
                .sleeper(sleeps::add)
                .build();
    }

    @Test
    void publish_whenWebhookRuleMatches_postsEachMatchingEnvelopeAsJson() throws IOException {
        LocalEventBus bus = bus();

        PublishResult result = bus.publish(BusFixtures.allExamples());
        BusFixtures.drain(bus);

        assertThat(result.delivered()).isEqualTo(15);
        assertThat(received).hasSize(5).allSatisfy(request -> {
            assertThat(request.method()).isEqualTo("POST");
            assertThat(request.path()).isEqualTo("/services/T000/B000/hook-secret");
            assertThat(request.contentType()).isEqualTo("application/json");
        });
        assertThat(received).extracting(r -> Json.read(r.body()).get("detail-type").asText()).containsExactly(
                "SMUS-CICD-Deploy-Failed",
                "SMUS-CICD-Deploy-ProjectInitialization-Failed",
                "SMUS-CICD-Deploy-BundleUpload-Failed",
                "SMUS-CICD-Deploy-WorkflowCreation-Failed",
                "SMUS-CICD-Deploy-CatalogAssets-Failed");
        JsonNode first = Json.read(received.get(0).body());
        assertThat(first).isEqualTo(archived(bus, first.get("id").asText(), first.get("time").asText()));
        assertThat(bus.deadLetterFile()).doesNotExist();
        assertThat(bus.stats().deliveriesByRule()).containsEntry("slack-failures", 5L);
        assertThat(sleeps).isEmpty();
    }

    @Test
    void publish_whenWebhookAlwaysAnswers500_retriesTwiceThenDeadLettersTheDelivery() throws IOException {
        LocalEventBus bus = bus();
        statuses.addAll(List.of(500, 500, 500));
        DeploymentEvent failed = BusFixtures.example("SMUS-CICD-Deploy-Failed");

        PublishResult result = bus.publish(List.of(failed));
        BusFixtures.drain(bus);

        assertThat(result.delivered()).isEqualTo(1);
        assertThat(result.undelivered()).isEmpty();
        assertThat(received).hasSize(3);
        assertThat(sleeps).containsExactly(Duration.ofMillis(100), Duration.ofMillis(200));
        assertThat(BusFixtures.jsonLines(bus.deadLetterFile())).singleElement().satisfies(entry -> {
            assertThat(entry.get("rule").asText()).isEqualTo("slack-failures");
            assertThat(entry.get("targetId").asText()).isEqualTo("slack");
            assertThat(entry.get("attempts").asInt()).isEqualTo(3);
            assertThat(entry.get("error").asText()).isEqualTo("HTTP 500: oops");
            assertThat(entry.get("event")).isEqualTo(archived(bus, failed.id(), "2025-11-05T09:15:31Z"));
        });
        assertThat(Files.readString(bus.deadLetterFile())).doesNotContain("hook-secret");
        assertThat(bus.stats().failedDeliveries()).isEqualTo(1);
        assertThat(bus.stats().deliveriesByRule()).containsEntry("slack-failures", 0L);
    }

    @Test
    void publish_whenWebhookFailsOnceThenAccepts_deliversWithoutDeadLetter() throws IOException {
        LocalEventBus bus = bus();
        statuses.add(503);

        bus.publish(List.of(BusFixtures.example("SMUS-CICD-Deploy-Failed")));
        BusFixtures.drain(bus);

        assertThat(received).hasSize(2);
        assertThat(received.get(1).body()).isEqualTo(received.get(0).body());
        assertThat(sleeps).containsExactly(Duration.ofMillis(100));
        assertThat(bus.deadLetterFile()).doesNotExist();
        assertThat(bus.stats().deliveriesByRule()).containsEntry("slack-failures", 1L);
    }

    @Test
    void publish_whenWebhookRejectsThePayload_deadLettersWithoutRetrying() throws IOException {
        LocalEventBus bus = bus();
        statuses.add(400);

        bus.publish(List.of(BusFixtures.example("SMUS-CICD-Deploy-Failed")));
        BusFixtures.drain(bus);

        assertThat(received).hasSize(1);
        assertThat(BusFixtures.jsonLines(bus.deadLetterFile())).singleElement().satisfies(entry -> {
            assertThat(entry.get("attempts").asInt()).isEqualTo(1);
            assertThat(entry.get("error").asText()).isEqualTo("HTTP 400: invalid_payload");
        });
    }

    @Test
    void publish_whenWebhookServerIsDown_deadLettersAndReturnsNormally() throws IOException {
        LocalEventBus bus = bus();
        server.stop(0);
        DeploymentEvent failed = BusFixtures.example("SMUS-CICD-Deploy-CatalogAssets-Failed");

        PublishResult result = bus.publish(List.of(failed, BusFixtures.example("SMUS-CICD-Deploy-Started")));
        BusFixtures.drain(bus);

        assertThat(result.delivered()).isEqualTo(2);
        assertThat(sleeps).hasSize(2);
        assertThat(BusFixtures.jsonLines(bus.deadLetterFile())).singleElement().satisfies(entry -> {
            assertThat(entry.get("attempts").asInt()).isEqualTo(3);
            assertThat(entry.get("error").asText()).contains("ConnectException");
            assertThat(entry.at("/event/id").asText()).isEqualTo(failed.id());
            assertThat(entry.at("/event/detail/error/code").asText())
                    .isEqualTo(failed.detail().error().code());
        });
        assertThat(bus.stats().failedDeliveries()).isEqualTo(1);
    }

    private static JsonNode archived(LocalEventBus bus, String id, String time) {
        String day = time.substring(0, 10).replace('-', '/');
        return BusFixtures.archivedEvent(bus.archiveDir().resolve("smus-events/" + day), id);
    }
}
