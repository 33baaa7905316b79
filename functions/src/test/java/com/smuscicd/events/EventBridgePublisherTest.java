package com.smuscicd.events;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.smuscicd.json.Json;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequest;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResultEntry;

class EventBridgePublisherTest {

    @RegisterExtension
    static final WireMockExtension STUB = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"))
            .build();

    private final List<String> log = new ArrayList<>();

    @Test
    void entrySize_whenAllFieldsSet_countsAsEventBridgeDocuments() {
        PutEventsRequestEntry entry = PutEventsRequestEntry.builder()
                .eventBusName("a-bus-name-that-does-not-count")
                .time(Instant.EPOCH)
                .source("src")
                .detailType("type")
                .detail("{\"k\":\"é\"}")
                .resources("arn:1", "arn:22")
                .build();

        // Time 14 + "src" 3 + "type" 4 + detail 10 bytes (é is 2 in UTF-8) + resources 5 + 6
        assertThat(EventBridgePublisher.entrySize(entry)).isEqualTo(14 + 3 + 4 + 10 + 5 + 6);
    }

    @Test
    void entrySize_whenOptionalFieldsAbsent_countsOnlySourceAndDetailType() {
        PutEventsRequestEntry entry = PutEventsRequestEntry.builder().source("s").detailType("dt").build();

        assertThat(EventBridgePublisher.entrySize(entry)).isEqualTo(3);
    }

    @Test
    void batches_whenCountAndSizeLimitsMix_keepsOrderAndBothLimits() {
        List<EventBridgePublisher.Pending> entries = new ArrayList<>();
        int[] sizes = {100, 100, 200_000, 100_000, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 262_144};
        for (int i = 0; i < sizes.length; i++) {
            entries.add(new EventBridgePublisher.Pending(i, PutEventsRequestEntry.builder().build(), sizes[i]));
        }

        List<List<EventBridgePublisher.Pending>> batches = EventBridgePublisher.batches(entries);

        assertThat(batches).extracting(b -> b.stream().map(EventBridgePublisher.Pending::index).toList())
                .containsExactly(
                        List.of(0, 1, 2),
                        List.of(3, 4, 5, 6, 7, 8, 9, 10, 11, 12),
                        List.of(13),
                        List.of(14));
        assertThat(batches).allSatisfy(b -> assertThat(b.stream().mapToInt(EventBridgePublisher.Pending::size).sum())
                .isLessThanOrEqualTo(EventBridgePublisher.MAX_REQUEST_BYTES));
    }

    @Test
    void backoffCap_whenRetriesGrow_doublesFromBaseUpToMax() {
        Backoff backoff = new Backoff(10, Duration.ofMillis(100), Duration.ofSeconds(1), cap -> cap);

        assertThat(List.of(1, 2, 3, 4, 5, 60).stream().map(backoff::cap).toList()).containsExactly(
                Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(400), Duration.ofMillis(800),
                Duration.ofSeconds(1), Duration.ofSeconds(1));
    }

    @Test
    void backoffDelay_withFullJitter_staysWithinZeroAndCap() {
        Backoff backoff = Backoff.defaults();

        for (int retry = 1; retry <= 6; retry++) {
            for (int i = 0; i < 200; i++) {
                assertThat(backoff.delay(retry)).isBetween(Duration.ZERO, backoff.cap(retry));
            }
        }
    }

