package com.smuscicd.bench;

import com.smuscicd.deploy.BundleArchive;
import com.smuscicd.deploy.BundlePackager;
import com.smuscicd.deploy.DeploymentInput;
import com.smuscicd.deploy.DeploymentInputs;
import com.smuscicd.deploy.EventOverrides;
import com.smuscicd.events.EventPublisher;
import com.smuscicd.events.Metadata;
import com.smuscicd.local.LocalRun;
import com.smuscicd.local.LocalRuntime;
import com.smuscicd.local.asl.ExecutionListener;
import com.smuscicd.manifest.ManifestLoader;
import com.smuscicd.manifest.PipelineManifest;
import com.smuscicd.metadata.MetadataCollector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.UUID;
import java.util.function.Function;

/**
 * One local deployment of {@code examples/basic_pipeline} done the way {@code smus-cli deploy --local}
 * does it after the JVM has started: load the manifest, pack the bundle, open the runtime (state
 * machine, rules, account), collect the metadata when events carry it, run the state machine.
 */
final class ExampleDeployment {

    /** Where the example is, relative to the repository root or to a module directory. */
    static final String EXAMPLE = "examples/basic_pipeline/pipeline.yaml";
    /** Overrides the example's location. */
    static final String EXAMPLE_PROPERTY = "smus.bench.example";

    /** How the deployment's events are handled. */
    enum Events {
        /** {@code --no-events}: the emitter is off, nothing is built or published. */
        OFF,
        /** Events built and handed to a publisher that drops them: the emitter's own cost. */
        DISCARDED,
        /** Events on, to the local bus with the example's rules: what {@code deploy --local} does. */
        LOCAL_BUS,
        /** As {@link #LOCAL_BUS} with the metadata given instead of collected: no git processes. */
        LOCAL_BUS_NO_GIT
    }

    /** The metadata of {@link Events#LOCAL_BUS_NO_GIT}, as a CI run would have it. */
    static final Metadata GIVEN_METADATA = new Metadata("ci-bot", "0123456789abcdef0123456789abcdef01234567", "main",
            "https://github.com/example/sales-analytics", "github-actions", "42",
            "https://github.com/example/sales-analytics/actions/runs/42", "2026-11-27T03:00:00Z");

    private static final EventPublisher DISCARD = events -> EventPublisher.PublishResult.allDelivered(events.size());

    private final Path manifestFile;
    private final Path stateDir;
    private final String target;
    private final Events events;

    ExampleDeployment(Path manifestFile, Path stateDir, String target, Events events) {
        this.manifestFile = manifestFile;
        this.stateDir = stateDir;
        this.target = target;
        this.events = events;
    }

    /** Runs one deployment. */
    LocalRun run() {
        PipelineManifest manifest = ManifestLoader.create().load(manifestFile);
        PipelineManifest.Target resolved = ManifestLoader.requireTarget(manifest, target);
        BundlePackager.PackedBundle bundle = BundlePackager.pack(manifest, BundleArchive.DEFAULT_MAX_BYTES);
        Path base = manifestFile.toAbsolutePath().getParent();
        Function<String, EventPublisher> publisher = events == Events.DISCARDED ? bus -> DISCARD : null;
        LocalRuntime runtime = LocalRuntime.create(new LocalRuntime.Settings(stateDir,
                base.resolve("local-account.json"), base.resolve("rules"), 0.0, publisher), Clock.systemUTC());
        EventOverrides overrides = events == Events.OFF ? new EventOverrides(false, true, null) : EventOverrides.NONE;
        PipelineManifest.Monitoring monitoring = overrides.apply(manifest.monitoring());
        // The CLI runs git and reads the CI environment only when the events carry metadata.
        Metadata metadata = null;
        if (monitoring.enabled() && monitoring.includeMetadata()) {
            metadata = events == Events.LOCAL_BUS_NO_GIT ? GIVEN_METADATA
                    : MetadataCollector.fromEnvironment(base).collect();
        }
        DeploymentInput input = DeploymentInputs.of(manifest, resolved, overrides, metadata,
                UUID.randomUUID().toString(), Clock.systemUTC().instant(), null, bundle.workflows());
        return runtime.deploy(input, bundle, ExecutionListener.NONE);
    }

    /**
     * The example manifest: {@value #EXAMPLE_PROPERTY} if set, else {@value #EXAMPLE} found from the
     * working directory or one of its parents (benchmarks run from the repository root, tests from
     * the module directory).
     */
    static Path locateExample() {
        String configured = System.getProperty(EXAMPLE_PROPERTY);
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve(EXAMPLE);
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException(EXAMPLE + " not found from " + Path.of("").toAbsolutePath()
                + "; run from the repository root or set -D" + EXAMPLE_PROPERTY);
    }
}
