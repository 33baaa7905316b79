package com.smuscicd.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.smuscicd.json.Json;
import com.smuscicd.testsupport.MotoLogsTimestampInterceptor;
import com.smuscicd.testsupport.MotoServerExtension;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.FilteredLogEvent;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.RuleState;
import software.amazon.awssdk.services.eventbridge.model.Target;

/**
 * The spec's "Working Example" against a real moto server: an EventBridge rule with the capture
 * pattern targets a CloudWatch Logs group; events published through {@link EventBridgePublisher}
 * are read back with FilterLogEvents and compared field by field with what was emitted.
 */
class EventBridgePublisherMotoTest {

    @RegisterExtension
    static final MotoServerExtension MOTO = MotoServerExtension.create().resetBeforeEach();

    private static final String ACCOUNT = "123456789012";
    private static final String CAPTURE_PATTERN =
            "{\"source\":[\"com.amazon.smus.cicd\"],\"detail-type\":[{\"prefix\":\"SMUS-CICD-\"}]}";

    private final List<String> log = new ArrayList<>();
    private EventBridgeClient events;
    private CloudWatchLogsClient logs;

    @BeforeEach
    void clients() {
        events = MOTO.configure(EventBridgeClient.builder()).httpClient(UrlConnectionHttpClient.create()).build();
        logs = MOTO.configure(CloudWatchLogsClient.builder())
                .httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(c -> c.addExecutionInterceptor(new MotoLogsTimestampInterceptor()))
                .build();
    }

    @AfterEach
    void close() {
        events.close();
        logs.close();
    }

    @Test
    void publish_whenSuccessfulDeploymentOnDefaultBus_ruleDeliversEveryEventUnchangedToLogGroup() {
        String logGroup = captureToLogGroup("default", "/aws/events/smus-cicd-test");
        TestEvents.RecordingPublisher tee = new TestEvents.RecordingPublisher(publisher("default"));

        TestEvents.runSuccess(tee);

        List<DeploymentEvent> emitted = tee.events();
        assertThat(tee.results()).hasSize(10).allSatisfy(r -> assertThat(r.delivered()).isEqualTo(1));
        List<JsonNode> delivered = readBack(logGroup, emitted.size());
        assertThat(delivered).hasSize(10);
        for (int i = 0; i < emitted.size(); i++) {
            assertSameEvent(delivered.get(i), emitted.get(i));
        }
        assertThat(log).isEmpty();
    }

    @Test
    void publish_whenDeploymentFails_failureEventsArriveWithErrorAndFailedPhase() {
        String logGroup = captureToLogGroup("default", "/aws/events/smus-cicd-failures");
        TestEvents.RecordingPublisher tee = new TestEvents.RecordingPublisher(publisher(null));

        TestEvents.runBundleUploadFailure(tee);

        List<DeploymentEvent> emitted = tee.events();
        assertThat(emitted).hasSize(6);
        assertThat(tee.results()).allSatisfy(r -> assertThat(r.undelivered()).isEmpty());
        List<JsonNode> delivered = readBack(logGroup, emitted.size());
        for (int i = 0; i < emitted.size(); i++) {
            assertSameEvent(delivered.get(i), emitted.get(i));
        }
        JsonNode deployFailed = delivered.get(delivered.size() - 1);
        assertThat(deployFailed.get("detail-type").asText()).isEqualTo("SMUS-CICD-Deploy-Failed");
        assertThat(deployFailed.at("/detail/error/code").asText()).isEqualTo("BUNDLE_UPLOAD_FAILED");
        assertThat(deployFailed.at("/detail/details/failedPhase").asText()).isEqualTo("bundle-upload");
    }

    @Test
    void publish_whenRuleDoesNotMatch_nothingReachesTheLogGroup() {
        String logGroup = captureToLogGroup("default", "/aws/events/smus-cicd-control");
        // Same bus, a foreign source: proves the rule's pattern filters, so the other tests' matches mean something.
        events.putEvents(r -> r.entries(PutEventsRequestEntry.builder()
                .source("com.example.other").detailType("SMUS-CICD-Deploy-Started").detail("{}").build()));

        publisher("default").publish(TestEvents.success().subList(0, 1));

        List<JsonNode> delivered = readBack(logGroup, 1);
        assertThat(delivered).hasSize(1);
        assertThat(delivered.get(0).get("source").asText()).isEqualTo("com.amazon.smus.cicd");
    }

    @Test
    void publish_whenCustomBusGivenByName_eventsReachThatBusOnly() {
        String busArn = events.createEventBus(r -> r.name("smus-custom")).eventBusArn();
        String customGroup = captureToLogGroup("smus-custom", "/aws/events/smus-custom");
        String defaultGroup = captureToLogGroup("default", "/aws/events/smus-default");
        List<DeploymentEvent> emitted = TestEvents.success().subList(0, 3);

        EventPublisher.PublishResult result = publisher("smus-custom").publish(emitted);

        assertThat(busArn).endsWith(":event-bus/smus-custom");
        assertThat(result.delivered()).isEqualTo(3);
        List<JsonNode> delivered = readBack(customGroup, 3);
        for (int i = 0; i < emitted.size(); i++) {
            assertSameEvent(delivered.get(i), emitted.get(i));
        }
        assertThat(filter(defaultGroup)).isEmpty();
    }