    @Test
    void backoff_whenMaxBelowBase_isRejected() {
        assertThatThrownBy(() -> EventBridgePublisher.builder()
                .baseDelay(Duration.ofSeconds(2)).maxDelay(Duration.ofSeconds(1)).build())
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void publish_whenClientThrowsUnexpectedRuntimeException_returnsAndLogsEveryEvent() {
        AtomicInteger calls = new AtomicInteger();
        EventBridgeClient broken = new FakeClient() {
            @Override
            public PutEventsResponse putEvents(PutEventsRequest request) {
                calls.incrementAndGet();
                throw new IllegalStateException("bug in a client");
            }
        };
        List<DeploymentEvent> events = TestEvents.success().subList(0, 3);

        EventPublisher.PublishResult result = publisher(broken).publish(events);

        assertThat(calls).hasValue(1);
        assertThat(result.delivered()).isZero();
        assertThat(result.undelivered()).containsExactlyElementsOf(events);
        assertThat(log).hasSize(3).allSatisfy(line -> {
            JsonNode json = Json.read(line);
            assertThat(json.get("errorCode").asText()).isEqualTo("IllegalStateException");
            assertThat(json.get("errorMessage").asText()).isEqualTo("bug in a client");
        });
    }

    @Test
    void publish_whenLogSinkThrows_stillReturnsTheResult() {
        EventBridgeClient broken = new FakeClient() {
            @Override
            public PutEventsResponse putEvents(PutEventsRequest request) {
                throw new IllegalStateException("down");
            }
        };
        EventBridgePublisher publisher = EventBridgePublisher.builder().client(broken).maxAttempts(1)
                .logSink(line -> {
                    throw new IllegalStateException("log full");
                })
                .build();

        EventPublisher.PublishResult result = publisher.publish(TestEvents.success().subList(0, 2));

        assertThat(result.undelivered()).hasSize(2);
    }

    @Test
    void publish_whenResponseHasFewerResultsThanEntries_resendsTheUnansweredOnes() {
        List<Integer> sentCounts = new ArrayList<>();
        EventBridgeClient truncating = new FakeClient() {
            @Override
            public PutEventsResponse putEvents(PutEventsRequest request) {
                sentCounts.add(request.entries().size());
                int answered = Math.min(2, request.entries().size());
                return PutEventsResponse.builder()
                        .entries(request.entries().subList(0, answered).stream()
                                .map(e -> PutEventsResultEntry.builder().eventId("id").build())
                                .toList())
                        .build();
            }
        };

        EventPublisher.PublishResult result = publisher(truncating).publish(TestEvents.success().subList(0, 3));

        assertThat(result.delivered()).isEqualTo(3);
        assertThat(sentCounts).containsExactly(3, 1);
    }

    @Test
    void publish_whenNoEvents_makesNoCall() {
        AtomicInteger calls = new AtomicInteger();
        EventBridgeClient counting = new FakeClient() {
            @Override
            public PutEventsResponse putEvents(PutEventsRequest request) {
                calls.incrementAndGet();
                return PutEventsResponse.builder().build();
            }
        };

        EventPublisher.PublishResult result = publisher(counting).publish(List.of());

        assertThat(result).isEqualTo(EventPublisher.PublishResult.allDelivered(0));
        assertThat(calls).hasValue(0);
    }

    @Test
    void eventBusName_whenBlank_meansTheDefaultBusAndIsNotSent() {
        List<PutEventsRequest> requests = new ArrayList<>();
        EventBridgeClient recording = new FakeClient() {
            @Override
            public PutEventsResponse putEvents(PutEventsRequest request) {
                requests.add(request);
                return PutEventsResponse.builder().entries(request.entries().stream()
                        .map(e -> PutEventsResultEntry.builder()
                                .eventId("id").build()).toList()).build();
            }
        };

        EventBridgePublisher publisher = EventBridgePublisher.create(recording, "  ");
        publisher.publish(TestEvents.success().subList(0, 1));

        assertThat(publisher.eventBusName()).isNull();
        assertThat(requests.get(0).entries().get(0).eventBusName()).isNull();
    }

    @Test
    void undeliveredLogLine_isOneLineOfJsonWithTheWholeEvent() {
        DeploymentEvent event = TestEvents.bundleUploadFailure().get(5);

        String line = UndeliveredEventLog.line(event, "arn:aws:events:us-east-1:123456789012:event-bus/b",
                "AccessDeniedException", "line one\nline two", 2);

        assertThat(line).doesNotContain("\n");
        JsonNode json = Json.read(line);
        assertThat(json.get("level").asText()).isEqualTo("ERROR");
        assertThat(json.get("message").asText()).isEqualTo("event not delivered");
        assertThat(json.get("errorMessage").asText()).isEqualTo("line one\nline two");
        assertThat(json.get("eventBusName").asText()).endsWith(":event-bus/b");
        assertThat(json.at("/event/id").asText()).isEqualTo(event.id());
        assertThat(json.at("/event/detail-type").asText()).isEqualTo("SMUS-CICD-Deploy-Failed");
        assertThat(json.at("/event/detail")).isEqualTo(Json.read(Json.write(event.detail())));
    }

    @Test
    void newDefaultClient_whenEndpointAndRegionComeFromSdkSettings_sendsThere() {
        STUB.stubFor(post(urlEqualTo("/")).willReturn(aResponse()
                .withHeader("Content-Type", "application/x-amz-json-1.1")
                .withBody("{\"FailedEntryCount\":0,\"Entries\":[{\"EventId\":\"e-1\"}]}")));
        // The system properties are the JVM forms of AWS_ENDPOINT_URL_EVENTBRIDGE, AWS_REGION and the
        // credential variables: the SDK reads both through the same settings.
        Map<String, String> settings = Map.of(
                "aws.endpointUrlEventBridge", STUB.baseUrl(),
                "aws.region", "eu-west-1",
                "aws.accessKeyId", "testing",
                "aws.secretAccessKey", "testing");
        Map<String, String> previous = new HashMap<>();
        settings.forEach((key, value) -> previous.put(key, System.setProperty(key, value)));
        try (EventBridgeClient client = EventBridgePublisher.newDefaultClient()) {
            EventPublisher.PublishResult result = EventBridgePublisher.create(client, "default")
                    .publish(TestEvents.success().subList(0, 1));

            assertThat(result.delivered()).isEqualTo(1);
            String authorization = STUB.findAll(postRequestedFor(urlEqualTo("/"))).get(0).getHeader("Authorization");
            assertThat(authorization).contains("/eu-west-1/events/aws4_request");
        } finally {
            previous.forEach((key, value) -> {
                if (value == null) {
                    System.clearProperty(key);
                } else {
                    System.setProperty(key, value);
                }
            });
        }
    }

    private EventBridgePublisher publisher(EventBridgeClient client) {
        return EventBridgePublisher.builder()
                .client(client)
                .eventBusName("bus")
                .maxAttempts(3)
                .baseDelay(Duration.ZERO)
                .maxDelay(Duration.ZERO)
                .sleeper(duration -> { })
                .logSink(log::add)
                .build();
    }

    /** A hand-written client fake: only PutEvents is overridden by the tests. */
    private abstract static class FakeClient implements EventBridgeClient {

        @Override
        public String serviceName() {
            return "events";
        }

        @Override
        public void close() {
        }
    }
}
