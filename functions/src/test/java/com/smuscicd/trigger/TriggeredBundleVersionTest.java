package com.smuscicd.trigger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.smuscicd.aws.AwsClientsForTests;
import com.smuscicd.aws.AwsPorts;
import com.smuscicd.aws.DeployStateMachineFixture;
import com.smuscicd.aws.S3BundleStore;
import com.smuscicd.aws.SfnExecutions;
import com.smuscicd.deploy.BundleArchive;
import com.smuscicd.deploy.DeployFunctions;
import com.smuscicd.deploy.WorkflowGateway;
import com.smuscicd.errors.PhaseFailedException;
import com.smuscicd.events.DeploymentEvent;
import com.smuscicd.events.schema.EventContract;
import com.smuscicd.json.Json;
import com.smuscicd.testsupport.MotoServerExtension;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.sfn.SfnClient;

/**
 * A deployment the upload trigger started deploys the bundle the trigger checked, whatever the key
 * holds when its phases run: the trigger's execution input (read back from Step Functions in moto)
 * names the object's version, and BundleUpload and WorkflowCreation, wired as their Lambda functions
 * are, read that version from S3 in moto and refuse content that is not the checked bundle.
 */
class TriggeredBundleVersionTest {

    @RegisterExtension
    static final MotoServerExtension MOTO = MotoServerExtension.create().resetBeforeEach();

    private static final String VERSIONED = "smus-bundles";
    private static final String UNVERSIONED = "smus-bundles-unversioned";
    private static final String PROJECT_BUCKET = "amazon-sagemaker-123456789012-us-east-1-abc123";
    private static final String PROJECT = "dzd_prod/prj_1/dev/";
    private static final String KEY = "MyPipeline/prod/bundle.zip";

    private final RecordingPublishers publishers = new RecordingPublishers();
    private final List<WorkflowGateway.WorkflowSpec> workflowsCreated = new ArrayList<>();
    private S3Client s3;
    private SfnClient sfn;
    private BundleTrigger trigger;
    private DeployFunctions functions;

    @BeforeEach
    void setUp() {
        s3 = AwsClientsForTests.moto(MOTO).client(S3BundleStore.CLIENT);
        sfn = AwsClientsForTests.moto(MOTO).client(SfnExecutions.CLIENT);
        s3.createBucket(b -> b.bucket(VERSIONED));
        s3.putBucketVersioning(b -> b.bucket(VERSIONED)
                .versioningConfiguration(v -> v.status(BucketVersioningStatus.ENABLED)));
        s3.createBucket(b -> b.bucket(UNVERSIONED));
        s3.createBucket(b -> b.bucket(PROJECT_BUCKET));
        String stateMachineArn = DeployStateMachineFixture.create(sfn, "smus-cicd-deploy");
        S3BundleStore store = S3BundleStore.create(s3);
        SfnExecutions executions = SfnExecutions.create(sfn);
        trigger = BundleTrigger.create(store, store::userMetadata, (name, input) -> {
            SfnExecutions.Started started = executions.startOnce(stateMachineArn, name, input);
            return new BundleTrigger.StartedExecution(started.executionArn(), started.alreadyStarted());
        }, publishers, null, Clock.systemUTC(), BundleArchive.DEFAULT_MAX_BYTES, line -> { });
        functions = AwsPorts.functions(Map.of(), publishers, null, store, spec -> {
            workflowsCreated.add(spec);
            return WorkflowGateway.WorkflowOutcome.CREATED;
        });
    }

    @Test
    void phases_whenTheKeyIsOverwrittenAfterTheTriggerStarted_deployTheVersionTheTriggerChecked() {
        byte[] first = bundle("v = 1\n", "dag = 'first'\n");
        ObjectNode firstEvent = upload(VERSIONED, first);
        JsonNode state = started(firstEvent);
        upload(VERSIONED, bundle("v = 2, and longer\n", "dag = 'second'\n"));

        JsonNode uploaded = functions.bundleUpload().invoke(task(state, "BundleUpload"));
        functions.workflowCreation().invoke(task(state, "WorkflowCreation"));

        assertThat(state.path("deployment").path("bundle").path("versionId").asText())
                .isNotEmpty().isEqualTo(firstEvent.path("detail").path("object").path("version-id").asText());
        assertThat(uploaded.path("digest").asText()).isEqualTo("sha256:" + BundleArchive.sha256Hex(first));
        assertThat(projectObject("code/etl/transform.py")).isEqualTo("v = 1\n");
        assertThat(projectObject("workflows/dags/daily_sales_etl.py")).isEqualTo("dag = 'first'\n");
        assertThat(workflowsCreated).singleElement().satisfies(spec -> assertThat(spec.definitionSha256())
                .isEqualTo(BundleArchive.sha256Hex("dag = 'first'\n".getBytes(StandardCharsets.UTF_8))));
    }

    @Test
    void phases_whenTheInputsDigestIsNotThatOfItsVersion_failWithBundleChanged() {
        JsonNode state = started(upload(VERSIONED, bundle("v = 1\n", "dag = 'first'\n")));
        ((ObjectNode) state.path("deployment").path("bundle")).put("digest", "sha256:" + "0".repeat(64));

        assertBundleChanged(() -> functions.bundleUpload().invoke(task(state, "BundleUpload")), "BundleUpload");
        assertBundleChanged(() -> functions.workflowCreation().invoke(task(state, "WorkflowCreation")),
                "WorkflowCreation");
        assertThat(workflowsCreated).isEmpty();
        assertThat(projectKeys()).noneMatch(key -> key.contains("workflows/dags/"));
    }

