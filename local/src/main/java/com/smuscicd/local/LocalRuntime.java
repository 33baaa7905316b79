package com.smuscicd.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.smuscicd.deploy.BundleArchive;
import com.smuscicd.deploy.BundlePackager;
import com.smuscicd.deploy.DeployFunctions;
import com.smuscicd.deploy.DeploymentInput;
import com.smuscicd.deploy.ExecutionEnding;
import com.smuscicd.deploy.S3Location;
import com.smuscicd.deploy.TaskFunction;
import com.smuscicd.events.BackgroundPublisher;
import com.smuscicd.events.DeploymentEvent;
import com.smuscicd.events.EventBridgePublisher;
import com.smuscicd.events.EventPublisher;
import com.smuscicd.json.Json;
import com.smuscicd.local.asl.ExecutionListener;
import com.smuscicd.local.asl.ExecutionResult;
import com.smuscicd.local.asl.LocalStateMachineRunner;
import com.smuscicd.local.asl.StateMachineDefinition;
import com.smuscicd.local.backend.LocalAccount;
import com.smuscicd.local.backend.LocalDataZone;
import com.smuscicd.local.backend.LocalObjectStore;
import com.smuscicd.local.backend.LocalWorkflows;
import com.smuscicd.local.bus.LocalEventBus;
import com.smuscicd.local.bus.LocalRule;
import com.smuscicd.local.bus.LocalRules;
import com.smuscicd.statemachine.DeployStateMachine;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * The embedded runtime behind {@code smus-cli deploy --local}: the deployment state machine file
 * run in-process over local backends (a directory for S3, a JSON account file for DataZone and
 * workflows) and the local event bus, all under one state directory:
 *
 * <pre>
 * &lt;stateDir&gt;/account.json            the local account (created from the seed)
 * &lt;stateDir&gt;/s3/&lt;bucket&gt;/&lt;key&gt;          objects (bundles, project files)
 * &lt;stateDir&gt;/archive/smus-events/...   every event, as the monitoring stack writes them to S3
 * &lt;stateDir&gt;/logs/*.jsonl, targets/    what the local rules delivered
 * </pre>
 */
public final class LocalRuntime {

    /** The bucket local bundles are stored in. */
    public static final String BUNDLE_BUCKET = "smus-local-bundles";
    /**
     * How long a deployment waits, once the state machine has ended, for its events to be
     * published to the local bus and for the bus to finish delivering to the rules' targets; what
     * is left then is logged or dead-lettered, not lost. Enough for a few failed-event webhooks
     * that hang for all their attempts (about 15 s each).
     */
    public static final Duration DELIVERY_DRAIN_TIMEOUT = Duration.ofSeconds(60);

    /**
     * How long a stopped process waits for the running task to end: a cancelled GitHub Actions
     * job gets SIGINT, SIGTERM 7.5 s later, SIGKILL 2.5 s after that.
     */
    static final Duration STOP_WAIT = Duration.ofSeconds(3);

    /**
     * All of a stop's waits together (the task, a publish in progress, the last deliveries): within
     * the 7.5 s a cancelled GitHub Actions job gets before SIGTERM, whichever way the stop goes.
     */
    public static final Duration STOP_BUDGET = Duration.ofSeconds(7);

    /**
     * How long a stop waits for a publish in progress before it settles: its events count as sent
     * anyway (they passed the gate). Short, so that the whole stop (task, this, delivery) stays
     * within the 7.5 s a cancelled GitHub Actions job gets before SIGTERM.
     */
    static final Duration GATE_WAIT = Duration.ofSeconds(1);

    /** The cause of a local run stopped with its process. */
    static final String STOPPED = "the smus-cli process was stopped (SIGTERM or Ctrl-C)";

    /** The local state machine's name, as in its execution ARNs. */
    static final String STATE_MACHINE_NAME = "smus-cicd-deploy";

    private final Settings settings;
    private final Clock clock;
    private final StateMachineDefinition definition;
    private final LocalRules rules;
    private final LocalAccount account;
    private final LocalObjectStore store;
    private final UnaryOperator<DeployFunctions> customizer;