    @Test
    void publish_whenCustomBusGivenByArn_eventsReachThatBus() {
        String busArn = events.createEventBus(r -> r.name("smus-by-arn")).eventBusArn();
        String customGroup = captureToLogGroup("smus-by-arn", "/aws/events/smus-by-arn");
        List<DeploymentEvent> emitted = TestEvents.success().subList(0, 2);

        EventPublisher.PublishResult result = publisher(busArn).publish(emitted);

        assertThat(result.delivered()).isEqualTo(2);
        List<JsonNode> delivered = readBack(customGroup, 2);
        for (int i = 0; i < emitted.size(); i++) {
            assertSameEvent(delivered.get(i), emitted.get(i));
        }
    }

    @Test
    void publish_whenBusDoesNotExist_logsEveryEventAndReturnsNormally() {
        List<DeploymentEvent> emitted = TestEvents.success().subList(0, 2);

        EventPublisher.PublishResult result = publisher("no-such-bus").publish(emitted);

        assertThat(result.delivered()).isZero();
        assertThat(result.undelivered()).containsExactlyElementsOf(emitted);
        assertThat(log).hasSize(2);
        assertThat(Json.read(log.get(0)).get("errorCode").asText()).isEqualTo("ResourceNotFoundException");
    }

    private EventBridgePublisher publisher(String bus) {
        return EventBridgePublisher.builder()
                .client(events)
                .eventBusName(bus)
                .baseDelay(Duration.ofMillis(1))
                .maxDelay(Duration.ofMillis(5))
                .logSink(log::add)
                .build();
    }

    /** The spec's programmatic setup: a log group, a rule with the capture pattern, the group as target. */
    private String captureToLogGroup(String bus, String logGroup) {
        logs.createLogGroup(r -> r.logGroupName(logGroup));
        String rule = "smus-cicd-" + bus + "-" + Math.abs(logGroup.hashCode());
        events.putRule(r -> r.name(rule).eventBusName(bus).eventPattern(CAPTURE_PATTERN).state(RuleState.ENABLED));
        events.putTargets(r -> r.rule(rule).eventBusName(bus).targets(Target.builder()
                .id("1")
                .arn("arn:aws:logs:" + MOTO.region() + ":" + ACCOUNT + ":log-group:" + logGroup)
                .build()));
        return logGroup;
    }

    /** The delivered events, ordered by sequence; waits briefly in case delivery lags the PutEvents answer. */
    private List<JsonNode> readBack(String logGroup, int expected) {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        List<JsonNode> delivered = filter(logGroup);
        while (delivered.size() < expected && System.nanoTime() < deadline) {
            sleep();
            delivered = filter(logGroup);
        }
        return delivered.stream()
                .sorted(Comparator.comparingInt(e -> e.at("/detail/sequence").asInt()))
                .toList();
    }

    private List<JsonNode> filter(String logGroup) {
        return logs.filterLogEventsPaginator(r -> r.logGroupName(logGroup)).events().stream()
                .map(FilteredLogEvent::message)
                .map(Json::read)
                .toList();
    }

    private static void assertSameEvent(JsonNode delivered, DeploymentEvent emitted) {
        assertThat(delivered.get("detail-type").asText()).isEqualTo(emitted.detailType());
        assertThat(delivered.get("source").asText()).isEqualTo(DeploymentEvent.SOURCE);
        assertThat(delivered.get("region").asText()).isEqualTo(MOTO.region());
        assertThat(delivered.get("resources")).isEqualTo(Json.tree(emitted.resources()));
        // EventBridge keeps the entry's Time at second precision
        assertThat(Instant.parse(delivered.get("time").asText()))
                .isEqualTo(emitted.time().truncatedTo(ChronoUnit.SECONDS));
        JsonNode detail = delivered.get("detail");
        JsonNode expected = Json.read(Json.write(emitted.detail()));
        assertThat(detail.get("version").asText()).isEqualTo("1.0");
        assertThat(detail.get("pipelineName").asText()).isEqualTo(emitted.detail().pipelineName());
        assertThat(detail.get("stage").asText()).isEqualTo(emitted.detail().stage());
        assertThat(detail.get("status").asText()).isEqualTo(emitted.detail().status());
        assertThat(detail.get("sequence").asInt()).isEqualTo(emitted.detail().sequence());
        assertThat(detail.get("deploymentId").asText()).isEqualTo(emitted.detail().deploymentId());
        assertThat(detail.get("timestamp").asText()).isEqualTo(emitted.detail().timestamp());
        assertThat(detail.get("target")).isEqualTo(expected.get("target"));
        assertThat(detail.get("metadata")).isEqualTo(expected.get("metadata"));
        // and nothing added, dropped or changed anywhere else in the detail
        assertThat(detail).isEqualTo(expected);
    }

    private static void sleep() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
