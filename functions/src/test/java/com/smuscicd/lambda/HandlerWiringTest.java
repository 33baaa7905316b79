package com.smuscicd.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.smuscicd.aws.AwsClients;
import com.smuscicd.aws.AwsClientsForTests;
import com.smuscicd.aws.DeployStateMachineFixture;
import com.smuscicd.aws.S3BundleStore;
import com.smuscicd.aws.SfnExecutions;
import com.smuscicd.deploy.BundleArchive;
import com.smuscicd.json.Json;
import com.smuscicd.testsupport.MotoServerExtension;
import com.smuscicd.trigger.BundleTrigger;
import com.smuscicd.trigger.RecordingPublishers;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sfn.SfnClient;

/** Each handler's own wiring from the environment (what its no-arg constructor builds at a cold start). */
class HandlerWiringTest {

    @RegisterExtension
    static final MotoServerExtension MOTO = MotoServerExtension.create().resetBeforeEach();

    @Test
    void bundleTrigger_wiredFromTheEnvironment_startsTheStateMachineOfStateMachineArn() {
        AwsClients clients = AwsClientsForTests.moto(MOTO);
        SfnClient sfn = clients.client(SfnExecutions.CLIENT);
        String stateMachineArn = DeployStateMachineFixture.create(sfn, "smus-cicd-deploy");
        ObjectNode event = uploadedBundle(clients);

        BundleTrigger trigger = BundleTriggerHandler.wire(Map.of("STATE_MACHINE_ARN", stateMachineArn,
                "EVENT_BUS_NAME", "smus-deployments"), clients, new RecordingPublishers());
        BundleTrigger.Outcome outcome = trigger.handle(event);

        assertThat(outcome.status()).isEqualTo("STARTED");
        assertThat(sfn.listExecutions(b -> b.stateMachineArn(stateMachineArn)).executions())
                .singleElement().satisfies(e -> assertThat(e.executionArn()).isEqualTo(outcome.executionArn()));
    }

    @Test
    void bundleTrigger_wiredWithTheBusesItMayPublishTo_refusesABundleNamingAnotherAndTellsTheDefaultBus() {
        AwsClients clients = AwsClientsForTests.moto(MOTO);
        SfnClient sfn = clients.client(SfnExecutions.CLIENT);
        String stateMachineArn = DeployStateMachineFixture.create(sfn, "smus-cicd-deploy");
        ObjectNode event = uploadedBundle(clients); // its manifest's bus: smus-deployments
        RecordingPublishers publishers = new RecordingPublishers();

        BundleTrigger trigger = BundleTriggerHandler.wire(Map.of("STATE_MACHINE_ARN", stateMachineArn,
                "EVENT_BUS_NAME", "default", "EVENT_BUS_NAMES", "default,audit"), clients, publishers);
        BundleTrigger.Outcome outcome = trigger.handle(event);

        assertThat(outcome.status()).isEqualTo("REJECTED");
        assertThat(outcome.errorCode()).isEqualTo("EVENT_BUS_NOT_ALLOWED");
        assertThat(sfn.listExecutions(b -> b.stateMachineArn(stateMachineArn)).executions()).isEmpty();
        assertThat(publishers.published()).singleElement()
                .satisfies(published -> assertThat(published.bus()).isEqualTo("default"));
    }

    /** The trigger's test bundle uploaded to moto (MyPipeline/prod/bundle.zip), and the S3 event of that upload. */
    private static ObjectNode uploadedBundle(AwsClients clients) {
        S3Client s3 = clients.client(S3BundleStore.CLIENT);
        s3.createBucket(b -> b.bucket("smus-bundles"));
        TreeMap<String, byte[]> entries = new TreeMap<>();
        entries.put("pipeline.yaml", resource("/com/smuscicd/trigger/pipeline.yaml").getBytes(StandardCharsets.UTF_8));
        entries.put("workflows/daily_sales_etl.py", "# dag".getBytes(StandardCharsets.UTF_8));
        String etag = s3.putObject(b -> b.bucket("smus-bundles").key("MyPipeline/prod/bundle.zip"),
                RequestBody.fromBytes(BundleArchive.write(entries))).eTag();
        ObjectNode event = (ObjectNode) Json.read(resource("/com/smuscicd/trigger/object-created.json"));
        ((ObjectNode) event.path("detail").path("object")).put("etag", etag);
        return event;
    }

    @Test
    void bundleTrigger_withoutStateMachineArn_failsAtColdStartNamingTheVariable() {
        assertThatThrownBy(() -> BundleTriggerHandler.wire(Map.of(), AwsClientsForTests.moto(MOTO),
                new RecordingPublishers()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("STATE_MACHINE_ARN");
    }

    @Test
    void lifecycle_wiredFromTheEnvironment_publishesDeployStartedToTheBusTheInputNames() throws IOException {
        RecordingPublishers publishers = new RecordingPublishers();
        DeployLifecycleHandler handler = new DeployLifecycleHandler(DeployLifecycleHandler.wire(
                Map.of("EVENT_BUS_NAME", "fallback-bus"), AwsClientsForTests.moto(MOTO), publishers));

        handler.handleRequest(new ByteArrayInputStream(resource("/com/smuscicd/lambda/deploy-started-task-input.json")
                .getBytes(StandardCharsets.UTF_8)), new ByteArrayOutputStream(), null);

        assertThat(publishers.published()).singleElement().satisfies(p -> {
            assertThat(p.bus()).isEqualTo("smus-deployments");
            assertThat(p.event().detailType()).isEqualTo("SMUS-CICD-Deploy-Started");
        });
    }

    private static String resource(String path) {
        try (InputStream in = HandlerWiringTest.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
