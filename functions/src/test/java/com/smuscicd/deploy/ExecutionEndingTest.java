package com.smuscicd.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.smuscicd.deploy.ExecutionEnding.Step;
import com.smuscicd.json.Json;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What an execution that ended without its terminal event still owes, from the states it went through. */
class ExecutionEndingTest {

    private static final String ARN = "arn:aws:states:us-east-1:123456789012:execution:smus-cicd-deploy:d1";

    /** The execution's data in a phase: the deployment, earlier outputs, the phase being run. */
    private static JsonNode inPhase(String phase, String... done) {
        ObjectNode data = (ObjectNode) Json.read("{\"deployment\": {\"deploymentId\": \"d1\"}, \"phases\": {}}");
        for (String output : done) {
            ((ObjectNode) data.get("phases")).putObject(output).put("durationMs", 5);
        }
        data.putObject("current").put("phase", phase).put("enteredTime", "2026-11-27T10:00:00Z");
        return data;
    }

    private static Optional<ObjectNode> owed(String status, Step... steps) {
        return ExecutionEnding.owed(List.of(steps), status, null, null, ARN);
    }

    @Test
    void owed_whenTimedOutInAPhaseTask_failsThatPhaseWithTheStateItWasIn() {
        JsonNode data = inPhase("BundleUpload", "projectInitialization");

        ObjectNode input = owed("TIMED_OUT", Step.entered("DeployStarted", "Task", Json.read("{\"deployment\": {}}")),
                Step.entered("BundleUploadStarted", "Task", data), Step.exited("BundleUploadStarted", "Task", data),
                Step.entered("BundleUpload", "Task", data)).orElseThrow();

        assertThat(input.path("action").asText()).isEqualTo("fail");
        assertThat(input.path("executionArn").asText()).isEqualTo(ARN);
        assertThat(input.path("state").path("current").path("phase").asText()).isEqualTo("BundleUpload");
        assertThat(input.path("state").path("failure").path("Error").asText()).isEqualTo("ExecutionTimedOut");
        assertThat(input.path("state").path("failure").path("Cause").asText())
                .isEqualTo("the execution timed out in BundleUpload");
        TaskInput task = TaskInput.from(input);
        assertThat(task.phaseOutput(com.smuscicd.events.Stage.PROJECT_INITIALIZATION).isObject()).isTrue();
    }

    @Test
    void owed_whenStoppedAfterAPhaseTaskLeft_usesItsOutputSoThePhaseIsNotFailedAgain() {
        JsonNode before = inPhase("WorkflowCreation");
        JsonNode after = inPhase("WorkflowCreation", "workflowCreation");

        ObjectNode input = owed("ABORTED", Step.entered("WorkflowCreation", "Task", before),
                Step.exited("WorkflowCreation", "Task", after), Step.entered("EnterCatalogAssets", "Pass", after))
                .orElseThrow();

        assertThat(input.path("state").path("phases").has("workflowCreation")).isTrue();
        assertThat(input.path("state").path("failure").path("Error").asText()).isEqualTo("ExecutionAborted");
        assertThat(input.path("state").path("failure").path("Cause").asText())
                .isEqualTo("the execution was stopped after WorkflowCreation");
    }

    @Test
    void owed_whenRecordFailureItselfFailed_recordsTheErrorItWasRecording() {
        ObjectNode data = (ObjectNode) inPhase("CatalogAssets");
        data.putObject("failure").put("Error", "com.smuscicd.errors.PhaseFailedException").put("Cause", "LISTING_NOT_FOUND: x");
        ObjectNode caught = data.deepCopy();
        caught.putObject("recordFailureError").put("Error", "Lambda.TooManyRequestsException");

        ObjectNode input = ExecutionEnding.owed(List.of(Step.entered("RecordFailure", "Task", data),
                        Step.exited("RecordFailure", "Task", caught), Step.entered("DeploymentFailed", "Fail", caught)),
                "FAILED", "DeploymentFailed", "A deployment phase failed", ARN).orElseThrow();

        assertThat(input.path("state").path("failure").path("Error").asText())
                .isEqualTo("com.smuscicd.errors.PhaseFailedException");
        assertThat(input.path("state").has("recordFailureError")).isFalse();
    }

    @Test
    void owed_whenFailedByAnErrorNoCatchHandles_namesThatError() {
        ObjectNode input = ExecutionEnding.owed(List.of(Step.entered("CatalogAssets", "Task", inPhase("CatalogAssets"))),
                "FAILED", "States.DataLimitExceeded", "state 'CatalogAssets': output too large", ARN).orElseThrow();

        assertThat(input.path("state").path("failure").path("Error").asText()).isEqualTo("States.DataLimitExceeded");
        assertThat(input.path("state").path("failure").path("Cause").asText()).isEqualTo(
                "the execution failed in CatalogAssets without reaching RecordFailure: state 'CatalogAssets': output too large");
    }

    @Test
    void owed_whenATerminalEventWentOut_isNothing() {
        JsonNode data = inPhase("CatalogAssets", "catalogAssets");

        assertThat(owed("FAILED", Step.entered("RecordFailure", "Task", data), Step.exited("RecordFailure", "Task", data),
                Step.entered("DeploymentFailed", "Fail", data))).isEmpty();
        assertThat(owed("ABORTED", Step.entered("DeployCompleted", "Task", data),
                Step.exited("DeployCompleted", "Task", Json.read("{\"status\": \"SUCCEEDED\"}")))).isEmpty();
        assertThat(owed("SUCCEEDED", Step.entered("DeployStarted", "Task", data))).isEmpty();
    }

