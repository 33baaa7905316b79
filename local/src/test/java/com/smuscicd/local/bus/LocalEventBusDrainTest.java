package com.smuscicd.local.bus;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Background delivery: {@link LocalEventBus#publish} returns once events are archived, whatever
 * the targets do, and {@link LocalEventBus#drain} finishes or dead-letters what is queued.
 */
class LocalEventBusDrainTest {

    private static final List<String> FAILED_TYPES = List.of(
            "SMUS-CICD-Deploy-ProjectInitialization-Failed",
            "SMUS-CICD-Deploy-BundleUpload-Failed",
            "SMUS-CICD-Deploy-Failed");

    @TempDir
    Path stateDir;
    @TempDir
    Path rulesDir;

    private HttpServer server;
    /** Detail-types of the requests the webhook received, in arrival order. */
    private final List<String> received = new CopyOnWriteArrayList<>();
    private volatile Duration handlerDelay = Duration.ZERO;
    /** While not released, every request hangs (up to 20 s). */
    private volatile CountDownLatch release = new CountDownLatch(0);
    private final CountDownLatch firstRequest = new CountDownLatch(1);

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            received.add(Json.read(body).get("detail-type").asText());
            firstRequest.countDown();
            try {
                Thread.sleep(handlerDelay.toMillis());
                release.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            byte[] ok = "ok".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, ok.length);
            exchange.getResponseBody().write(ok);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stopServer() {
        release.countDown();
        server.stop(0);
    }

    @Test
    void publish_whenWebhookTakesTwoSecondsPerRequest_returnsAtOnceAndDrainDeliversAllInOrder() throws IOException {
        handlerDelay = Duration.ofSeconds(2);
        LocalEventBus bus = bus(Duration.ofSeconds(5));

        long start = System.nanoTime();
        for (String type : FAILED_TYPES) {
            bus.publish(List.of(BusFixtures.example(type)));
        }
        Duration publishing = Duration.ofNanos(System.nanoTime() - start);
        long deliveredWhenPublishReturned = bus.stats().deliveries();

        // Three 2-second requests cannot fit: publish did not wait for the webhook.
        assertThat(publishing).isLessThan(Duration.ofMillis(1500));
        assertThat(deliveredWhenPublishReturned).isZero();
        assertThat(bus.stats().archivedFiles()).isEqualTo(3);
        assertThat(bus.drain(Duration.ofSeconds(30))).isTrue();
        assertThat(received).containsExactlyElementsOf(FAILED_TYPES);
        assertThat(bus.stats().deliveriesByRule()).containsEntry("slack-failures", 3L);
        assertThat(bus.deadLetterFile()).doesNotExist();
    }

    @Test
    void drain_whenWebhookIsDead_returnsAfterTheRetriesWithEveryEventDeadLettered() throws IOException {
        LocalEventBus bus = bus(Duration.ofSeconds(2));
        server.stop(0);
        List<DeploymentEvent> events = FAILED_TYPES.stream().map(BusFixtures::example).toList();

        PublishResult result = bus.publish(events);
        boolean drained = bus.drain(Duration.ofSeconds(30));

        assertThat(result.delivered()).isEqualTo(3);
        assertThat(drained).isTrue();
        assertThat(BusFixtures.jsonLines(bus.deadLetterFile())).hasSize(3).allSatisfy(entry -> {
            assertThat(entry.get("rule").asText()).isEqualTo("slack-failures");
            assertThat(entry.get("targetId").asText()).isEqualTo("slack");
            assertThat(entry.get("attempts").asInt()).isEqualTo(WebhookSender.MAX_ATTEMPTS);
            assertThat(entry.get("error").asText()).contains("ConnectException");
        }).extracting(entry -> entry.at("/event/id").asText())
                .containsExactlyElementsOf(events.stream().map(DeploymentEvent::id).toList());
        assertThat(bus.stats().failedDeliveries()).isEqualTo(3);
        assertThat(bus.stats().deliveries()).isZero();
    }

    @Test
    void drain_whenADeliveryHangsPastTheTimeout_deadLettersEveryPendingDelivery() throws Exception {
        release = new CountDownLatch(1);
        LocalEventBus bus = bus(Duration.ofSeconds(10));
        List<DeploymentEvent> events = FAILED_TYPES.stream().map(BusFixtures::example).toList();
        bus.publish(events);
        assertThat(firstRequest.await(10, TimeUnit.SECONDS)).isTrue();

        long start = System.nanoTime();
        boolean drained = bus.drain(Duration.ofMillis(200));
        Duration draining = Duration.ofNanos(System.nanoTime() - start);

        assertThat(drained).isFalse();
        assertThat(draining).isLessThan(Duration.ofSeconds(5));
        assertThat(BusFixtures.jsonLines(bus.deadLetterFile())).hasSize(3).allSatisfy(entry -> {
            assertThat(entry.get("rule").asText()).isEqualTo("slack-failures");
            assertThat(entry.get("targetId").asText()).isEqualTo("slack");
            assertThat(entry.get("error").asText()).isEqualTo("not delivered before drain timeout");
        }).extracting(entry -> entry.at("/event/id").asText())
                .containsExactlyElementsOf(events.stream().map(DeploymentEvent::id).toList());
        assertThat(bus.stats().failedDeliveries()).isEqualTo(3);
        assertThat(bus.stats().deliveries()).isZero();
    }

    @Test
    void publish_afterADrainTimedOut_deliversNewEventsAndRecordsNothingMoreForTheAbandonedOnes() throws Exception {
        release = new CountDownLatch(1);
        LocalEventBus bus = bus(Duration.ofSeconds(10));
        bus.publish(List.of(BusFixtures.example(FAILED_TYPES.get(0))));
        assertThat(firstRequest.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(bus.drain(Duration.ofMillis(100))).isFalse();
        release.countDown();

        bus.publish(List.of(BusFixtures.example(FAILED_TYPES.get(1))));
        boolean drained = bus.drain(Duration.ofSeconds(30));

        assertThat(drained).isTrue();
        assertThat(received).endsWith(FAILED_TYPES.get(1));
        assertThat(BusFixtures.jsonLines(bus.deadLetterFile())).singleElement()
                .satisfies(entry -> assertThat(entry.at("/event/detail-type").asText()).isEqualTo(FAILED_TYPES.get(0)));
        assertThat(bus.stats().deliveriesByRule()).containsEntry("slack-failures", 1L);
        assertThat(bus.stats().failedDeliveries()).isEqualTo(1);
    }

    private LocalEventBus bus(Duration webhookTimeout) throws IOException {
        String rule = Files.readString(BusFixtures.resource("rules/webhook/slack-failures.json"))
                .replace("${PORT}", String.valueOf(server.getAddress().getPort()));
        return LocalEventBus.builder()
                .stateDir(stateDir)
                .rules(LocalRules.load(Files.writeString(rulesDir.resolve("slack.json"), rule)))
                .webhookTimeout(webhookTimeout)
                .sleeper(duration -> { })
                .build();
    }
}
