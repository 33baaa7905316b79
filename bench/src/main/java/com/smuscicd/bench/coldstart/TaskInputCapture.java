package com.smuscicd.bench.coldstart;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.smuscicd.deploy.BundleArchive;
import com.smuscicd.deploy.BundlePackager;
import com.smuscicd.deploy.DeploymentInput;
import com.smuscicd.deploy.DeploymentInputs;
import com.smuscicd.deploy.EventOverrides;
import com.smuscicd.deploy.S3Location;
import com.smuscicd.events.Metadata;
import com.smuscicd.json.Json;
import com.smuscicd.local.LocalRun;
import com.smuscicd.local.LocalRuntime;
import com.smuscicd.local.asl.ExecutionListener;
import com.smuscicd.manifest.ManifestLoader;
import com.smuscicd.manifest.PipelineManifest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Writes the cold-start fixtures: the real input of each Lambda task, captured from a local run
 * of the example's {@code prod} target through the deployment state machine file.
 *
 * <pre>java -cp bench/target/benchmarks.jar com.smuscicd.bench.coldstart.TaskInputCapture &lt;example pipeline.yaml&gt; &lt;out dir&gt;</pre>
 *
 * Writes {@code <out>/<HandlerSimpleName>.json} for the five phase handlers (the lifecycle one
 * with action {@code start}), {@code <out>/bundle.zip} and {@code <out>/seed.json}, which tells
 * the script which buckets to create and where to put the bundle in the emulator so that the
 * captured inputs work unchanged there.
 */
public final class TaskInputCapture {

    /** Task state name to the handler class serving it. */
    private static final Map<String, String> HANDLERS = Map.of(
            "DeployStarted", "com.smuscicd.lambda.DeployLifecycleHandler",
            "ProjectInitialization", "com.smuscicd.lambda.ProjectInitializationHandler",
            "BundleUpload", "com.smuscicd.lambda.BundleUploadHandler",
            "WorkflowCreation", "com.smuscicd.lambda.WorkflowCreationHandler",
            "CatalogAssets", "com.smuscicd.lambda.CatalogAssetsHandler");

    private TaskInputCapture() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: TaskInputCapture <example pipeline.yaml> <out dir>");
            System.exit(2);
        }
        Path manifestFile = Path.of(args[0]).toAbsolutePath();
        Path out = Files.createDirectories(Path.of(args[1]));
        Path stateDir = Files.createTempDirectory("smus-capture-");

        PipelineManifest manifest = ManifestLoader.create().load(manifestFile);
        PipelineManifest.Target target = ManifestLoader.requireTarget(manifest, "prod");
        BundlePackager.PackedBundle bundle = BundlePackager.pack(manifest, BundleArchive.DEFAULT_MAX_BYTES);
        Metadata metadata = new Metadata("ci-bot", "0123456789abcdef0123456789abcdef01234567", "main",
                "https://github.com/example/sales-analytics", "github-actions", "42",
                "https://github.com/example/sales-analytics/actions/runs/42", "2026-11-27T03:00:00Z");
        String deploymentId = UUID.randomUUID().toString();
        DeploymentInput input = DeploymentInputs.of(manifest, target, EventOverrides.NONE, metadata, deploymentId,
                Clock.systemUTC().instant(), null, bundle.workflows());
        String executionArn = "arn:aws:states:" + target.domain().region() + ":123456789012:execution:smus-cicd-deploy:"
                + deploymentId;

        Map<String, ObjectNode> taskInputs = new LinkedHashMap<>();
        ExecutionListener capture = new ExecutionListener() {
            @Override
            public void stateEntered(String state, String type, JsonNode stateInput) {
                if ("Task".equals(type) && HANDLERS.containsKey(state) && !taskInputs.containsKey(state)) {
                    taskInputs.put(state, taskInput(state, stateInput, executionArn));
                }
            }
        };
        Path base = manifestFile.getParent();
        LocalRuntime runtime = LocalRuntime.create(new LocalRuntime.Settings(stateDir,
                base.resolve("local-account.json"), null, 0.0, null), Clock.systemUTC());
        LocalRun run = runtime.deploy(input, bundle, capture);
        if (!run.execution().succeeded() || taskInputs.size() != HANDLERS.size()) {
            throw new IllegalStateException("the capture run did not pass every task: " + run.execution().error()
                    + " " + run.execution().cause() + ", captured " + taskInputs.keySet());
        }

        for (Map.Entry<String, ObjectNode> entry : taskInputs.entrySet()) {
            String handler = HANDLERS.get(entry.getKey());
            Files.writeString(out.resolve(handler.substring(handler.lastIndexOf('.') + 1) + ".json"),
                    Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(entry.getValue()));
        }
        S3Location bundleLocation = S3Location.parse(run.input().bundle().location());
        Files.write(out.resolve("bundle.zip"), Files.readAllBytes(runtime.store().fileOf(bundleLocation)));
        S3Location projectLocation = S3Location.parse(taskInputs.get("BundleUpload").path("state").path("phases")
                .path("projectInitialization").path("s3Location").asText());
        ObjectNode seed = Json.mapper().createObjectNode();
        seed.putArray("buckets").add(bundleLocation.bucket()).add(projectLocation.bucket());
        seed.putObject("bundle").put("bucket", bundleLocation.bucket()).put("key", bundleLocation.key())
                .put("file", "bundle.zip");
        Files.writeString(out.resolve("seed.json"), Json.mapper().writerWithDefaultPrettyPrinter()
                .writeValueAsString(seed));
        System.out.println("captured " + taskInputs.keySet() + " into " + out);
    }

    /** The state's Parameters as in deploy.asl.json: action for the lifecycle task, state, retryCount, executionArn. */
    private static ObjectNode taskInput(String state, JsonNode stateInput, String executionArn) {
        ObjectNode task = Json.mapper().createObjectNode();
        if ("DeployStarted".equals(state)) {
            task.put("action", "start");
        }
        task.set("state", stateInput.deepCopy());
        task.put("retryCount", 0);
        task.put("executionArn", executionArn);
        return task;
    }
}
