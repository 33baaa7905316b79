package com.smuscicd.aws;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.smuscicd.deploy.BundleArchive;
import com.smuscicd.deploy.DeployFunctions;
import com.smuscicd.json.Json;
import com.smuscicd.testsupport.MotoServerExtension;
import com.smuscicd.trigger.RecordingPublishers;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The BundleUpload task as the Lambda function wires it ({@link AwsPorts}) against S3 in moto:
 * the bundle is read from the bundle bucket and its storage files land in the project's location,
 * and a re-run (a retried execution) converges without uploading anything again.
 */
class S3BundleUploadPhaseTest {

    @RegisterExtension
    static final MotoServerExtension MOTO = MotoServerExtension.create().resetBeforeEach();

    private final RecordingPublishers publishers = new RecordingPublishers();
    private S3Client s3;
    private DeployFunctions functions;
    private byte[] zip;

    @BeforeEach
    void setUp() {
        AwsClients clients = AwsClientsForTests.moto(MOTO);
        s3 = clients.client(S3BundleStore.CLIENT);
        s3.createBucket(b -> b.bucket("smus-bundles"));
        s3.createBucket(b -> b.bucket("amazon-sagemaker-123456789012-us-east-1-abc123"));
        functions = AwsPorts.functions(Map.of("EVENT_BUS_NAME", "smus-deployments"), publishers, null,
                S3BundleStore.create(clients), null);
        TreeMap<String, byte[]> entries = new TreeMap<>();
        entries.put("pipeline.yaml", "pipelineName: MyPipeline\n".getBytes(StandardCharsets.UTF_8));
        entries.put("storage/code/etl/transform.py", "def transform(): pass\n".getBytes(StandardCharsets.UTF_8));
        entries.put("storage/code/sql/daily.sql", "select 1\n".getBytes(StandardCharsets.UTF_8));
        zip = BundleArchive.write(entries);
        s3.putObject(b -> b.bucket("smus-bundles").key("MyPipeline/prod/bundle.zip"), RequestBody.fromBytes(zip));
    }

    @Test
    void bundleUpload_uploadsStorageFilesThenFindsThemUnchangedOnReRun() {
        JsonNode first = functions.bundleUpload().invoke(taskInput());
        JsonNode second = functions.bundleUpload().invoke(taskInput());

        assertThat(first.path("files").asInt()).isEqualTo(2);
        assertThat(first.path("uploaded").asInt()).isEqualTo(2);
        assertThat(second.path("uploaded").asInt()).isZero();
        assertThat(second.path("unchanged").asInt()).isEqualTo(2);
        assertThat(s3.listObjectsV2(b -> b.bucket("amazon-sagemaker-123456789012-us-east-1-abc123")).contents())
                .extracting(o -> o.key())
                .containsExactlyInAnyOrder("dzd_prod/prj_1/dev/code/etl/transform.py", "dzd_prod/prj_1/dev/code/sql/daily.sql");
        // The deployment names its bus; EVENT_BUS_NAME is only the fallback.
        assertThat(publishers.published()).allSatisfy(p -> assertThat(p.bus()).isEqualTo("smus-deployments"));
    }

    private JsonNode taskInput() {
        ObjectNode input = (ObjectNode) Json.read(AwsFixtures.read("/com/smuscicd/lambda/project-initialization-task-input.json"));
        ObjectNode state = (ObjectNode) input.path("state");
        ((ObjectNode) state.path("deployment").path("bundle")).put("location", "s3://smus-bundles/MyPipeline/prod/bundle.zip")
                .put("digest", "sha256:" + BundleArchive.sha256Hex(zip)).put("bytes", zip.length);
        ((ObjectNode) state.path("deployment").path("monitoring")).remove("eventBusName");
        ((ObjectNode) state.path("phases")).putObject("projectInitialization")
                .put("domainId", "dzd_prod").put("projectId", "prj_1").put("projectCreated", false)
                .put("s3Location", "s3://amazon-sagemaker-123456789012-us-east-1-abc123/dzd_prod/prj_1/dev");
        state.putObject("current").put("phase", "BundleUpload").put("enteredTime", "2025-11-04T12:30:03Z");
        return input;
    }
}
