package com.smuscicd.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.smuscicd.deploy.BundleArchive;
import com.smuscicd.deploy.BundlePackager;
import com.smuscicd.deploy.DeploymentInput;
import com.smuscicd.deploy.DeploymentInputs;
import com.smuscicd.deploy.EventOverrides;
import com.smuscicd.deploy.ExecutionInputLimit;
import com.smuscicd.errors.InvalidManifestException;
import com.smuscicd.events.DeploymentEvent;
import com.smuscicd.events.EventBridgePublisher;
import com.smuscicd.events.Stage;
import com.smuscicd.events.Metadata;
import com.smuscicd.json.Json;
import com.smuscicd.local.LocalRun;
import com.smuscicd.local.LocalRuntime;
import com.smuscicd.local.SimulatedFailure;
import com.smuscicd.local.StateDirLock;
import com.smuscicd.local.bus.InvalidRuleException;
import com.smuscicd.local.asl.AslException;
import com.smuscicd.local.asl.LocalStateMachineRunner;
import com.smuscicd.manifest.ManifestLoader;
import com.smuscicd.manifest.PipelineManifest;
import com.smuscicd.metadata.GitRunner;
import com.smuscicd.metadata.MetadataCollector;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code smus-cli deploy}: validates the manifest, packages the bundle and runs the deployment
 * state machine, in AWS or ({@code --local}) in-process. Exit 0 on success, 1 when a deployment
 * failed, 2 on bad input.
 */
@Command(name = "deploy", mixinStandardHelpOptions = true,
        description = "Deploy a pipeline's targets (to AWS, or offline with --local).")
public final class DeployCommand implements Callable<Integer> {

    /** Output formats. */
    enum Output { text, json }

    @Spec
    CommandSpec spec;

    @Option(names = "--targets", required = true, split = ",", paramLabel = "TARGET",
            description = "Target(s) to deploy, comma-separated, deployed in order; stops at the first failure.")
    List<String> targets;

    @Option(names = "--pipeline", paramLabel = "FILE", defaultValue = "pipeline.yaml",
            description = "Pipeline manifest (default: ${DEFAULT-VALUE}).")
    Path pipeline;

    @Option(names = "--emit-events", description = "Emit deployment events even if the manifest does not enable them.")
    boolean emitEvents;

    @Option(names = "--no-events", description = "Emit no deployment events.")
    boolean noEvents;

    @Option(names = "--event-bus-name", paramLabel = "NAME|ARN", description = "Event bus name or ARN to emit to.")
    String eventBusName;

    @Option(names = "--output", paramLabel = "FORMAT", defaultValue = "text",
            description = "text (progress and summary) or json (one JSON document; progress goes to stderr).")
    Output output;

    @Option(names = "--local", description = "Run offline: the same state machine in-process, local backends and event bus.")
    boolean local;

    @Option(names = "--state-dir", paramLabel = "DIR", defaultValue = ".smus/local",
            description = "Local run: where state, objects and events are kept (default: ${DEFAULT-VALUE}).")
    Path stateDir;

    @Option(names = "--account", paramLabel = "FILE",
            description = "Local run: local account seed (default: local-account.json beside the manifest).")
    Path accountSeed;

    @Option(names = "--rules", paramLabel = "FILE|DIR",
            description = "Local run: EventBridge rule file(s) for the local bus (default: rules/ beside the manifest, if present).")
    Path rules;

    @Option(names = "--events-to-aws",
            description = "Local run: send the events to the real EventBridge API (SDK endpoint and region settings apply) instead of the local bus.")
    boolean eventsToAws;

    @Option(names = "--retry-delay-scale", paramLabel = "FACTOR", defaultValue = "0.01",
            description = "Local run: multiplies the state machine's retry delays (default: ${DEFAULT-VALUE}).")
    double retryDelayScale;

    @Option(names = "--simulate-failure", paramLabel = "PHASE[:CODE[:ATTEMPTS]]",
            description = "Local run: make a phase fail, to try failure rules and metrics offline (repeatable, one per"
                    + " phase). CODE: the error code (default SIMULATED_FAILURE); THROTTLED, SERVICE_UNAVAILABLE,"
                    + " NETWORK_ERROR and TIMEOUT are retried like real ones; ATTEMPTS: only that many attempts fail,"
                    + " then the phase recovers. E.g. workflow-creation, bundle-upload:THROTTLED:2.")
    List<String> simulateFailure = new ArrayList<>();