    static Stream<Arguments> overwrites() {
        return Stream.of(
                Arguments.of("another bundle", bundle("v = 2\n", "dag = 'first'\n")),
                Arguments.of("a longer bundle", bundle("v = 2, and longer\n", "dag = 'second, and longer'\n")),
                Arguments.of("not a zip", "not a zip".getBytes(StandardCharsets.UTF_8)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("overwrites")
    void phases_whenAKeyWithoutVersionsIsOverwritten_failWithBundleChangedInsteadOfDeployingIt(String description,
                                                                                             byte[] overwrite) {
        JsonNode state = started(upload(UNVERSIONED, bundle("v = 1\n", "dag = 'first'\n")));
        s3.putObject(b -> b.bucket(UNVERSIONED).key(KEY), RequestBody.fromBytes(overwrite));

        assertThat(state.path("deployment").path("bundle").has("versionId")).isFalse();
        assertBundleChanged(() -> functions.bundleUpload().invoke(task(state, "BundleUpload")), "BundleUpload");
        assertBundleChanged(() -> functions.workflowCreation().invoke(task(state, "WorkflowCreation")),
                "WorkflowCreation");
        assertThat(workflowsCreated).isEmpty();
        assertThat(projectKeys()).noneMatch(key -> key.contains("workflows/dags/"));
    }

    @Test
    void phases_whenAKeyWithoutVersionsIsUnchanged_deployIt() {
        JsonNode state = started(upload(UNVERSIONED, bundle("v = 1\n", "dag = 'first'\n")));

        functions.bundleUpload().invoke(task(state, "BundleUpload"));
        functions.workflowCreation().invoke(task(state, "WorkflowCreation"));

        assertThat(projectObject("code/etl/transform.py")).isEqualTo("v = 1\n");
        assertThat(workflowsCreated).hasSize(1);
    }

    private void assertBundleChanged(Runnable phase, String phaseName) {
        int before = publishers.published().size();
        assertThatThrownBy(phase::run)
                .isInstanceOf(PhaseFailedException.class)
                .satisfies(e -> assertThat(((PhaseFailedException) e).code()).isEqualTo("BUNDLE_CHANGED"))
                .hasMessageContaining("s3://")
                .hasMessageContaining("is not the bundle this deployment was started with");
        DeploymentEvent failed = publishers.published().get(publishers.published().size() - 1).event();
        assertThat(publishers.published()).hasSize(before + 1);
        assertThat(failed.detailType()).isEqualTo("SMUS-CICD-Deploy-" + phaseName + "-Failed");
        assertThat(failed.detail().error().code()).isEqualTo("BUNDLE_CHANGED");
        assertThat(EventContract.validateDetail(Json.tree(failed.detail()))).isEmpty();
    }

    /** A bundle of the test manifest with this storage file and DAG file content. */
    private static byte[] bundle(String storageFile, String dag) {
        TreeMap<String, byte[]> entries = new TreeMap<>();
        entries.put(BundleArchive.MANIFEST_ENTRY, TestBundles.resource("pipeline.yaml"));
        entries.put("storage/code/etl/transform.py", storageFile.getBytes(StandardCharsets.UTF_8));
        entries.put("workflows/daily_sales_etl.py", dag.getBytes(StandardCharsets.UTF_8));
        return BundleArchive.write(entries);
    }

    /** Uploads to {@link #KEY} and answers the event S3 sends for it (with the version id on a versioned bucket). */
    private ObjectNode upload(String bucket, byte[] content) {
        PutObjectResponse put = s3.putObject(b -> b.bucket(bucket).key(KEY), RequestBody.fromBytes(content));
        ObjectNode event = (ObjectNode) Json.read(new String(TestBundles.resource("object-created.json"),
                StandardCharsets.UTF_8));
        ((ObjectNode) event.path("detail").path("bucket")).put("name", bucket);
        ObjectNode object = (ObjectNode) event.path("detail").path("object");
        object.put("key", KEY).put("size", content.length).put("etag", put.eTag().replace("\"", ""));
        if (put.versionId() != null && !put.versionId().isEmpty() && !"null".equals(put.versionId())) {
            object.put("version-id", put.versionId());
        }
        return event;
    }

    /** Triggers on the event and answers the input of the execution it started, as Step Functions holds it. */
    private JsonNode started(ObjectNode event) {
        BundleTrigger.Outcome outcome = trigger.handle(event);
        assertThat(outcome.status()).as(outcome.message()).isEqualTo("STARTED");
        return Json.read(sfn.describeExecution(b -> b.executionArn(outcome.executionArn())).input());
    }

    /** The task input the state machine gives a phase after ProjectInitialization, over the execution's input. */
    private static JsonNode task(JsonNode executionInput, String phase) {
        ObjectNode state = executionInput.deepCopy();
        ObjectNode phases = state.putObject("phases");
        phases.putObject("deploy").put("startedAt", "2025-11-04T12:30:00Z");
        phases.putObject("projectInitialization").put("domainId", "dzd_prod").put("projectId", "prj_1")
                .put("projectCreated", false).put("s3Location", "s3://" + PROJECT_BUCKET + "/" + PROJECT.replaceAll("/$", ""));
        state.putObject("current").put("phase", phase).put("enteredTime", "2025-11-04T12:30:03Z");
        ObjectNode input = Json.mapper().createObjectNode();
        input.put("executionArn", "arn:aws:states:us-east-1:123456789012:execution:smus-cicd-deploy:test");
        input.put("retryCount", 0);
        input.set("state", state);
        return input;
    }

    private String projectObject(String relative) {
        return s3.getObjectAsBytes(b -> b.bucket(PROJECT_BUCKET).key(PROJECT + relative)).asUtf8String();
    }

    private List<String> projectKeys() {
        return s3.listObjectsV2(b -> b.bucket(PROJECT_BUCKET)).contents().stream().map(o -> o.key()).toList();
    }
}
