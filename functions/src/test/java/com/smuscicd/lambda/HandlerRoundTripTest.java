package com.smuscicd.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.databind.JsonNode;
import com.smuscicd.deploy.DeployFunctions;
import com.smuscicd.errors.PhaseFailedException;
import com.smuscicd.events.EventDetail;
import com.smuscicd.json.Json;
import com.smuscicd.trigger.RecordingPublishers;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/**
 * The handlers read and write JSON with the project's own Jackson configuration instead of the
 * Lambda runtime's serializer: a real task input, as Step Functions sends it, goes through each
 * handler's stream interface and every field arrives where the domain expects it.
 */
class HandlerRoundTripTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2025-11-04T12:30:02.500Z"), ZoneOffset.UTC);

    private final RecordingPublishers publishers = new RecordingPublishers();

    private DeployFunctions functions(boolean accessDenied) {
        return new DeployFunctions(publishers, new InMemoryDataZone(accessDenied), null, null, CLOCK, 1024);
    }

    @Test
    void deployLifecycleHandler_roundTripsATaskInputIntoDeployStarted() throws IOException {
        DeployLifecycleHandler handler = new DeployLifecycleHandler(functions(false).lifecycle());

        JsonNode output = invoke(handler::handleRequest, "deploy-started-task-input.json");

        assertThat(output.path("deploy").path("startedAt").asText()).isEqualTo("2025-11-04T12:30:02.500Z");
        assertThat(publishers.published()).singleElement().satisfies(published -> {
            assertThat(published.bus()).isEqualTo("smus-deployments");
            assertThat(published.event().detailType()).isEqualTo("SMUS-CICD-Deploy-Started");
            assertThat(published.event().resources()).containsExactly("arn:aws:states:us-east-1:123456789012:execution:"
                    + "smus-cicd-deploy:MyPipeline-prod-5d41402abc4b2a76b9719d91");
            EventDetail detail = published.event().detail();
            assertThat(detail.deploymentId()).isEqualTo("7f9c2b1e-4d3a-4c8e-9b6f-0a1d2e3f4a5b");
            assertThat(detail.pipelineName()).isEqualTo("MyPipeline");
            assertThat(detail.target().stage()).isEqualTo("PROD");
            assertThat(detail.target().domain().name()).isEqualTo("analytics-prod");
            assertThat(detail.target().project().name()).isEqualTo("sales-analytics");
            assertThat(detail.metadata().runId()).isEqualTo("12345");
            assertThat(detail.metadata().commitTimestamp()).isEqualTo("2025-11-04T12:00:00Z");
            assertThat(detail.sequence()).isEqualTo(1);
        });
    }

    @Test
    void projectInitializationHandler_returnsThePhaseOutputTheNextStatesRead() throws IOException {
        ProjectInitializationHandler handler = new ProjectInitializationHandler(functions(false).projectInitialization());

        JsonNode output = invoke(handler::handleRequest, "project-initialization-task-input.json");

        assertThat(output.path("domainId").asText()).isEqualTo("dzd_prod");
        assertThat(output.path("projectId").asText()).isEqualTo("prj_1");
        assertThat(output.path("projectCreated").asBoolean(true)).isFalse();
        assertThat(output.path("s3Location").asText())
                .isEqualTo("s3://amazon-sagemaker-123456789012-us-east-1-abc123/dzd_prod/prj_1/dev");
        assertThat(output.path("durationMs").asLong()).isEqualTo(1500);
        // Started comes from the ProjectInitializationStarted state (the lifecycle function), not the phase.
        assertThat(publishers.published()).extracting(p -> p.event().detailType())
                .containsExactly("SMUS-CICD-Deploy-ProjectInitialization-Completed");
        // includeMetadata is false in this input: no metadata in the events.
        assertThat(publishers.published()).allSatisfy(p -> assertThat(p.event().detail().metadata()).isNull());
    }

    @Test
    void projectInitializationHandler_whenThePhaseFails_letsTheNamedExceptionReachTheRuntime() {
        ProjectInitializationHandler handler = new ProjectInitializationHandler(functions(true).projectInitialization());

        // The Lambda runtime reports the exception's class name as the Step Functions error name.
        assertThatThrownBy(() -> invoke(handler::handleRequest, "project-initialization-task-input.json"))
                .isExactlyInstanceOf(PhaseFailedException.class)
                .hasMessageStartingWith("ACCESS_DENIED: ");
        assertThat(publishers.published()).extracting(p -> p.event().detailType())
                .containsExactly("SMUS-CICD-Deploy-ProjectInitialization-Failed");
    }

    @Test
    void phaseHandlers_constructForTheRuntimeWithoutCallingAws() {
        // Clients are built on first use: a cold start that never calls AWS builds none, needs no region.
        assertThat(new DeployLifecycleHandler()).isNotNull();
        assertThat(new ProjectInitializationHandler()).isNotNull();
        assertThat(new BundleUploadHandler()).isNotNull();
        assertThat(new WorkflowCreationHandler()).isNotNull();
        assertThat(new CatalogAssetsHandler()).isNotNull();
    }

    /** The stream-handler signature, without the Lambda context the handlers do not use. */
    @FunctionalInterface
    interface StreamHandler {
        void handle(InputStream input, OutputStream output, Context context)
                throws IOException;
    }

    static JsonNode invoke(StreamHandler handler, String fixture) throws IOException {
        byte[] input;
        try (InputStream in = HandlerRoundTripTest.class.getResourceAsStream(fixture)) {
            input = in.readAllBytes();
        }
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        handler.handle(new ByteArrayInputStream(input), output, null);
        return Json.mapper().readTree(output.toByteArray());
    }
}
