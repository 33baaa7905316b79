package com.smuscicd.local;

import com.smuscicd.deploy.BundleArchive;
import com.smuscicd.deploy.BundlePackager;
import com.smuscicd.deploy.DeployFunctions;
import com.smuscicd.deploy.DeploymentInput;
import com.smuscicd.deploy.DeploymentInputs;
import com.smuscicd.deploy.EventOverrides;
import com.smuscicd.events.Metadata;
import com.smuscicd.local.asl.ExecutionListener;
import com.smuscicd.manifest.ManifestLoader;
import com.smuscicd.manifest.PipelineManifest;
import java.nio.file.Path;
import java.time.Clock;
import java.util.UUID;
import java.util.function.UnaryOperator;

/** Runs the bundled example through the local runtime, with optional port decorators for fault injection. */
final class DeploymentScenario {

    static final Path EXAMPLE = Path.of("..", "examples", "basic_pipeline", "pipeline.yaml");
    static final Metadata METADATA = new Metadata("ci-bot", "0123456789abcdef0123456789abcdef01234567", "main",
            "https://github.com/example/sales-analytics", "github-actions", "42",
            "https://github.com/example/sales-analytics/actions/runs/42", "2026-11-27T03:00:00Z");

    private final Path stateDir;
    private final PipelineManifest manifest;

    private final Path manifestFile;

    DeploymentScenario(Path stateDir) {
        this(stateDir, EXAMPLE);
    }

    DeploymentScenario(Path stateDir, Path manifestFile) {
        this.stateDir = stateDir;
        this.manifestFile = manifestFile;
        this.manifest = ManifestLoader.create().load(manifestFile);
    }

    LocalRun deploy(String target) {
        return deploy(target, UnaryOperator.identity());
    }

    LocalRun deploy(String target, UnaryOperator<DeployFunctions> ports) {
        return deploy(target, ports, Clock.systemUTC());
    }

    /** {@code clock}: what the runtime, its tasks and the state machine's timeouts see. */
    LocalRun deploy(String target, UnaryOperator<DeployFunctions> ports, Clock clock) {
        return deploy(target, ports, clock, LocalRuntime.ShutdownHooks.RUNTIME);
    }

    /** {@code hooks}: where the run registers what a stopped process does (a test runs it by hand). */
    LocalRun deploy(String target, UnaryOperator<DeployFunctions> ports, Clock clock, LocalRuntime.ShutdownHooks hooks) {
        return deploy(target, ports, clock, hooks, null);
    }

    /** {@code publisherForBus}: where events go instead of the local bus (as with --events-to-aws), or null. */
    LocalRun deploy(String target, UnaryOperator<DeployFunctions> ports, Clock clock, LocalRuntime.ShutdownHooks hooks,
                    java.util.function.Function<String, com.smuscicd.events.EventPublisher> publisherForBus) {
        return deploy(target, ports, clock, hooks, publisherForBus, java.util.List.of());
    }

    /** {@code failures}: what {@code --simulate-failure} makes the phases meet. */
    LocalRun deploy(String target, java.util.List<SimulatedFailure> failures) {
        return deploy(target, UnaryOperator.identity(), Clock.systemUTC(), LocalRuntime.ShutdownHooks.RUNTIME, null,
                failures);
    }

    private LocalRun deploy(String target, UnaryOperator<DeployFunctions> ports, Clock clock,
                            LocalRuntime.ShutdownHooks hooks,
                            java.util.function.Function<String, com.smuscicd.events.EventPublisher> publisherForBus,
                            java.util.List<SimulatedFailure> failures) {
        LocalRuntime runtime = LocalRuntime.create(new LocalRuntime.Settings(stateDir,
                manifestFile.resolveSibling("local-account.json"),
                java.nio.file.Files.isDirectory(manifestFile.resolveSibling("rules")) ? manifestFile.resolveSibling("rules")
                        : null, 0.0, publisherForBus, failures),
                clock, ports);
        BundlePackager.PackedBundle bundle = BundlePackager.pack(manifest, BundleArchive.DEFAULT_MAX_BYTES);
        DeploymentInput input = DeploymentInputs.of(manifest, ManifestLoader.requireTarget(manifest, target),
                EventOverrides.NONE, METADATA, UUID.randomUUID().toString(), Clock.systemUTC().instant(), null,
                bundle.workflows());
        return runtime.deploy(input, bundle, ExecutionListener.NONE, hooks);
    }
}