    /**
     * Where and how a local deployment runs.
     *
     * @param stateDir        holds everything the local runtime writes
     * @param accountSeed     the local account file to start from (copied once into the state directory)
     * @param rules           a rules file or directory, or null for none
     * @param delayScale      multiplies retry delays (the state machine's backoff, shortened locally)
     * @param publisherForBus when not null, events go to this publisher (e.g. the real EventBridge)
     *                        instead of the local bus
     * @param simulatedFailures failures the phases meet ({@code --simulate-failure}), at most one per phase
     */
    public record Settings(Path stateDir, Path accountSeed, Path rules, double delayScale,
                           Function<String, EventPublisher> publisherForBus, List<SimulatedFailure> simulatedFailures) {

        public Settings {
            simulatedFailures = List.copyOf(simulatedFailures);
            if (simulatedFailures.stream().map(SimulatedFailure::stage).distinct().count() < simulatedFailures.size()) {
                throw new IllegalArgumentException("--simulate-failure names a phase twice: " + simulatedFailures.stream()
                        .map(SimulatedFailure::describe).toList());
            }
        }

        /** Settings without simulated failures. */
        public Settings(Path stateDir, Path accountSeed, Path rules, double delayScale,
                        Function<String, EventPublisher> publisherForBus) {
            this(stateDir, accountSeed, rules, delayScale, publisherForBus, List.of());
        }
    }

    private LocalRuntime(Settings settings, Clock clock, UnaryOperator<DeployFunctions> customizer) {
        this.settings = settings;
        this.clock = clock;
        this.customizer = customizer;
        this.definition = StateMachineDefinition.parse(DeployStateMachine.definition());
        this.rules = settings.rules() == null ? LocalRules.none() : LocalRules.load(settings.rules());
        this.account = LocalAccount.open(settings.stateDir().resolve("account.json"), settings.accountSeed());
        this.store = new LocalObjectStore(settings.stateDir().resolve("s3"));
        RunJournal.prepare(settings.stateDir());
    }

    /**
     * Opens the runtime: parses the state machine, loads the rules (an invalid pattern fails here,
     * before anything runs) and opens the local account.
     */
    public static LocalRuntime create(Settings settings, Clock clock) {
        return new LocalRuntime(settings, clock, UnaryOperator.identity());
    }

    /** For tests: the same runtime with its task functions' ports replaced (fault injection). */
    static LocalRuntime create(Settings settings, Clock clock, UnaryOperator<DeployFunctions> customizer) {
        return new LocalRuntime(settings, clock, customizer);
    }

    /**
     * Hands on what the publisher still holds and delivers what the bus still has, each within
     * {@code timeout}; what is left then is logged whole or dead-lettered, not lost.
     */
    /** Publishes and delivers what is queued until {@code deadline} ({@link System#nanoTime()}); the rest is logged or dead-lettered. */
    private static void flush(BackgroundPublisher publisher, LocalEventBus bus, long deadline) {
        if (publisher != null) {
            publisher.finish(left(deadline));
        }
        if (bus != null) {
            bus.drain(left(deadline));
        }
    }

    private static Duration left(long deadline) {
        return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
    }

    private static Duration atMost(Duration wait, long deadline) {
        Duration left = left(deadline);
        return wait.compareTo(left) < 0 ? wait : left;
    }

