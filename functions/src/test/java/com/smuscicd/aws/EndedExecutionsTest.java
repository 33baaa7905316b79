package com.smuscicd.aws;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.smuscicd.deploy.DeployFunctions;
import com.smuscicd.deploy.TaskFunction;
import com.smuscicd.errors.RetryablePhaseException;
import com.smuscicd.events.DeploymentEvent;
import com.smuscicd.events.EventPublisher;
import com.smuscicd.json.Json;
import com.smuscicd.testsupport.AwsTestCredentials;
import com.smuscicd.testsupport.RefusedConnections;
import com.smuscicd.testsupport.TestRetries;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;
import software.amazon.awssdk.services.sfn.model.HistoryEventType;

/**
 * The lifecycle function's answer to Step Functions' status change events, over execution
 * histories as the SDK returns them and the real lifecycle task.
 */
class EndedExecutionsTest {

    @RegisterExtension
    static final WireMockExtension SFN_STUB = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort())
            .build();

    private static final String ARN = "arn:aws:states:us-east-1:123456789012:execution:smus-cicd-deploy:d1";
    private static final String DEPLOYMENT = "{\"deploymentId\": \"0f8c7c1e-0000-4000-8000-000000000001\","
            + " \"pipelineName\": \"MyPipeline\", \"target\": {\"name\": \"dev\", \"stage\": \"DEV\","
            + " \"domain\": {\"name\": \"analytics-dev\", \"region\": \"us-east-1\"}, \"project\": {\"name\": \"p1\"}},"
            + " \"monitoring\": {\"enabled\": true, \"eventBusName\": \"default\", \"includeMetadata\": true},"
            + " \"bundle\": {\"location\": \"s3://b/k.zip\", \"digest\": \"sha256:00\", \"bytes\": 1},"
            + " \"workflows\": [], \"assets\": [], \"requestedAt\": \"2026-11-27T10:00:00Z\"}";

    private final List<DeploymentEvent> published = new CopyOnWriteArrayList<>();
    private final List<HistoryEvent> history = new ArrayList<>();
    /** The attempts of {@link #endedOverTheStub}'s client, refused ones included. */
    private final AtomicInteger attempts = new AtomicInteger();
    /** Which attempts (by number, from 1) {@link #endedOverTheStub}'s client sends to a closed port. */
    private volatile IntPredicate refused = attempt -> false;

    private EndedExecutions ended() {
        return new EndedExecutions(arn -> {
            assertThat(arn).isEqualTo(ARN);
            return history;
        }, lifecycle());
    }

    private TaskFunction lifecycle() {
        DeployFunctions functions = new DeployFunctions(bus -> batch -> {
            published.addAll(batch);
            return EventPublisher.PublishResult.allDelivered(batch.size());
        }, null, null, null, Clock.systemUTC(), 1);
        return functions.lifecycle();
    }

    /**
     * As the lifecycle function wires it ({@code DeployLifecycleHandler}): the history read through
     * a Step Functions client, here one at the stub, configured as the functions' (3 attempts a
     * call, the same HTTP client and timeouts) with immediate backoff, its attempts counted in
     * {@link #attempts} and those {@link #refused} picks refused.
     */
    private EndedExecutions endedOverTheStub() {
        SfnClient client = AwsClients.configure(SfnClient.builder(), Region.US_EAST_1, URI.create(SFN_STUB.baseUrl()),
                        AwsTestCredentials.provider())
                .httpClientBuilder(RefusedConnections.refusing(UrlConnectionHttpClient.builder()
                        .connectionTimeout(AwsClients.CONNECT_TIMEOUT).socketTimeout(AwsClients.SOCKET_TIMEOUT),
                        (operation, attempt) -> refused.test(attempt)))
                .overrideConfiguration(c -> c.retryStrategy(TestRetries.standardWithoutBackoff())
                        .addExecutionInterceptor(TestRetries.countingAttempts(operation -> attempts.incrementAndGet())))
                .build();
        return new EndedExecutions(arn -> SfnExecutions.create(client).history(arn, 0), lifecycle());
    }

    /** GetExecutionHistory's answer: the events of {@link #history} as the service sends them. */
    private String historyJson() {
        ArrayNode events = Json.mapper().createArrayNode();
        for (HistoryEvent event : history) {
            ObjectNode json = events.addObject().put("id", event.id()).put("type", event.typeAsString())
                    .put("timestamp", 1764237600.0);
            if (event.stateEnteredEventDetails() != null) {
                json.putObject("stateEnteredEventDetails").put("name", event.stateEnteredEventDetails().name())
                        .put("input", event.stateEnteredEventDetails().input());
            }
            if (event.stateExitedEventDetails() != null) {
                json.putObject("stateExitedEventDetails").put("name", event.stateExitedEventDetails().name())
                        .put("output", event.stateExitedEventDetails().output());
            }
        }
        ObjectNode body = Json.mapper().createObjectNode();
        body.set("events", events);
        return Json.write(body);
    }

    private static MappingBuilder getExecutionHistory() {
        return post(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo("AWSStepFunctions.GetExecutionHistory"));
    }

    private static ResponseDefinitionBuilder sfnAnswer(int status, String body) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/x-amz-json-1.0").withBody(body);
    }

    private static final String THROTTLED = "{\"__type\": \"ThrottlingException\", \"message\": \"Rate exceeded\"}";

    /**
     * GetExecutionHistory's first {@code failing} attempts fail with {@code fault} (answered 500
     * InternalFailure or 503 ServiceUnavailable, or refused), the rest are answered with
     * {@link #history}.
     */
    private void historyFails(String fault, int failing) {
        if ("refused".equals(fault)) {
            refused = attempt -> attempt <= failing;
            SFN_STUB.stubFor(getExecutionHistory().willReturn(sfnAnswer(200, historyJson())));
            return;
        }
        ResponseDefinitionBuilder error = "503".equals(fault)
                ? sfnAnswer(503, "{\"__type\": \"ServiceUnavailable\", \"message\": \"Service Unavailable\"}")
                : sfnAnswer(500, "{\"__type\": \"InternalFailure\", \"message\": \"An internal error occurred\"}");
        if (failing == Integer.MAX_VALUE) {
            SFN_STUB.stubFor(getExecutionHistory().willReturn(error));
            return;
        }
        for (int i = 0; i < failing; i++) {
            SFN_STUB.stubFor(getExecutionHistory().inScenario("history")
                    .whenScenarioStateIs(i == 0 ? Scenario.STARTED : "failed " + i)
                    .willReturn(error).willSetStateTo("failed " + (i + 1)));
        }
        SFN_STUB.stubFor(getExecutionHistory().inScenario("history").whenScenarioStateIs("failed " + failing)
                .willReturn(sfnAnswer(200, historyJson())));
    }

    private static int historyRequests() {
        return SFN_STUB.findAll(postRequestedFor(urlEqualTo("/"))
                .withHeader("X-Amz-Target", equalTo("AWSStepFunctions.GetExecutionHistory"))).size();
    }

    /** Stopped in BundleUpload, with no terminal event out: what is owed is BundleUpload-Failed and Deploy-Failed. */
    private void stoppedInBundleUpload() {
        entered(HistoryEventType.TASK_STATE_ENTERED, "BundleUploadStarted", data("BundleUpload"));
        exited(HistoryEventType.TASK_STATE_EXITED, "BundleUploadStarted", data("BundleUpload"));
        entered(HistoryEventType.TASK_STATE_ENTERED, "BundleUpload", data("BundleUpload"));
    }

    private static String data(String phase) {
        return "{\"deployment\": " + DEPLOYMENT + ", \"phases\": {\"deploy\": {\"startedAt\": \"2026-11-27T10:00:00Z\"}},"
                + " \"current\": {\"phase\": \"" + phase + "\", \"enteredTime\": \"2026-11-27T10:00:01Z\"}}";
    }

    private void entered(HistoryEventType type, String state, String input) {
        history.add(HistoryEvent.builder().id((long) history.size() + 1).type(type)
                .stateEnteredEventDetails(d -> d.name(state).input(input)).build());
    }

    private void exited(HistoryEventType type, String state, String output) {
        history.add(HistoryEvent.builder().id((long) history.size() + 1).type(type)
                .stateExitedEventDetails(d -> d.name(state).output(output)).build());
    }

    private static JsonNode statusChange(String status) {
        return Json.read("{\"version\": \"0\", \"source\": \"aws.states\", \"detail-type\": \"" + EndedExecutions.STATUS_CHANGE
                + "\", \"detail\": {\"executionArn\": \"" + ARN + "\", \"status\": \"" + status + "\"}}");
    }

    @Test
    void invoke_whenStoppedInAPhase_publishesThatPhasesFailedAndDeployFailed() {
        entered(HistoryEventType.TASK_STATE_ENTERED, "BundleUploadStarted", data("BundleUpload"));
        exited(HistoryEventType.TASK_STATE_EXITED, "BundleUploadStarted", data("BundleUpload"));
        entered(HistoryEventType.TASK_STATE_ENTERED, "BundleUpload", data("BundleUpload"));

        JsonNode result = ended().invoke(statusChange("ABORTED"));

        assertThat(EndedExecutions.isStatusChange(statusChange("ABORTED"))).isTrue();
        assertThat(result.path("settled").asText()).isEqualTo("terminal event published");
        assertThat(published).extracting(DeploymentEvent::detailType)
                .containsExactly("SMUS-CICD-Deploy-BundleUpload-Failed", "SMUS-CICD-Deploy-Failed");
        assertThat(published.get(1).detail().error().code()).isEqualTo("EXECUTION_ABORTED");
        assertThat(published.get(1).detail().sequence()).isEqualTo(6);
    }

    @Test
    void invoke_whenRecordFailureRan_publishesNothing() {
        entered(HistoryEventType.TASK_STATE_ENTERED, "RecordFailure", data("BundleUpload"));
        exited(HistoryEventType.TASK_STATE_EXITED, "RecordFailure", data("BundleUpload"));
        entered(HistoryEventType.FAIL_STATE_ENTERED, "DeploymentFailed", data("BundleUpload"));

        JsonNode result = ended().invoke(statusChange("FAILED"));

        assertThat(result.path("settled").asText()).isEqualTo("a terminal event went out");
        assertThat(published).isEmpty();
    }

    private void attempt(HistoryEventType type) {
        history.add(HistoryEvent.builder().id((long) history.size() + 1).type(type).build());
    }

    @Test
    void invoke_whenStoppedWhileRecordFailuresFunctionRuns_leavesTheTerminalEventToIt() {
        entered(HistoryEventType.TASK_STATE_ENTERED, "RecordFailure", data("BundleUpload"));
        attempt(HistoryEventType.LAMBDA_FUNCTION_SCHEDULED);
        attempt(HistoryEventType.LAMBDA_FUNCTION_STARTED);

        JsonNode result = ended().invoke(statusChange("ABORTED"));

        assertThat(result.path("settled").asText()).isEqualTo("a terminal event went out");
        assertThat(published).isEmpty();
    }

    @Test
    void invoke_whenThePhaseFunctionReturnedBeforeTheStop_publishesOnlyDeployFailed() {
        entered(HistoryEventType.TASK_STATE_ENTERED, "BundleUpload", data("BundleUpload"));
        attempt(HistoryEventType.LAMBDA_FUNCTION_SCHEDULED);
        attempt(HistoryEventType.LAMBDA_FUNCTION_STARTED);
        attempt(HistoryEventType.LAMBDA_FUNCTION_SUCCEEDED);

        ended().invoke(statusChange("ABORTED"));

        assertThat(published).extracting(DeploymentEvent::detailType).containsExactly("SMUS-CICD-Deploy-Failed");
        assertThat(published.get(0).detail().sequence()).isEqualTo(6);
    }

    @Test
    void invoke_whenStoppedJustAfterThePhaseFailedItself_publishesOnlyDeployFailedWithThePhasesCode() {
        entered(HistoryEventType.TASK_STATE_ENTERED, "BundleUpload", data("BundleUpload"));
        attempt(HistoryEventType.LAMBDA_FUNCTION_STARTED);
        history.add(HistoryEvent.builder().id((long) history.size() + 1).type(HistoryEventType.LAMBDA_FUNCTION_FAILED)
                .lambdaFunctionFailedEventDetails(d -> d.error("com.smuscicd.errors.PhaseFailedException")
                        .cause("{\"errorMessage\": \"BUNDLE_INVALID: not a zip\"}")).build());

        ended().invoke(statusChange("ABORTED"));

        assertThat(published).extracting(DeploymentEvent::detailType).containsExactly("SMUS-CICD-Deploy-Failed");
        assertThat(published.get(0).detail().error().code()).isEqualTo("BUNDLE_INVALID");
    }

    @Test
    void invoke_whenReadingTheHistoryIsThrottledTwice_settlesInTheSameCall() {
        stoppedInBundleUpload();
        SFN_STUB.stubFor(getExecutionHistory().inScenario("history").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(sfnAnswer(400, THROTTLED)).willSetStateTo("throttled once"));
        SFN_STUB.stubFor(getExecutionHistory().inScenario("history").whenScenarioStateIs("throttled once")
                .willReturn(sfnAnswer(400, THROTTLED)).willSetStateTo("throttled twice"));
        SFN_STUB.stubFor(getExecutionHistory().inScenario("history").whenScenarioStateIs("throttled twice")
                .willReturn(sfnAnswer(200, historyJson())));

        JsonNode result = endedOverTheStub().invoke(statusChange("ABORTED"));

        assertThat(result.path("settled").asText()).isEqualTo("terminal event published");
        assertThat(published).extracting(DeploymentEvent::detailType)
                .containsExactly("SMUS-CICD-Deploy-BundleUpload-Failed", "SMUS-CICD-Deploy-Failed");
        assertThat(historyRequests()).isEqualTo(3);
    }

    @Test
    void invoke_whenReadingTheHistoryStaysThrottled_throwsSoLambdaRetriesAndPublishesNothingUntilItCanRead() {
        stoppedInBundleUpload();
        SFN_STUB.stubFor(getExecutionHistory().willReturn(sfnAnswer(400, THROTTLED)));
        EndedExecutions ended = endedOverTheStub();

        // Thrown, not a result: the Lambda service retries the event, then sends it to the dead-letter queue.
        assertThatThrownBy(() -> ended.invoke(statusChange("ABORTED")))
                .isInstanceOfSatisfying(RetryablePhaseException.class, e -> assertThat(e.code()).isEqualTo("THROTTLED"));
        assertThat(published).isEmpty();
        assertThat(historyRequests()).isEqualTo(3);

        // A retry once the throttling is over settles the execution.
        SFN_STUB.stubFor(getExecutionHistory().willReturn(sfnAnswer(200, historyJson())));

        JsonNode result = ended.invoke(statusChange("ABORTED"));

        assertThat(result.path("settled").asText()).isEqualTo("terminal event published");
        assertThat(published).extracting(DeploymentEvent::detailType)
                .containsExactly("SMUS-CICD-Deploy-BundleUpload-Failed", "SMUS-CICD-Deploy-Failed");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"500", "503", "refused"})
    void invoke_whenReadingTheHistoryFailsTwice_settlesInTheSameCall(String fault) {
        stoppedInBundleUpload();
        historyFails(fault, 2);

        JsonNode result = endedOverTheStub().invoke(statusChange("ABORTED"));

        assertThat(result.path("settled").asText()).isEqualTo("terminal event published");
        assertThat(published).extracting(DeploymentEvent::detailType)
                .containsExactly("SMUS-CICD-Deploy-BundleUpload-Failed", "SMUS-CICD-Deploy-Failed");
        assertThat(attempts).hasValue(3);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"500, SERVICE_UNAVAILABLE", "503, SERVICE_UNAVAILABLE", "refused, NETWORK_ERROR"})
    void invoke_whenReadingTheHistoryKeepsFailing_throwsSoLambdaRetriesAndPublishesNothingUntilItCanRead(
            String fault, String code) {
        stoppedInBundleUpload();
        historyFails(fault, Integer.MAX_VALUE);
        EndedExecutions ended = endedOverTheStub();

        // Thrown, not a result: the Lambda service retries the event, then sends it to the dead-letter queue.
        assertThatThrownBy(() -> ended.invoke(statusChange("ABORTED")))
                .isInstanceOfSatisfying(RetryablePhaseException.class, e -> assertThat(e.code()).isEqualTo(code))
                .hasMessageContaining("states:GetExecutionHistory " + ARN);
        assertThat(published).isEmpty();
        assertThat(attempts).hasValue(3);

        // A retry once Step Functions answers settles the execution.
        refused = attempt -> false;
        SFN_STUB.stubFor(getExecutionHistory().willReturn(sfnAnswer(200, historyJson())));

        JsonNode result = ended.invoke(statusChange("ABORTED"));

        assertThat(result.path("settled").asText()).isEqualTo("terminal event published");
        assertThat(published).extracting(DeploymentEvent::detailType)
                .containsExactly("SMUS-CICD-Deploy-BundleUpload-Failed", "SMUS-CICD-Deploy-Failed");
        assertThat(attempts).hasValue(4);
    }

    @Test
    void invoke_whenTheEventIsATaskInput_isNotAStatusChange() {
        assertThat(EndedExecutions.isStatusChange(Json.read("{\"action\": \"fail\", \"state\": {}}"))).isFalse();
        assertThat(ended().invoke(statusChange("SUCCEEDED")).path("settled").asText()).isEqualTo("nothing to do");
        assertThat(published).isEmpty();
    }
}
