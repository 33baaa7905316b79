package com.smuscicd.events;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.client.ScenarioMappingBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.smuscicd.json.Json;
import com.smuscicd.testsupport.AwsTestCredentials;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;

/**
 * Faults EventBridge cannot be made to produce on demand, injected at the wire by an HTTP stub
 * that speaks the AWS JSON 1.1 protocol to the real SDK client.
 */
class EventBridgePublisherFaultTest {

    @RegisterExtension
    static final WireMockExtension STUB = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1").templatingEnabled(true)
                    .globalTemplating(false))
            .build();

    private static final String BUS = "smus-deployments";
    private static final String JSON_1_1 = "application/x-amz-json-1.1";

    private final List<String> log = new ArrayList<>();
    private final List<Duration> sleeps = new ArrayList<>();
    private final List<EventBridgeClient> clients = new ArrayList<>();

    @BeforeEach
    void resetStub() {
        STUB.resetAll();
    }

    @AfterEach
    void closeClients() {
        clients.forEach(EventBridgeClient::close);
    }

    @Test
    void publish_whenOneEntryThrottledThenAccepted_resendsExactlyThatEntry() {
        stubInSequence(
                respond(200, "throttle-second-of-three.json"),
                respond(200, "accept-all.json"));
        List<DeploymentEvent> events = TestEvents.success().subList(0, 3);

        EventPublisher.PublishResult result = publisher(5).publish(events);

        assertThat(result.delivered()).isEqualTo(3);
        assertThat(result.undelivered()).isEmpty();
        assertThat(log).isEmpty();
        List<JsonNode> requests = requestBodies();
        assertThat(requests).hasSize(2);
        assertThat(sequences(requests.get(0))).containsExactly(1, 2, 3);
        assertThat(sequences(requests.get(1))).containsExactly(2);
        assertThat(requests.get(1).get("Entries").get(0)).isEqualTo(requests.get(0).get("Entries").get(1));
    }

    @Test
    void publish_whenEntriesStayThrottled_retriesBoundedTimesWithGrowingBackoffThenLogsThem() {
        stubInSequence(respond(200, "throttle-all-of-two.json"));
        List<DeploymentEvent> events = TestEvents.success().subList(0, 2);

        EventPublisher.PublishResult result = publisher(4).publish(events);

        assertThat(result.delivered()).isZero();
        assertThat(result.undelivered()).containsExactlyElementsOf(events);
        assertThat(requestBodies()).hasSize(4);
        // jitter pinned to its upper bound: the caps double from the base delay up to the max delay
        assertThat(sleeps).containsExactly(Duration.ofMillis(10), Duration.ofMillis(20), Duration.ofMillis(25));
        assertThat(log).hasSize(2);
        assertThat(Json.read(log.get(0)).get("errorCode").asText()).isEqualTo("ThrottlingException");
        assertThat(Json.read(log.get(1)).get("errorCode").asText()).isEqualTo("InternalFailure");
        assertThat(Json.read(log.get(0)).get("attempts").asInt()).isEqualTo(4);
    }

    @Test
    void publish_whenOneEntryRejected_logsItWholeDeliversOthersAndDoesNotRetryIt() {
        stubInSequence(respond(200, "reject-second-of-three.json"));
        List<DeploymentEvent> events = TestEvents.success().subList(0, 3);

        EventPublisher.PublishResult result = publisher(5).publish(events);

        assertThat(result.delivered()).isEqualTo(2);
        assertThat(result.undelivered()).containsExactly(events.get(1));
        assertThat(requestBodies()).hasSize(1);
        assertThat(sleeps).isEmpty();
        assertThat(log).hasSize(1);
        JsonNode line = Json.read(log.get(0));
        assertThat(line.get("level").asText()).isEqualTo("ERROR");
        assertThat(line.get("message").asText()).isEqualTo("event not delivered");
        assertThat(line.get("errorCode").asText()).isEqualTo("AccessDeniedException");
        assertThat(line.get("errorMessage").asText()).isEqualTo("Not authorized to put events on this bus");
        assertThat(line.get("eventBusName").asText()).isEqualTo(BUS);
        assertLoggedWhole(line.get("event"), events.get(1));
    }

    @Test
    void publish_whenWholeRequestFailsWith500_retriesTheSameEntriesAndDeliversThem() {
        stubInSequence(
                respond(500, "internal-failure-request.json"),
                respond(200, "accept-all.json"));
        List<DeploymentEvent> events = TestEvents.success().subList(0, 4);

        EventPublisher.PublishResult result = publisher(5).publish(events);

        assertThat(result.delivered()).isEqualTo(4);
        assertThat(log).isEmpty();
        List<JsonNode> requests = requestBodies();
        assertThat(requests).hasSize(2);
        assertThat(requests.get(1)).isEqualTo(requests.get(0));
    }

    @Test
    void publish_whenWholeRequestThrottled_retriesIt() {
        stubInSequence(
                respond(400, "throttling-request.json"),
                respond(200, "accept-all.json"));

        EventPublisher.PublishResult result = publisher(5).publish(TestEvents.success().subList(0, 2));

        assertThat(result.delivered()).isEqualTo(2);
        assertThat(requestBodies()).hasSize(2);
        assertThat(sleeps).hasSize(1);
    }

    @Test
    void publish_whenWholeRequestDenied_logsEveryEventWithoutRetry() {
        stubInSequence(respond(400, "access-denied-request.json"));
        List<DeploymentEvent> events = TestEvents.success().subList(0, 3);

        EventPublisher.PublishResult result = publisher(5).publish(events);

        assertThat(result.delivered()).isZero();
        assertThat(result.undelivered()).containsExactlyElementsOf(events);
        assertThat(requestBodies()).hasSize(1);
        assertThat(log).hasSize(3);
        assertThat(log).allSatisfy(line ->
                assertThat(Json.read(line).get("errorCode").asText()).isEqualTo("AccessDeniedException"));
    }

    @Test
    void publish_whenEndpointRefusesConnections_returnsNormallyAndLogsEveryEvent() throws IOException {
        URI closedPort = URI.create("http://127.0.0.1:" + unusedPort());
        List<DeploymentEvent> events = TestEvents.success();

        EventPublisher.PublishResult result = publisher(client(closedPort), 3).publish(events);

        assertThat(result.delivered()).isZero();
        assertThat(result.undelivered()).containsExactlyElementsOf(events);
        assertThat(log).hasSize(events.size());
        for (int i = 0; i < events.size(); i++) {
            JsonNode line = Json.read(log.get(i));
            assertThat(line.get("errorCode").asText()).isEqualTo("SdkClientException");
            assertThat(line.get("attempts").asInt()).isEqualTo(3);
            assertLoggedWhole(line.get("event"), events.get(i));
        }
        assertThat(sleeps).hasSize(2);
    }

    @Test
    void publish_whenTheEndpointAcceptsButNeverAnswers_givesUpWithinItsTimeAndLogsEveryEventWhole()
            throws IOException {
        // the kernel completes connections to a listening socket nobody reads: every request hangs
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            List<DeploymentEvent> events = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                events.addAll(TestEvents.success()); // 30 events: three requests
            }
            EventBridgePublisher publisher = EventBridgePublisher.builder()
                    .client(client(URI.create("http://127.0.0.1:" + silent.getLocalPort())))
                    .eventBusName(BUS)
                    .maxPublishTime(Duration.ofSeconds(1))
                    .sleeper(sleeps::add)
                    .logSink(log::add)
                    .build();

            // without a limit on the whole publish, each attempt would wait for the socket timeout
            EventPublisher.PublishResult result = assertTimeoutPreemptively(Duration.ofSeconds(20),
                    () -> publisher.publish(events));

            assertThat(result.delivered()).isZero();
            assertThat(result.undelivered()).containsExactlyElementsOf(events);
            assertThat(log).hasSize(events.size());
            for (int i = 0; i < events.size(); i++) {
                JsonNode line = Json.read(log.get(i));
                assertLoggedWhole(line.get("event"), events.get(i));
                if (i < 10) {
                    // the first request was sent and cut off when the publish's time ran out
                    assertThat(line.get("errorCode").asText()).isEqualTo("ApiCallTimeoutException");
                    assertThat(line.get("attempts").asInt()).isEqualTo(1);
                    assertThat(line.get("errorMessage").asText()).contains("not retried: this publish had used its 1000 ms");
                } else {
                    assertThat(line.get("errorCode").asText()).isEqualTo("PublishTimeSpent");
                    assertThat(line.get("attempts").asInt()).isZero();
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {-40_000_000L, -500_000L, 2_000_000L})
    void publish_whenARetryWaitEndsNearOrPastTheDeadline_startsNoAttemptWithoutTimeForIt(long sleptToDeadlineNanos) {
        // the first request is throttled; a second would be answered after 4 s
        stubInSequence(new Response(400, fixture("throttling-request.json")),
                new Response(200, fixture("accept-all.json")));
        STUB.stubFor(post(urlEqualTo("/")).atPriority(1).inScenario("put-events").whenScenarioStateIs("after-1")
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", JSON_1_1)
                        .withBody(fixture("accept-all.json")).withFixedDelay(4000)));
        long budget = Duration.ofSeconds(1).toNanos();
        AtomicLong clock = new AtomicLong();
        EventBridgePublisher publisher = EventBridgePublisher.builder()
                .client(client(URI.create(STUB.baseUrl())))
                .eventBusName(BUS)
                .maxPublishTime(Duration.ofSeconds(1))
                .nanoTime(clock::get)
                // the retry's wait ends just before the deadline, or (a late wake-up) after it
                .sleeper(delay -> clock.set(budget + sleptToDeadlineNanos))
                .logSink(log::add)
                .build();
        List<DeploymentEvent> events = TestEvents.success().subList(0, 2);

        EventPublisher.PublishResult result = assertTimeoutPreemptively(Duration.ofSeconds(3),
                () -> publisher.publish(events));

        assertThat(result.delivered()).isZero();
        assertThat(requestBodies()).hasSize(1);
        assertThat(log).hasSize(2).allSatisfy(line -> {
            assertThat(Json.read(line).get("attempts").asInt()).isEqualTo(1);
            assertThat(Json.read(line).get("errorMessage").asText()).contains("not retried: this publish had used its 1000 ms");
        });
    }

    @Test
    void builder_whenThePublishTimeIsOutOfRange_saysWhichRangeIsAllowed() {
        assertThatThrownBy(() -> EventBridgePublisher.builder().maxPublishTime(Duration.ofDays(400 * 365)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("50 ms to PT1H");
        assertThatThrownBy(() -> EventBridgePublisher.builder().maxPublishTime(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void publish_when25Events_sendsRequestsOf10And10And5InOrder() {
        stubInSequence(respond(200, "accept-all.json"));
        List<DeploymentEvent> events = TestEvents.withPadding(25, 0);

        EventPublisher.PublishResult result = publisher(5).publish(events);

        assertThat(result.delivered()).isEqualTo(25);
        List<JsonNode> requests = requestBodies();
        assertThat(requests).extracting(r -> r.get("Entries").size()).containsExactly(10, 10, 5);
        List<Integer> sent = requests.stream().flatMap(r -> sequences(r).stream()).toList();
        assertThat(sent).isEqualTo(events.stream().map(e -> e.detail().sequence()).toList());
    }

    @Test
    void publish_whenEntriesTooBigTogether_splitsRequestsBySize() {
        stubInSequence(respond(200, "accept-all.json"));
        // ~100 KiB each: two fit in a 256 KiB request, three do not
        List<DeploymentEvent> events = TestEvents.withPadding(5, 100 * 1024);

        EventPublisher.PublishResult result = publisher(5).publish(events);

        assertThat(result.delivered()).isEqualTo(5);
        assertThat(requestBodies()).extracting(r -> r.get("Entries").size()).containsExactly(2, 2, 1);
    }

    @Test
    void publish_whenOneEntryAloneExceedsTheLimit_logsItAndSendsTheOthers() {
        stubInSequence(respond(200, "accept-all.json"));
        List<DeploymentEvent> small = TestEvents.withPadding(3, 0);
        DeploymentEvent huge = TestEvents.withPadding(1, 300 * 1024).get(0);
        List<DeploymentEvent> events = List.of(small.get(0), huge, small.get(2));

        EventPublisher.PublishResult result = publisher(5).publish(events);

        assertThat(result.delivered()).isEqualTo(2);
        assertThat(result.undelivered()).containsExactly(huge);
        assertThat(requestBodies()).hasSize(1);
        assertThat(requestBodies().get(0).get("Entries").size()).isEqualTo(2);
        assertThat(log).hasSize(1);
        assertThat(Json.read(log.get(0)).get("errorCode").asText()).isEqualTo("EntryTooLarge");
    }

    @Test
    void publish_whenSent_usesPutEventsWireFormatWithBusSourceTimeAndResources() {
        stubInSequence(respond(200, "accept-all.json"));
        DeploymentEvent event = TestEvents.success().get(0);

        publisher(5).publish(List.of(event));

        LoggedRequest request = STUB.findAll(postRequestedFor(urlEqualTo("/"))).get(0);
        assertThat(request.getHeader("X-Amz-Target")).isEqualTo("AWSEvents.PutEvents");
        JsonNode entry = Json.read(request.getBodyAsString()).get("Entries").get(0);
        assertThat(entry.get("EventBusName").asText()).isEqualTo(BUS);
        assertThat(entry.get("Source").asText()).isEqualTo("com.amazon.smus.cicd");
        assertThat(entry.get("DetailType").asText()).isEqualTo("SMUS-CICD-Deploy-Started");
        assertThat(entry.get("Resources")).containsExactly(Json.tree(TestEvents.EXECUTION_ARN));
        assertThat(entry.get("Time").asDouble()).isEqualTo(TestEvents.NOW.toEpochMilli() / 1000.0);
        assertThat(Json.read(entry.get("Detail").asText())).isEqualTo(Json.read(Json.write(event.detail())));
    }

    private static void assertLoggedWhole(JsonNode logged, DeploymentEvent event) {
        assertThat(logged.get("detail-type").asText()).isEqualTo(event.detailType());
        assertThat(logged.get("source").asText()).isEqualTo(event.source());
        assertThat(logged.get("time").asText()).isEqualTo(event.time().toString());
        assertThat(logged.get("resources")).isEqualTo(Json.tree(event.resources()));
        assertThat(logged.get("detail")).isEqualTo(Json.read(Json.write(event.detail())));
    }

    private EventBridgePublisher publisher(int maxAttempts) {
        return publisher(client(URI.create(STUB.baseUrl())), maxAttempts);
    }

    private EventBridgePublisher publisher(EventBridgeClient client, int maxAttempts) {
        return EventBridgePublisher.builder()
                .client(client)
                .eventBusName(BUS)
                .maxAttempts(maxAttempts)
                .baseDelay(Duration.ofMillis(10))
                .maxDelay(Duration.ofMillis(25))
                .jitter(cap -> cap)
                .sleeper(sleeps::add)
                .logSink(log::add)
                .build();
    }

    private EventBridgeClient client(URI endpoint) {
        EventBridgeClient client = EventBridgeClient.builder()
                .endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .credentialsProvider(AwsTestCredentials.provider())
                .httpClient(UrlConnectionHttpClient.create())
                // the publisher's own retries are under test: no SDK retries underneath
                .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build();
        clients.add(client);
        return client;
    }

    /** Answers successive PutEvents requests with the given responses, repeating the last. */
    private static void stubInSequence(Response... responses) {
        String state = Scenario.STARTED;
        for (int i = 0; i < responses.length; i++) {
            ScenarioMappingBuilder mapping = post(urlEqualTo("/"))
                    .withHeader("X-Amz-Target", equalTo("AWSEvents.PutEvents"))
                    .inScenario("put-events")
                    .whenScenarioStateIs(state);
            String next = "after-" + (i + 1);
            if (i < responses.length - 1) {
                mapping = mapping.willSetStateTo(next);
            }
            STUB.stubFor(mapping.willReturn(aResponse()
                    .withStatus(responses[i].status())
                    .withHeader("Content-Type", JSON_1_1)
                    .withBody(responses[i].body())
                    .withTransformers("response-template")));
            state = next;
        }
    }

    private record Response(int status, String body) {
    }

    private static Response respond(int status, String fixture) {
        return new Response(status, fixture(fixture));
    }

    private static String fixture(String name) {
        try (InputStream in = EventBridgePublisherFaultTest.class.getResourceAsStream("putevents/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing fixture putevents/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<JsonNode> requestBodies() {
        return STUB.findAll(postRequestedFor(urlEqualTo("/"))).stream()
                .map(request -> Json.read(request.getBodyAsString()))
                .toList();
    }

    private static List<Integer> sequences(JsonNode request) {
        return StreamSupport.stream(request.get("Entries").spliterator(), false)
                .map(entry -> Json.read(entry.get("Detail").asText()).get("sequence").asInt())
                .toList();
    }

    private static int unusedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