    private static boolean await(CountDownLatch latch, Duration timeout) {
        try {
            return latch.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Publishes what an execution that ended without its terminal event still owes
     * ({@link ExecutionEnding}); nothing if it needs nothing.
     */
    private static JsonNode settle(TaskFunction lifecycle, List<ExecutionEnding.Step> steps, String status,
                                   String error, String cause, String executionArn) {
        return ExecutionEnding.owed(steps, status, error, cause, executionArn)
                .map(owed -> invokeQuietly(lifecycle, owed)).orElse(null);
    }

    /** The lifecycle's answer (its failed phase and error, events or none), or null when it failed. */
    private static JsonNode invokeQuietly(TaskFunction lifecycle, ObjectNode owed) {
        try {
            return lifecycle.invoke(owed);
        } catch (RuntimeException e) {
            // the lifecycle task is what failed (RecordFailure could not run either): the run's
            // result already says how it ended
            return null;
        }
    }

    /** Thrown into the runner at the next state once the process is being stopped. */
    private static final class StopRequested extends RuntimeException {
        StopRequested() {
            super(STOPPED, null, false, false);
        }
    }

    /**
     * Passes progress on to a listener and keeps the states the execution went through; once a
     * stop is requested, the next state is not entered.
     */
    private static final class StepRecorder implements ExecutionListener {
        private final ExecutionListener next;
        private final RunJournal journal;
        private final List<ExecutionEnding.Step> steps = new java.util.concurrent.CopyOnWriteArrayList<>();
        private volatile boolean stop;

        StepRecorder(ExecutionListener next, RunJournal journal) {
            this.next = next;
            this.journal = journal;
        }

        /** Keeps {@code step}, and writes it down. */
        private void record(ExecutionEnding.Step step) {
            journal.record(step);
            steps.add(step);
        }

        List<ExecutionEnding.Step> steps() {
            return List.copyOf(steps);
        }

        List<String> visited() {
            return steps.stream().filter(s -> s.kind() == ExecutionEnding.Kind.ENTERED).map(ExecutionEnding.Step::state)
                    .toList();
        }

        void requestStop() {
            stop = true;
        }

        @Override
        public void stateEntered(String state, String type, JsonNode input) {
            if (stop) {
                throw new StopRequested();
            }
            record(ExecutionEnding.Step.entered(state, type, input));
            next.stateEntered(state, type, input);
        }

        @Override
        public void stateExited(String state, String type, JsonNode output, Duration duration) {
            record(ExecutionEnding.Step.exited(state, type, output));
            next.stateExited(state, type, output, duration);
        }

        @Override
        public void taskStarted(String state, int attempt) {
            if (stop) {
                // as Step Functions starts no attempt of a stopped execution (a retry included)
                throw new StopRequested();
            }
            record(ExecutionEnding.Step.attempt(state, ExecutionEnding.Kind.ATTEMPT_STARTED));
            next.taskStarted(state, attempt);
        }

        @Override
        public void taskSucceeded(String state) {
            record(ExecutionEnding.Step.attempt(state, ExecutionEnding.Kind.ATTEMPT_SUCCEEDED));
            next.taskSucceeded(state);
        }

        @Override
        public void taskFailed(String state, String error, String cause, int attempt, Duration retryIn) {
            record(ExecutionEnding.Step.failedAttempt(state, error, cause));
            next.taskFailed(state, error, cause, attempt, retryIn);
        }

        @Override
        public void caughtExit(String state, String type, JsonNode output) {
            // as Step Functions lists a caught state: left, with the error where its Catch put it
            // ($.failure for a phase, $.recordFailureError for RecordFailure)
            record(ExecutionEnding.Step.exited(state, type, output));
            next.caughtExit(state, type, output);
        }

        @Override
        public void caught(String state, String error, String next) {
            this.next.caught(state, error, next);
        }
    }

    /** The local bus a deployment's events go to. */
    private LocalEventBus busFor(DeploymentInput deployment) {
        return LocalEventBus.builder()
                .stateDir(settings.stateDir())
                .account(account.accountId())
                .region(deployment.target().domain().region())
                .eventBusName(deployment.monitoring().eventBusName())
                .clock(clock)
                .rules(rules)
                .build();
    }

    /** Why a later run settles a deployment. */
    static final String LEFT_BEHIND = "the smus-cli process running it ended without ending it (killed, or the"
            + " machine went down); settled by the next run on the state directory";

    /**
     * Settles the deployments of earlier runs on this state directory whose process ended without
     * ending them (SIGKILL, a crash): each gets what a stopped execution gets, the running phase's
     * Failed and one Deploy-Failed ({@code EXECUTION_ABORTED}), from the states its journal shows
     * it reached. Call it holding the state directory's lock: then no other run is using it.
     *
     * <p>Each journal is marked settled as soon as its events are out, so a run stopped while it does
     * this does not leave one to be settled twice.
     *
     * @param notes told one line per deployment settled, for the user, as it is settled
     */
    public void settleLeftBehind(Consumer<String> notes) {
        for (RunJournal.Left left : RunJournal.leftBehind(settings.stateDir())) {
            Optional<ObjectNode> owed = left.settled() || left.deployment() == null ? Optional.empty()
                    : ExecutionEnding.owed(left.steps(), "ABORTED", null, LEFT_BEHIND, left.executionArn());
            if (owed.isPresent()) {
                DeploymentInput deployment = left.deployment();
                settleAlone(left, owed.get());
                notes.accept("deployment " + deployment.deploymentId() + " (" + deployment.pipelineName() + " to "
                        + deployment.target().name() + ") was left unfinished by a smus-cli process that ended"
                        + " without ending it; ended now as ABORTED" + (deployment.monitoring().enabled()
                        ? " (Deploy-Failed EXECUTION_ABORTED" + (RunJournal.TO_AWS.equals(left.eventsTo())
                                ? ", sent to EventBridge, where its other events went)" : ")")
                        : " (its events are off: none sent)"));
            }
            RunJournal.forget(left);
        }
    }

    /**
     * Runs the lifecycle's {@code owed} action for a deployment no run is running, its events going
     * where the run's went (the local bus, or EventBridge), whatever this run's are.
     */
    private void settleAlone(RunJournal.Left left, ObjectNode owed) {
        DeploymentInput deployment = left.deployment();
        boolean toAws = RunJournal.TO_AWS.equals(left.eventsTo());
        LocalEventBus bus = toAws ? null : busFor(deployment);
        String busName = deployment.monitoring().eventBusName();
        EventPublisher publisher = bus != null ? bus
                : settings.publisherForBus() != null ? settings.publisherForBus().apply(busName)
                : EventBridgePublisher.create(busName);
        DeployFunctions functions = new DeployFunctions(name -> publisher, new LocalDataZone(account), store,
                new LocalWorkflows(account), clock, BundleArchive.DEFAULT_MAX_BYTES);
        invokeQuietly(functions.lifecycle(), owed);
        left.markSettled();
        if (bus != null) {
            bus.drain(DELIVERY_DRAIN_TIMEOUT);
        }
    }

    /**
     * The enabled rules that are on another bus than {@code deployment}'s (in its target's region,
     * where the local bus puts its events): they match none of its events, as in EventBridge.
     */
    public List<LocalRule> rulesNotOn(DeploymentInput deployment) {
        List<LocalRule> on = rules.enabledOn(deployment.monitoring().eventBusName(), account.accountId(),
                deployment.target().domain().region());
        return rules.enabled().stream().filter(rule -> !on.contains(rule)).toList();
    }

    /** The local object store (bundles and project files). */
    public LocalObjectStore store() {
        return store;
    }

    /**
     * Stores the bundle and runs one deployment to its end.
     *
     * @param input  the execution input; its bundle field is set here
     * @param bundle the packed bundle
     */
    public LocalRun deploy(DeploymentInput input, BundlePackager.PackedBundle bundle, ExecutionListener listener) {
        return deploy(input, bundle, listener, ShutdownHooks.RUNTIME);
    }

    /** Where a run registers what to do if the process is stopped in the middle of it. */
    interface ShutdownHooks {
        void add(Thread hook);

        void remove(Thread hook);

        /** The JVM's: SIGTERM, SIGINT (Ctrl-C) and System.exit run them. */
        ShutdownHooks RUNTIME = new ShutdownHooks() {
            @Override
            public void add(Thread hook) {
                Runtime.getRuntime().addShutdownHook(hook);
            }

            @Override
            public void remove(Thread hook) {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // the hook is running or has run
                }
            }
        };
    }

    /**
     * As {@link #deploy(DeploymentInput, BundlePackager.PackedBundle, ExecutionListener)}; if the
     * process is stopped meanwhile (SIGTERM from a cancelled CI job, Ctrl-C), the run stops at the
     * next state and ends as Step Functions' stopped executions do: ABORTED, with the running
     * phase's Failed and Deploy-Failed ({@code EXECUTION_ABORTED}) published and delivered. A task
     * that does not finish within {@link #STOP_WAIT} is not waited for: the events are published
     * from the stopping thread.
     */
    LocalRun deploy(DeploymentInput input, BundlePackager.PackedBundle bundle, ExecutionListener listener,
                    ShutdownHooks hooks) {
        S3Location bundleLocation = new S3Location(BUNDLE_BUCKET, input.pipelineName() + "/" + input.target().name()
                + "/" + bundle.digest().substring("sha256:".length()) + ".zip");
        store.put(bundleLocation, bundle.zip(), BundleArchive.sha256Hex(bundle.zip()));
        DeploymentInput withBundle = new DeploymentInput(input.deploymentId(), input.pipelineName(), input.target(),
                input.monitoring(), input.metadata(),
                new DeploymentInput.BundleRef(bundleLocation.toString(), bundle.digest(), bundle.bytes()),
                bundle.workflows(), input.assets(), input.requestedAt());

        LocalEventBus bus = null;
        CountingPublisher publisher;
        EventPublisher emitTo;
        BackgroundPublisher background = null;
        if (settings.publisherForBus() != null) {
            // Synchronous: a publisher to AWS reports undelivered events on stderr, and they belong
            // among the deployment's own output lines, where they happened.
            publisher = new CountingPublisher(settings.publisherForBus().apply(withBundle.monitoring().eventBusName()));
            emitTo = publisher;
        } else {
            bus = busFor(withBundle);
            publisher = new CountingPublisher(bus);
            // The bus archives and matches each event as it is published; in the background, the
            // tasks go on meanwhile. One thread, in emission order: the same files, lines and
            // deliveries as when the tasks publish themselves.
            background = BackgroundPublisher.create(publisher);
            emitTo = background;
        }
        // Once a stop has settled the deployment, what the still-running task publishes is late:
        // it would come after Deploy-Failed, so it is logged whole instead of delivered.
        LateGate gate = new LateGate(emitTo);
        DeployFunctions functions = customizer.apply(new DeployFunctions(bus_ -> gate,
                new LocalDataZone(account), store, new LocalWorkflows(account), clock,
                BundleArchive.DEFAULT_MAX_BYTES));
        LocalStateMachineRunner runner = new LocalStateMachineRunner(definition,
                functions.byPlaceholder(phase -> SimulatedFailure.around(phase, settings.simulatedFailures())),
                new LocalStateMachineRunner.Options(settings.delayScale(), clock, Math::random, STATE_MACHINE_NAME));
        Map<String, Object> executionInput = Map.of("deployment", withBundle);
        String executionArn = LocalStateMachineRunner.executionArn(STATE_MACHINE_NAME, withBundle.deploymentId());
        ExecutionResult result;
        List<DeploymentEvent> notPublished = List.of();
        // written down as it goes: if this process is killed, the next run settles the deployment
        RunJournal journal = RunJournal.start(settings.stateDir(), executionArn, withBundle,
                settings.publisherForBus() != null ? RunJournal.TO_AWS : RunJournal.TO_LOCAL_BUS);
        StepRecorder steps = new StepRecorder(listener, journal);
        TaskFunction lifecycle = functions.byPlaceholder().get(DeployFunctions.LIFECYCLE);
        // exactly one thread settles the deployment: the run's own, or the stopping one
        AtomicBoolean settleClaimed = new AtomicBoolean();
        CountDownLatch runEnded = new CountDownLatch(1);
        CountDownLatch delivered = new CountDownLatch(1);
        LocalEventBus stopBus = bus;
        BackgroundPublisher stopPublisher = background;
        AtomicReference<ExecutionResult> ended = new AtomicReference<>();
        // what the lifecycle said when it settled an ending that skipped RecordFailure
        AtomicReference<JsonNode> settlement = new AtomicReference<>();
        Thread onStop = new Thread(() -> {
            long deadline = System.nanoTime() + STOP_BUDGET.toNanos();
            // the stop's own sends (to AWS, with --events-to-aws) may hang: they run on a thread of
            // their own, and whatever is still unsent when the budget is spent is written out whole
            steps.requestStop();
            // a retry delay in progress would hold the run: it makes no further attempt anyway
            runner.cutWaits();
            Thread stopping = new Thread(() -> {
                if (!await(runEnded, STOP_WAIT) && settleClaimed.compareAndSet(false, true)) {
                    // the running task does not end in time: settle the deployment from here. The steps
                    // are read before closing: what a task does after it shows in them only if its
                    // events passed the gate too (a phase's own Completed or Failed is then its end).
                    List<ExecutionEnding.Step> seen = new ArrayList<>(steps.steps());
                    gate.closeToAllBut(Thread.currentThread(), GATE_WAIT);
                    Optional<ObjectNode> owed;
                    ExecutionResult endedAlone = ended.get();
                    try {
                        seen.addAll(gate.phaseEnds());
                        owed = endedAlone == null
                                ? ExecutionEnding.owed(seen, "ABORTED", null, STOPPED, executionArn)
                                // the run had just ended on its own: settle it as it ended
                                : ExecutionEnding.owed(seen, endedAlone.status(), endedAlone.error(),
                                        endedAlone.cause(), executionArn);
                    } catch (RuntimeException e) {
                        // never leave the gate closed with nobody to settle: the run goes on as without a stop
                        settleClaimed.set(false);
                        gate.reopen(left(deadline));
                        throw e;
                    }
                    if (owed.isPresent()) {
                        gate.settled();
                        System.err.println("smus-cli stopped: ending deployment " + withBundle.deploymentId()
                                + " as " + (endedAlone == null ? "ABORTED" : endedAlone.status()) + " (Deploy-Failed)");
                        settlement.set(invokeQuietly(lifecycle, owed.get()));
                        journal.settled();
                        flush(stopPublisher, stopBus, deadline);
                        return;
                    }
                    // nothing owed: the task running is DeployCompleted or RecordFailure, which publishes
                    // the terminal event itself; let it through, and should it fail instead, leave the
                    // settling to the run (which stops at its next state), then wait as for any run's end
                    settleClaimed.set(false);
                    gate.reopen(left(deadline));
                    // the run may have looked for the claim while this thread held it, and left the
                    // settling here: once it has ended, whoever claims now settles it as it ended
                    if (await(runEnded, atMost(GATE_WAIT, deadline)) && settleClaimed.compareAndSet(false, true)
                            && ended.get() != null) {
                        ExecutionResult endedNow = ended.get();
                        settlement.set(settle(lifecycle, steps.steps(), endedNow.status(), endedNow.error(),
                                endedNow.cause(), executionArn));
                        journal.settled();
                        flush(stopPublisher, stopBus, deadline);
                        return;
                    }
                }
                // the run settles itself: give its deliveries a little time before the process ends, then
                // log or dead-letter what is left rather than let it vanish with the process
                if (!await(delivered, left(deadline))) {
                    flush(stopPublisher, stopBus, System.nanoTime());
                }
            }, "smus-cli-stopping");
            stopping.setDaemon(true);
            stopping.start();
            try {
                stopping.join(Math.max(1, left(deadline).toMillis()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (delivered.getCount() > 0) {
                // the run has not finished, and the process ends now: dead-letter the deliveries
                // still pending, and write whole what is held or still being sent
                flush(stopPublisher, stopBus, System.nanoTime());
                gate.abandon();
            }
        }, "smus-cli-stopped");
        hooks.add(onStop);
        Instant started = clock.instant();
        try {
            try {
                result = runner.run(withBundle.deploymentId(), Json.tree(executionInput), steps);
            } catch (StopRequested e) {
                result = new ExecutionResult(executionArn, "ABORTED", null, "ExecutionAborted", STOPPED,
                        steps.visited(), started, clock.instant());
            }
            ended.set(result);
            // an ending that skipped RecordFailure (stopped, timed out, data limit, RecordFailure
            // failing) still owes the deployment its terminal event, as the status-change rule settles it in AWS
            if (settleClaimed.compareAndSet(false, true)) {
                settlement.set(settle(lifecycle, steps.steps(), result.status(), result.error(), result.cause(),
                        executionArn));
            }
            journal.settled();
        } finally {
            runEnded.countDown();
            long deadline = System.nanoTime() + DELIVERY_DRAIN_TIMEOUT.toNanos();
            if (background != null) {
                notPublished = background.finish(DELIVERY_DRAIN_TIMEOUT);
            }
            // The bus delivers in the background so that targets never slow the tasks; the run is
            // complete (log files, dead letters, delivery counts) only once those deliveries are.
            if (bus != null) {
                bus.drain(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
            }
            delivered.countDown();
            hooks.remove(onStop);
            journal.close();
        }
        // Events given up on come after every published one: the queue is first in, first out.
        List<DeploymentEvent> events = new ArrayList<>(publisher.events());
        events.addAll(notPublished);
        List<DeploymentEvent> late = gate.late();
        events.addAll(late);
        return new LocalRun(withBundle, result, events,
                publisher.undelivered() + notPublished.size() + late.size(),
                bus == null ? null : bus.archiveDir(),
                bus == null ? Map.of() : bus.stats().deliveriesByRule(),
                bus == null ? 0 : bus.stats().failedDeliveries(), settlement.get());
    }
}