    @Mixin
    CloudOptions cloud;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter progressOut = output == Output.json ? err : out;
        EventOverrides overrides;
        PipelineManifest manifest;
        List<PipelineManifest.Target> resolved = new ArrayList<>();
        CloudDeploy cloudDeploy = null;
        try {
            overrides = new EventOverrides(emitEvents, noEvents, eventBusName);
            if (eventBusName != null) {
                ManifestLoader.validateEventBusName(eventBusName);
            }
            // NaN passes "< 0", and Infinity (or 1e400, or 1e12) turns a retry's wait into Long.MAX_VALUE ns.
            if (!Double.isFinite(retryDelayScale) || retryDelayScale < 0
                    || retryDelayScale > LocalStateMachineRunner.MAX_DELAY_SCALE) {
                throw new IllegalArgumentException("--retry-delay-scale must be a number from 0 to "
                        + (int) LocalStateMachineRunner.MAX_DELAY_SCALE + ", got " + retryDelayScale);
            }
            rejectFlagsOfTheOtherMode();
            if (local) {
                requireStateDirCanBeADirectory(stateDir);
            }
            manifest = ManifestLoader.create().load(pipeline);
            for (String name : targets) {
                PipelineManifest.Target target = ManifestLoader.requireTarget(manifest, name.trim());
                if (resolved.contains(target)) {
                    throw new IllegalArgumentException("--targets names '" + target.name() + "' twice");
                }
                resolved.add(target);
            }
            if (!local) {
                cloudDeploy = cloudDeploys.apply(cloud);
                cloudDeploy.checkOptions(resolved.stream().map(PipelineManifest.Target::name).toList());
            }
        } catch (CloudSetupException e) {
            err.println("error: " + e.getMessage());
            err.flush();
            return SmusCli.EXIT_BAD_INPUT;
        } catch (InvalidManifestException e) {
            e.problems().forEach(err::println);
            err.flush();
            return SmusCli.EXIT_BAD_INPUT;
        } catch (IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            err.flush();
            return SmusCli.EXIT_BAD_INPUT;
        }