    @Test
    void owed_whenDeployCompletedFailedAndWasCaught_doesNotTakeItsExitForTheCompletedEvent() {
        ObjectNode caught = (ObjectNode) inPhase("CatalogAssets", "catalogAssets");
        caught.putObject("failure").put("Error", "States.Timeout");

        assertThat(owed("FAILED", Step.entered("DeployCompleted", "Task", inPhase("CatalogAssets", "catalogAssets")),
                Step.exited("DeployCompleted", "Task", caught), Step.entered("RecordFailure", "Task", caught)))
                .hasValueSatisfying(input -> assertThat(input.path("state").path("failure").path("Error").asText())
                        .isEqualTo("States.Timeout"));
    }

    @Test
    void owed_whenStoppedAfterAPhaseFailureWasCaught_keepsThatFailureSoThePhaseIsNotFailedTwice() {
        ObjectNode caught = (ObjectNode) inPhase("BundleUpload");
        caught.putObject("failure").put("Error", "com.smuscicd.errors.PhaseFailedException").put("Cause", "X: y");

        ObjectNode input = owed("ABORTED", Step.entered("BundleUpload", "Task", inPhase("BundleUpload")),
                Step.exited("BundleUpload", "Task", caught)).orElseThrow();

        assertThat(input.path("state").path("failure").path("Error").asText())
                .isEqualTo("com.smuscicd.errors.PhaseFailedException");
    }

    @Test
    void owed_whenStoppedWhileTheTerminalTasksFunctionRunsOrAfterItReturned_isNothing() {
        JsonNode data = inPhase("CatalogAssets", "catalogAssets");
        for (String terminal : List.of("RecordFailure", "DeployCompleted")) {
            for (ExecutionEnding.Kind kind : List.of(ExecutionEnding.Kind.ATTEMPT_STARTED,
                    ExecutionEnding.Kind.ATTEMPT_SUCCEEDED)) {
                assertThat(owed("ABORTED", Step.entered(terminal, "Task", data), Step.attempt(terminal, kind)))
                        .as(terminal + " " + kind).isEmpty();
            }
            // its function failed and the execution was stopped before a retry: the event is owed
            assertThat(owed("ABORTED", Step.entered(terminal, "Task", data),
                    Step.attempt(terminal, ExecutionEnding.Kind.ATTEMPT_FAILED))).as(terminal).isPresent();
        }
    }

    @Test
    void owed_whenThePhaseFunctionReturnedButItsStateDidNotLeave_owesOnlyTheDeploymentsEnd() {
        ObjectNode input = owed("FAILED", Step.entered("BundleUpload", "Task", inPhase("BundleUpload")),
                Step.attempt("BundleUpload", ExecutionEnding.Kind.ATTEMPT_STARTED),
                Step.attempt("BundleUpload", ExecutionEnding.Kind.ATTEMPT_SUCCEEDED)).orElseThrow();

        // with the phase's output in place, the lifecycle counts the phase as having reported itself
        assertThat(TaskInput.from(input).phaseOutput(com.smuscicd.events.Stage.BUNDLE_UPLOAD).isObject()).isTrue();
    }

    @Test
    void owed_whenThePhaseFunctionIsStillRunning_endsThePhaseNow() {
        ObjectNode input = owed("ABORTED", Step.entered("BundleUpload", "Task", inPhase("BundleUpload")),
                Step.attempt("BundleUpload", ExecutionEnding.Kind.ATTEMPT_STARTED)).orElseThrow();

        assertThat(TaskInput.from(input).phaseOutput(com.smuscicd.events.Stage.BUNDLE_UPLOAD).isMissingNode()).isTrue();
        assertThat(input.path("state").path("failure").path("Error").asText()).isEqualTo("ExecutionAborted");
    }

    @Test
    void owed_whenStoppedJustAfterThePhaseFunctionFailedThePhase_keepsItsErrorSoThePhaseIsNotFailedTwice() {
        ObjectNode input = owed("ABORTED", Step.entered("BundleUpload", "Task", inPhase("BundleUpload")),
                Step.attempt("BundleUpload", ExecutionEnding.Kind.ATTEMPT_STARTED),
                Step.failedAttempt("BundleUpload", "com.smuscicd.errors.PhaseFailedException",
                        "{\"errorMessage\": \"BUNDLE_INVALID: x\"}")).orElseThrow();

        assertThat(input.path("state").path("failure").path("Error").asText())
                .isEqualTo("com.smuscicd.errors.PhaseFailedException");
        // a retryable failure is no report of the phase: the ending is what ended it
        ObjectNode retryable = owed("ABORTED", Step.entered("BundleUpload", "Task", inPhase("BundleUpload")),
                Step.failedAttempt("BundleUpload", "com.smuscicd.errors.RetryablePhaseException", "x")).orElseThrow();
        assertThat(retryable.path("state").path("failure").path("Error").asText()).isEqualTo("ExecutionAborted");
    }

    @Test
    void owed_whenNoTaskWithADeploymentRan_isNothing() {
        assertThat(owed("ABORTED")).isEmpty();
        assertThat(owed("ABORTED", Step.entered("DeployStarted", "Task", Json.read("{\"other\": 1}")))).isEmpty();
    }
}
