package com.smuscicd.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.smuscicd.deploy.BundleArchive;
import com.smuscicd.json.Json;
import com.smuscicd.testsupport.MotoServerExtension;
import com.smuscicd.trigger.BundleTrigger;
import com.smuscicd.trigger.RecordingPublishers;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sfn.SfnClient;

/** The environment-driven wiring of the Lambda functions. */
class AwsPortsTest {

    @RegisterExtension
    static final MotoServerExtension MOTO = MotoServerExtension.create().resetBeforeEach();

    @Test
    void bundleTrigger_wiredFromTheEnvironment_startsTheStateMachineOfStateMachineArn() {
        AwsClients clients = AwsClientsForTests.moto(MOTO);
        S3Client s3 = clients.s3();
        SfnClient sfn = clients.sfn();
        String stateMachineArn = DeployStateMachineFixture.create(sfn, "smus-cicd-deploy");
        s3.createBucket(b -> b.bucket("smus-bundles"));
        TreeMap<String, byte[]> entries = new TreeMap<>();
        entries.put("pipeline.yaml", AwsFixtures.read("/com/smuscicd/trigger/pipeline.yaml").getBytes(StandardCharsets.UTF_8));
        entries.put("workflows/daily_sales_etl.py", "# dag".getBytes(StandardCharsets.UTF_8));
        String etag = s3.putObject(b -> b.bucket("smus-bundles").key("MyPipeline/prod/bundle.zip"),
                RequestBody.fromBytes(BundleArchive.write(entries))).eTag();
        ObjectNode event = (ObjectNode) Json.read(AwsFixtures.read("/com/smuscicd/trigger/object-created.json"));
        ((ObjectNode) event.path("detail").path("object")).put("etag", etag);

        BundleTrigger trigger = AwsPorts.bundleTrigger(Map.of("STATE_MACHINE_ARN", stateMachineArn,
                "EVENT_BUS_NAME", "smus-deployments"), clients, new RecordingPublishers());
        BundleTrigger.Outcome outcome = trigger.handle(event);

        assertThat(outcome.status()).isEqualTo("STARTED");
        assertThat(sfn.listExecutions(b -> b.stateMachineArn(stateMachineArn)).executions())
                .singleElement().satisfies(e -> assertThat(e.executionArn()).isEqualTo(outcome.executionArn()));
    }

    @Test
    void bundleTrigger_withoutStateMachineArn_failsAtColdStartNamingTheVariable() {
        assertThatThrownBy(() -> AwsPorts.bundleTrigger(Map.of(), AwsClientsForTests.moto(MOTO), new RecordingPublishers()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("STATE_MACHINE_ARN");
    }

    @Test
    void maxBundleBytes_readsTheEnvironmentOrDefaults() {
        assertThat(AwsPorts.maxBundleBytes(Map.of())).isEqualTo(BundleArchive.DEFAULT_MAX_BYTES);
        assertThat(AwsPorts.maxBundleBytes(Map.of("MAX_BUNDLE_BYTES", "1048576"))).isEqualTo(1048576);
        assertThatThrownBy(() -> AwsPorts.maxBundleBytes(Map.of("MAX_BUNDLE_BYTES", "lots")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("MAX_BUNDLE_BYTES");
    }
}
