package com.smuscicd.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.smuscicd.deploy.BundleArchive;
import com.smuscicd.deploy.BundlePackager;
import com.smuscicd.deploy.DeployFunctions;
import com.smuscicd.deploy.DeploymentInput;
import com.smuscicd.deploy.DeploymentInputs;
import com.smuscicd.deploy.EventOverrides;
import com.smuscicd.deploy.S3Location;
import com.smuscicd.deploy.TaskFunction;
import com.smuscicd.errors.RetryablePhaseException;
import com.smuscicd.events.DeploymentEvent;
import com.smuscicd.json.Json;
import com.smuscicd.local.asl.ExecutionListener;
import com.smuscicd.local.asl.ExecutionResult;
import com.smuscicd.local.asl.LocalStateMachineRunner;
import com.smuscicd.local.asl.StateMachineDefinition;
import com.smuscicd.local.backend.LocalAccount;
import com.smuscicd.local.backend.LocalDataZone;
import com.smuscicd.local.backend.LocalObjectStore;
import com.smuscicd.local.backend.LocalWorkflows;
import com.smuscicd.manifest.ManifestLoader;
import com.smuscicd.manifest.PipelineManifest;
import com.smuscicd.statemachine.DeployStateMachine;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A phase task whose first attempt fails before the handler runs (as a Lambda throttle does) still
 * has exactly one Started event: the state before the task emits it, not the task's attempts.
 */
class PhaseStartedTest {

    @TempDir
    Path stateDir;

    private final List<DeploymentEvent> events = new CopyOnWriteArrayList<>();

    private ExecutionResult run(java.util.function.Consumer<Map<String, TaskFunction>> change) {
        PipelineManifest manifest = ManifestLoader.create().load(DeploymentScenario.EXAMPLE);
        LocalAccount account = LocalAccount.open(stateDir.resolve("account.json"),
                DeploymentScenario.EXAMPLE.resolveSibling("local-account.json"));
        LocalObjectStore store = new LocalObjectStore(stateDir.resolve("s3"));
        DeployFunctions functions = new DeployFunctions(bus -> batch -> {
            events.addAll(batch);
            return com.smuscicd.events.EventPublisher.PublishResult.allDelivered(batch.size());
        }, new LocalDataZone(account), store, new LocalWorkflows(account), Clock.systemUTC(),
                BundleArchive.DEFAULT_MAX_BYTES);
        Map<String, TaskFunction> tasks = new HashMap<>(functions.byPlaceholder());
        change.accept(tasks);
        BundlePackager.PackedBundle bundle = BundlePackager.pack(manifest, BundleArchive.DEFAULT_MAX_BYTES);
        S3Location location = new S3Location("bundles", "b.zip");
        store.put(location, bundle.zip(), BundleArchive.sha256Hex(bundle.zip()));
        DeploymentInput input = DeploymentInputs.of(manifest, ManifestLoader.requireTarget(manifest, "dev"),
                EventOverrides.NONE, null, UUID.randomUUID().toString(), Clock.systemUTC().instant(),
                new DeploymentInput.BundleRef(location.toString(), bundle.digest(), bundle.bytes()),
                bundle.workflows());
        return new LocalStateMachineRunner(StateMachineDefinition.parse(DeployStateMachine.definition()), tasks,
                new LocalStateMachineRunner.Options(0, Clock.systemUTC(), Math::random, "test"))
                .run("exec", Json.tree(Map.of("deployment", input)), ExecutionListener.NONE);
    }

    @Test
    void deploy_whenAPhaseTaskFailsBeforeItsHandlerRuns_theStartedEventIsEmittedExactlyOnce() {
        AtomicInteger calls = new AtomicInteger();

        ExecutionResult result = run(tasks -> {
            TaskFunction bundleUpload = tasks.get(DeployFunctions.BUNDLE_UPLOAD);
            tasks.put(DeployFunctions.BUNDLE_UPLOAD, input -> {
                if (calls.getAndIncrement() == 0) {
                    throw new RetryablePhaseException("THROTTLED", "throttled before the handler ran");
                }
                return bundleUpload.invoke(input);
            });
        });

        assertThat(result.succeeded()).isTrue();
        assertThat(calls).hasValue(2);
        assertThat(events).filteredOn(e -> e.detailType().equals("SMUS-CICD-Deploy-BundleUpload-Started")).hasSize(1);
        assertThat(events).hasSize(10);
        EventInvariants.check(events);
    }

    @Test
    void deploy_whenTheCompletionTaskFails_endsWithOneDeployFailedAndNoPhaseFailure() {
        ExecutionResult result = run(tasks -> {
            TaskFunction lifecycle = tasks.get(DeployFunctions.LIFECYCLE);
            tasks.put(DeployFunctions.LIFECYCLE, input -> {
                if ("complete".equals(input.path("action").asText())) {
                    throw new IllegalStateException("completion crashed");
                }
                return lifecycle.invoke(input);
            });
        });

        assertThat(result.status()).isEqualTo("FAILED");
        assertThat(events).extracting(DeploymentEvent::detailType).noneMatch(t -> t.endsWith("Assets-Failed"))
                .last().isEqualTo("SMUS-CICD-Deploy-Failed");
        DeploymentEvent last = events.get(events.size() - 1);
        assertThat(last.detail().sequence()).isEqualTo(10);
        assertThat(last.detail().details()).doesNotContainKey("failedPhase");
        EventInvariants.check(events);
    }
}