        // One run at a time per state directory: the local account is read once and written back
        // whole, so a concurrent run's changes would be lost. Held until every target is done.
        StateDirLock stateLock = null;
        if (local) {
            try {
                stateLock = StateDirLock.acquire(stateDir, STATE_LOCK_WAIT, note -> {
                    err.println("note: " + note);
                    err.flush();
                });
            } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
                err.println("error: " + e.getMessage());
                err.flush();
                return SmusCli.EXIT_BAD_INPUT;
            }
        }
        try {
            return deployAll(out, err, progressOut, overrides, manifest, resolved, cloudDeploy);
        } finally {
            if (stateLock != null) {
                stateLock.close();
            }
        }
    }

    /** How long {@code deploy --local} waits for another run on the same state directory. */
    static final Duration STATE_LOCK_WAIT = Duration.ofMinutes(10);

    private int deployAll(PrintWriter out, PrintWriter err, PrintWriter progressOut, EventOverrides overrides,
                          PipelineManifest manifest, List<PipelineManifest.Target> resolved, CloudDeploy cloudDeploy) {
        // Reading the repository's files (or, when they cannot tell, running git) takes a few
        // milliseconds: collect the metadata while the bundle is packed and the runtime opens.
        // Bounded: git runs are killed after their timeout, but a repository on a stalled file
        // system could still hold the reading up; then the deployment goes on without the git fields.
        CompletableFuture<Metadata> metadata = needsMetadata(overrides, manifest)
                ? collectMetadata(manifest) : CompletableFuture.completedFuture(null);
        BundlePackager.PackedBundle bundle;
        LocalRuntime runtime = null;
        List<DeploymentInput> inputs = new ArrayList<>();
        try {
            bundle = BundlePackager.pack(manifest, BundleArchive.DEFAULT_MAX_BYTES, stateDir);
            for (PipelineManifest.Target target : resolved) {
                DeploymentInput input = DeploymentInputs.of(manifest, target, overrides, metadata.join(),
                        UUID.randomUUID().toString(), Clock.systemUTC().instant(), null, bundle.workflows());
                // With the bundle's place filled in as it will be; for every target before any runs.
                ExecutionInputLimit.check(Json.write(Map.of("deployment", withBundle(input, bundle))),
                        manifest.source() + " (target " + target.name() + ")");
                inputs.add(input);
            }
            if (local) {
                runtime = LocalRuntime.create(localSettings(manifest), Clock.systemUTC());
                runtime.settleLeftBehind(note -> {
                    err.println("note: " + note);
                    err.flush();
                });
                if (!eventsToAws) {
                    // once per bus and region the targets put their events on
                    Set<List<String>> told = new HashSet<>();
                    for (DeploymentInput input : inputs) {
                        String bus = input.monitoring().eventBusName();
                        List<String> elsewhere = runtime.rulesNotOn(input).stream()
                                .map(rule -> rule.name() + " (on " + rule.eventBusName() + ")").toList();
                        if (input.monitoring().enabled() && !elsewhere.isEmpty()
                                && told.add(List.of(bus, input.target().domain().region()))) {
                            err.println("note: " + elsewhere.size() + " rule(s) are on another bus than the"
                                    + " deployment's '" + bus + "' in " + input.target().domain().region()
                                    + " and match none of its events, as in EventBridge: " + String.join(", ", elsewhere)
                                    + " (a rule without EventBusName is on the default bus)");
                        }
                    }
                }
                err.flush();
            }
        } catch (InvalidManifestException e) {
            e.problems().forEach(err::println);
            err.flush();
            return SmusCli.EXIT_BAD_INPUT;
        } catch (InvalidRuleException | AslException | IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            err.flush();
            return SmusCli.EXIT_BAD_INPUT;
        } catch (java.io.UncheckedIOException e) {
            // e.g. an unwritable --state-dir or unreadable content: nothing has run yet.
            err.println("error: " + e.getMessage());
            err.flush();
            return SmusCli.EXIT_BAD_INPUT;
        }
        Debug debug = Debug.fromEnvironment(err);
        if (eventBusName != null && !overrides.apply(manifest.monitoring()).enabled()) {
            err.println("note: events are disabled for this deployment, so --event-bus-name has no effect"
                    + " (add --emit-events to emit to '" + eventBusName + "')");
        }
        debug.settings(manifest, resolved, overrides.apply(manifest.monitoring()), bundle, local ? stateDir : null);

        // Stopped (SIGTERM from a cancelled job, Ctrl-C), a local run ends its deployment as ABORTED
        // within the stop's budget; the process then waits for the outcome to be printed (the
        // summary line, the JSON a script reads) instead of ending in the middle of it.
        CountDownLatch printed = new CountDownLatch(1);
        Thread waitForOutput = new Thread(() -> {
            try {
                printed.await(OUTPUT_ON_STOP.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "smus-cli-output");
        if (local) {
            Runtime.getRuntime().addShutdownHook(waitForOutput);
        }
        try {
            return deployTargets(runtime, manifest, resolved, inputs, bundle, cloudDeploy, progressOut, out, err,
                    debug);
        } finally {
            printed.countDown();
            if (local) {
                try {
                    Runtime.getRuntime().removeShutdownHook(waitForOutput);
                } catch (IllegalStateException shuttingDown) {
                    // the hook is running: it ends now
                }
            }
        }
    }

    /**
     * How long a stopped local run keeps the process for its outcome to be printed: the stop's
     * budget and a little more, within the 10 s a cancelled CI job (or {@code docker stop}) gives
     * before SIGKILL.
     */
    static final Duration OUTPUT_ON_STOP = LocalRuntime.STOP_BUDGET.plusSeconds(2);

    /** Deploys the targets in order, stopping at the first failure, and prints the outcome; the exit code. */
    private int deployTargets(LocalRuntime runtime, PipelineManifest manifest, List<PipelineManifest.Target> resolved,
                              List<DeploymentInput> inputs, BundlePackager.PackedBundle bundle, CloudDeploy cloudDeploy,
                              PrintWriter progressOut, PrintWriter out, PrintWriter err, Debug debug) {
        ProgressPrinter progress = new ProgressPrinter(progressOut);
        List<DeployOutcome> outcomes = new ArrayList<>();
        Map<String, Object> notStarted = null;
        for (int t = 0; t < resolved.size(); t++) {
            PipelineManifest.Target target = resolved.get(t);
            DeploymentInput input = inputs.get(t);
            debug.input(input);
            DeployOutcome outcome;
            try {
                outcome = local ? deployLocal(runtime, input, bundle, progress, debug)
                        : cloudDeploy.deploy(input, bundle, progress);
            } catch (CloudSetupException e) {
                err.println("error: " + e.getMessage());
                err.flush();
                if (outcomes.isEmpty()) {
                    return SmusCli.EXIT_BAD_INPUT;
                }
                // Earlier targets were deployed (or started): report them, not "nothing deployed".
                notStarted = new LinkedHashMap<>();
                notStarted.put("pipelineName", manifest.pipelineName());
                notStarted.put("target", target.name());
                notStarted.put("status", NOT_STARTED);
                notStarted.put("error", Map.of("code", "BAD_INPUT", "message", e.getMessage()));
                progress.line(NOT_STARTED + " " + target.name() + ": " + e.getMessage());
                break;
            }
            outcomes.add(outcome);
            if (!outcome.ok()) {
                break;
            }
        }
        int reached = outcomes.size() + (notStarted != null ? 1 : 0);
        if (reached < resolved.size()) {
            progress.line("SKIPPED " + String.join(", ", resolved.subList(reached, resolved.size()).stream()
                    .map(PipelineManifest.Target::name).toList()) + ": not deployed after "
                    + resolved.get(reached - 1).name() + " did not succeed");
        }
        if (output == Output.json) {
            // One object for one target; for several, one entry per requested target, in order,
            // those not reached after a failure marked SKIPPED, so scripts can rely on the shape.
            List<Object> all = new ArrayList<>(outcomes);
            if (notStarted != null) {
                all.add(notStarted);
            }
            for (int i = all.size(); i < resolved.size(); i++) {
                all.add(java.util.Map.of("pipelineName", manifest.pipelineName(), "target", resolved.get(i).name(),
                        "status", "SKIPPED"));
            }
            out.println(Json.write(resolved.size() == 1 ? all.get(0) : all));
            out.flush();
        }
        return notStarted == null && outcomes.stream().allMatch(DeployOutcome::ok) ? 0 : SmusCli.EXIT_FAILED;
    }

    /**
     * The input with a bundle reference as long as the one the deployment will carry (the bucket
     * is known only once the orchestrator is resolved; its name has at most 63 characters).
     */
    static DeploymentInput withBundle(DeploymentInput input, BundlePackager.PackedBundle bundle) {
        String location = "s3://" + "b".repeat(63) + "/" + input.pipelineName() + "/" + input.target().name() + "/"
                + bundle.digest().substring("sha256:".length()) + ".zip";
        return new DeploymentInput(input.deploymentId(), input.pipelineName(), input.target(), input.monitoring(),
                input.metadata(), new DeploymentInput.BundleRef(location, bundle.digest(), bundle.bytes()),
                input.workflows(), input.assets(), input.requestedAt());
    }

    /** The status of a target that could not be started after earlier targets were. */
    static final String NOT_STARTED = "NOT_STARTED";

    /** Builds the cloud deployer; tests point it at moto. */
    Function<CloudOptions, CloudDeploy> cloudDeploys = CloudDeploy::new;

    /**
     * The CI metadata of the repository holding {@code manifest}, collected in the background and
     * bounded by {@link #METADATA_TIMEOUT} (then without the git fields).
     */
    static CompletableFuture<Metadata> collectMetadata(PipelineManifest manifest) {
        return bounded(CompletableFuture.supplyAsync(() -> MetadataCollector.fromEnvironment(
                        manifest.source().toAbsolutePath().getParent()).collect()), METADATA_TIMEOUT,
                () -> MetadataCollector.create(System.getenv(), GitRunner.NONE).collect());
    }

    /** {@code collecting}, or what {@code fallback} gives when it has not completed within {@code timeout}. */
    static CompletableFuture<Metadata> bounded(CompletableFuture<Metadata> collecting, Duration timeout,
                                               Supplier<Metadata> fallback) {
        return collecting.completeOnTimeout(null, timeout.toMillis(), TimeUnit.MILLISECONDS)
                .thenApply(collected -> collected != null ? collected : fallback.get());
    }

    /**
     * The longest the metadata may take: its two git runs (each killed after
     * {@link GitRunner#DEFAULT_TIMEOUT}) and reading the repository's files, with room to spare.
     */
    static final Duration METADATA_TIMEOUT = Duration.ofSeconds(10);

    private static final List<String> LOCAL_ONLY = List.of("--state-dir", "--account", "--rules", "--events-to-aws",
            "--retry-delay-scale", "--simulate-failure");
    private static final List<String> CLOUD_ONLY = List.of("--state-machine-arn", "--bundle-bucket", "--stack-name",
            "--region", "--wait", "--wait-timeout", "--execution-name");

    /** A flag that would silently do nothing in this mode is a usage error, not a surprise later. */
    private void rejectFlagsOfTheOtherMode() {
        var parsed = spec.commandLine().getParseResult();
        for (String flag : local ? CLOUD_ONLY : LOCAL_ONLY) {
            if (parsed.hasMatchedOption(flag)) {
                throw new IllegalArgumentException(flag + (local ? " only applies without --local"
                        : " only applies with --local"));
            }
        }
    }

    /**
     * Rejects a {@code --state-dir} that is, or lies below, something other than a directory: the
     * exception creating it would name {@code FileAlreadyExistsException} instead of the problem.
     */
    static void requireStateDirCanBeADirectory(Path stateDir) {
        Path absolute = stateDir.toAbsolutePath();
        for (Path at = absolute; at != null; at = at.getParent()) {
            if (Files.exists(at)) {
                if (Files.isDirectory(at)) {
                    return;
                }
                throw new IllegalArgumentException(at.equals(absolute)
                        ? "--state-dir " + stateDir + " is a file, not a directory"
                        : "--state-dir " + stateDir + ": " + at + " is a file, not a directory");
            }
        }
    }

    private static boolean needsMetadata(EventOverrides overrides, PipelineManifest manifest) {
        PipelineManifest.Monitoring monitoring = overrides.apply(manifest.monitoring());
        return monitoring.enabled() && monitoring.includeMetadata();
    }

    private LocalRuntime.Settings localSettings(PipelineManifest manifest) {
        Path base = manifest.source().toAbsolutePath().getParent();
        Path seed = accountSeed != null ? accountSeed : base.resolve("local-account.json");
        Path rulesPath = rules;
        if (rulesPath == null && Files.isDirectory(base.resolve("rules"))) {
            rulesPath = base.resolve("rules");
        }
        if (rulesPath != null && !Files.exists(rulesPath)) {
            throw new IllegalArgumentException("--rules: " + rulesPath + " does not exist");
        }
        Path account = stateDir.resolve("account.json");
        if (accountSeed != null && Files.exists(account)) {
            spec.commandLine().getErr().println("note: " + account + " already exists and is used; --account "
                    + accountSeed + " only seeds a new state directory (delete it, or pass another --state-dir)");
        } else if (accountSeed == null && changedSince(seed, account)) {
            spec.commandLine().getErr().println("note: " + seed + " was changed after " + account
                    + " was last written; that copy is used (it keeps what earlier runs created), not the seed;"
                    + " to start again from the seed, delete " + account);
        }
        List<SimulatedFailure> failures = new ArrayList<>();
        for (String text : simulateFailure) {
            try {
                failures.add(SimulatedFailure.parse(text));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--simulate-failure: " + e.getMessage(), e);
            }
        }
        return new LocalRuntime.Settings(stateDir, seed, rulesPath, retryDelayScale,
                eventsToAws ? EventBridgePublisher::create : null, failures);
    }

    /** Whether {@code seed} was modified after {@code copy} was (both exist). */
    private static boolean changedSince(Path seed, Path copy) {
        try {
            return Files.isRegularFile(seed) && Files.isRegularFile(copy)
                    && Files.getLastModifiedTime(seed).compareTo(Files.getLastModifiedTime(copy)) > 0
                    && Files.mismatch(seed, copy) >= 0;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private DeployOutcome deployLocal(LocalRuntime runtime, DeploymentInput input, BundlePackager.PackedBundle bundle,
                                      ProgressPrinter progress, Debug debug) {
        progress.header(input.pipelineName(), input.target().name(), input.target().stage(), input.deploymentId(),
                "locally");
        LocalProgress listener = new LocalProgress(progress, retryDelayScale);
        LocalRun run = runtime.deploy(input, bundle, listener);
        var execution = run.execution();
        // A run that ended without a phase reporting a failure (stopped, timed out) was settled by
        // the lifecycle: its failed phase and error are what its Deploy-Failed says (or would say,
        // with events off).
        Optional<JsonNode> settled = Optional.ofNullable(run.settlement());
        Optional<String> failedPhase = listener.failedPhase().map(Stage::value).or(() -> settled
                .map(s -> s.path("failedPhase").asText(null)).map(name -> Stage.of(name).value()));
        Map<String, String> error = execution.succeeded() ? null : listener.failure()
                .map(f -> Map.of("code", f.code(), "message", f.message()))
                .or(() -> settled.map(s -> s.path("error")).filter(JsonNode::isObject)
                        .map(e -> Map.of("code", e.path("code").asText(), "message", e.path("message").asText())))
                .orElse(Map.of("code", String.valueOf(execution.error()), "message", String.valueOf(execution.cause())));
        long durationMs = java.time.Duration.between(execution.startTime(), execution.stopTime()).toMillis();
        List<String> detailTypes = run.events().stream().map(DeploymentEvent::detailType).toList();
        String where = run.archiveDir() != null ? run.archiveDir().toString()
                : "EventBridge bus '" + input.monitoring().eventBusName() + "'";
        int deliveredCount = run.events().size() - run.undelivered();
        String eventsLine = !input.monitoring().enabled() ? "0 events (events disabled)"
                : run.undelivered() == 0 ? run.events().size() + " events written to " + where
                : deliveredCount + " of " + run.events().size() + " events written to " + where + ", "
                        + run.undelivered() + " undelivered (each logged whole to stderr)";
        // a run stopped with its process, or timed out, says so rather than FAILED
        progress.line(String.format("%s %s in %s: %s", execution.succeeded() ? "SUCCEEDED"
                        : "TIMED_OUT".equals(execution.status()) || "ABORTED".equals(execution.status())
                        ? execution.status() : "FAILED",
                input.deploymentId(), ProgressPrinter.duration(durationMs), eventsLine)
                // No phase reported it (e.g. States.DataLimitExceeded): the execution's own error.
                + (execution.succeeded() || listener.failure().isPresent() ? ""
                        : " (" + execution.error() + ": " + execution.cause() + ")"));
        debug.events(run.events(), run.undelivered());
        String delivered = run.deliveries().entrySet().stream().filter(e -> e.getValue() > 0)
                .map(e -> e.getKey() + " (" + e.getValue() + ")").sorted()
                .collect(java.util.stream.Collectors.joining(", "));
        if (!delivered.isEmpty()) {
            progress.line("  rules matched: " + delivered);
        }
        if (run.failedDeliveries() > 0) {
            progress.line("  failed deliveries: " + run.failedDeliveries() + ", written whole to "
                    + stateDir.resolve("dead-letter.jsonl"));
        }
        return new DeployOutcome(input.deploymentId(), input.pipelineName(), input.target().name(),
                execution.status(), durationMs, execution.executionArn(), null,
                failedPhase.orElse(null), error, new LinkedHashMap<>(listener.phases()), run.events().size(), detailTypes,
                run.archiveDir() == null ? null : run.archiveDir().toString(),
                run.archiveDir() == null ? null : run.failedDeliveries());
    }
}
