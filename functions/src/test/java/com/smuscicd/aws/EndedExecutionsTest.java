package com.smuscicd.aws;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.smuscicd.deploy.DeployFunctions;
import com.smuscicd.events.DeploymentEvent;
import com.smuscicd.events.EventPublisher;
import com.smuscicd.json.Json;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;
import software.amazon.awssdk.services.sfn.model.HistoryEventType;

/**
 * The lifecycle function's answer to Step Functions' status change events, over execution
 * histories as the SDK returns them and the real lifecycle task.
 */
class EndedExecutionsTest {

    private static final String ARN = "arn:aws:states:us-east-1:123456789012:execution:smus-cicd-deploy:d1";
    private static final String DEPLOYMENT = "{\"deploymentId\": \"0f8c7c1e-0000-4000-8000-000000000001\","
            + " \"pipelineName\": \"MyPipeline\", \"target\": {\"name\": \"dev\", \"stage\": \"DEV\","
            + " \"domain\": {\"name\": \"analytics-dev\", \"region\": \"us-east-1\"}, \"project\": {\"name\": \"p1\"}},"
            + " \"monitoring\": {\"enabled\": true, \"eventBusName\": \"default\", \"includeMetadata\": true},"
            + " \"bundle\": {\"location\": \"s3://b/k.zip\", \"digest\": \"sha256:00\", \"bytes\": 1},"
            + " \"workflows\": [], \"assets\": [], \"requestedAt\": \"2026-11-27T10:00:00Z\"}";

    private final List<DeploymentEvent> published = new CopyOnWriteArrayList<>();
    private final List<HistoryEvent> history = new ArrayList<>();

    private EndedExecutions ended() {
        DeployFunctions functions = new DeployFunctions(bus -> batch -> {
            published.addAll(batch);
            return EventPublisher.PublishResult.allDelivered(batch.size());
        }, null, null, null, Clock.systemUTC(), 1);
        return new EndedExecutions(arn -> {
            assertThat(arn).isEqualTo(ARN);
            return history;
        }, functions.lifecycle());
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
    void invoke_whenTheEventIsATaskInput_isNotAStatusChange() {
        assertThat(EndedExecutions.isStatusChange(Json.read("{\"action\": \"fail\", \"state\": {}}"))).isFalse();
        assertThat(ended().invoke(statusChange("SUCCEEDED")).path("settled").asText()).isEqualTo("nothing to do");
        assertThat(published).isEmpty();
    }
}
