package com.smuscicd.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.smuscicd.deploy.BundleStore;
import com.smuscicd.deploy.DataZoneGateway;
import com.smuscicd.deploy.DeployFunctions;
import com.smuscicd.deploy.S3Location;
import com.smuscicd.deploy.WorkflowGateway;
import com.smuscicd.errors.PhaseFailure;
import com.smuscicd.errors.RetryablePhaseException;
import com.smuscicd.events.DeploymentEvent;
import com.smuscicd.events.Stage;
import com.smuscicd.testsupport.TestTrees;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class LocalDeploymentTest {

    @TempDir
    Path stateDir;

    private static List<String> types(LocalRun run) {
        return run.events().stream().map(DeploymentEvent::detailType).toList();
    }

    @Test
    void deploy_whenEverythingWorks_emitsTheTenEventsInOrder() {
        LocalRun run = new DeploymentScenario(stateDir).deploy("dev");

        assertThat(run.execution().status()).isEqualTo("SUCCEEDED");
        assertThat(types(run)).containsExactly(
                "SMUS-CICD-Deploy-Started",
                "SMUS-CICD-Deploy-ProjectInitialization-Started",
                "SMUS-CICD-Deploy-ProjectInitialization-Completed",
                "SMUS-CICD-Deploy-BundleUpload-Started",
                "SMUS-CICD-Deploy-BundleUpload-Completed",
                "SMUS-CICD-Deploy-WorkflowCreation-Started",
                "SMUS-CICD-Deploy-WorkflowCreation-Completed",
                "SMUS-CICD-Deploy-CatalogAssets-Started",
                "SMUS-CICD-Deploy-CatalogAssets-Completed",
                "SMUS-CICD-Deploy-Completed");
        assertThat(run.events()).extracting(e -> e.detail().sequence())
                .containsExactlyElementsOf(IntStream.rangeClosed(1, 10).boxed().toList());
        EventInvariants.check(run.events());
    }

    @Test
    void deploy_whenEverythingWorks_reportsWhatEachPhaseDid() {
        LocalRun run = new DeploymentScenario(stateDir).deploy("dev");

        var details = run.events().stream().filter(e -> e.detailType().endsWith("-Completed"))
                .collect(java.util.stream.Collectors.toMap(DeploymentEvent::detailType, e -> e.detail().details()));
        assertThat(details.get("SMUS-CICD-Deploy-ProjectInitialization-Completed"))
                .containsEntry("projectCreated", true).containsKey("projectId");
        assertThat(details.get("SMUS-CICD-Deploy-BundleUpload-Completed"))
                .containsEntry("files", 3).containsEntry("uploaded", 3).containsEntry("unchanged", 0);
        assertThat(details.get("SMUS-CICD-Deploy-WorkflowCreation-Completed"))
                .containsEntry("count", 2).containsEntry("created", 2);
        assertThat(details.get("SMUS-CICD-Deploy-CatalogAssets-Completed"))
                .containsEntry("count", 2).containsEntry("requested", 2);
        DeploymentEvent completed = run.events().get(9);
        assertThat(completed.detail().durationMs()).isNotNull();
        assertThat(completed.detail().target().project().id()).isNotNull();
        assertThat(completed.detail().metadata()).isEqualTo(DeploymentScenario.METADATA);
    }

    @Test
    void deploy_whenEverythingWorks_recordsEachWorkflowInTheLocalAccountWithItsDomainsRegion() throws Exception {
        LocalRun run = new DeploymentScenario(stateDir).deploy("dev");

        assertThat(run.execution().succeeded()).isTrue();
        JsonNode account = new ObjectMapper().readTree(stateDir.resolve("account.json").toFile());
        List<JsonNode> workflows = new ArrayList<>();
        account.path("domains").forEach(domain -> domain.path("workflows").forEach(workflows::add));
        assertThat(workflows).extracting(w -> w.path("name").asText())
                .containsExactlyInAnyOrder("daily_sales_etl", "weekly_report");
        assertThat(workflows).allSatisfy(w -> {
            assertThat(w.path("region").asText()).isEqualTo("us-east-1");
            assertThat(w.path("version").asInt()).isEqualTo(1);
            assertThat(w.path("definitionLocation").asText()).startsWith("s3://").contains("/workflows/dags/");
        });
    }

    @Test
    void deploy_whenRunTwice_convergesAndEmitsAFreshCompleteSequence() {
        DeploymentScenario scenario = new DeploymentScenario(stateDir);
        LocalRun first = scenario.deploy("dev");
        LocalRun second = scenario.deploy("dev");

        assertThat(second.execution().succeeded()).isTrue();
        assertThat(types(second)).isEqualTo(types(first));
        assertThat(second.events().get(0).detail().deploymentId())
                .isNotEqualTo(first.events().get(0).detail().deploymentId());
        var details = second.events().stream().filter(e -> e.detailType().endsWith("-Completed"))
                .collect(java.util.stream.Collectors.toMap(DeploymentEvent::detailType, e -> e.detail().details()));
        assertThat(details.get("SMUS-CICD-Deploy-ProjectInitialization-Completed")).containsEntry("projectCreated", false);
        assertThat(details.get("SMUS-CICD-Deploy-BundleUpload-Completed")).containsEntry("uploaded", 0)
                .containsEntry("unchanged", 3);
        assertThat(details.get("SMUS-CICD-Deploy-WorkflowCreation-Completed")).containsEntry("unchanged", 2);
        assertThat(details.get("SMUS-CICD-Deploy-CatalogAssets-Completed")).containsEntry("requested", 0)
                .containsEntry("alreadySubscribed", 2);
        EventInvariants.check(second.events());
    }

    @Test
    void deploy_whenThePipelineHasNothingToDeploy_everyPhaseStillRunsAndCompletesWithCountZero() throws Exception {
        Path dir = Files.createDirectories(stateDir.resolve("empty-pipeline"));
        Files.writeString(dir.resolve("pipeline.yaml"), """
                pipelineName: EmptyPipeline
                monitoring:
                  eventbridge:
                    enabled: true
                targets:
                  dev:
                    stage: DEV
                    domain: {name: analytics-dev, region: us-east-1}
                    project: {name: empty-project, create: true}
                """);
        Files.copy(DeploymentScenario.EXAMPLE.resolveSibling("local-account.json"), dir.resolve("local-account.json"));

        LocalRun run = new DeploymentScenario(stateDir.resolve("state"), dir.resolve("pipeline.yaml")).deploy("dev");

        assertThat(run.execution().succeeded()).isTrue();
        assertThat(run.events()).hasSize(10);
        var details = run.events().stream().filter(e -> e.detailType().endsWith("-Completed"))
                .collect(java.util.stream.Collectors.toMap(DeploymentEvent::detailType, e -> e.detail().details()));
        assertThat(details.get("SMUS-CICD-Deploy-BundleUpload-Completed")).containsEntry("files", 0);
        assertThat(details.get("SMUS-CICD-Deploy-WorkflowCreation-Completed")).containsEntry("count", 0);
        assertThat(details.get("SMUS-CICD-Deploy-CatalogAssets-Completed")).containsEntry("count", 0);
        assertThat(run.events()).allSatisfy(e -> assertThat(e.detail().metadata()).isEqualTo(DeploymentScenario.METADATA));
        EventInvariants.check(run.events());
    }

    @Test
    void deploy_whenADependencyFailsMidwayAndTheRunIsRepeated_convergesOnTheSecondRun() {
        DeploymentScenario scenario = new DeploymentScenario(stateDir);
        LocalRun broken = scenario.deploy("dev", Faults.in(Stage.CATALOG_ASSETS,
                () -> new RetryablePhaseException("SERVICE_UNAVAILABLE", "503 from DataZone"), Integer.MAX_VALUE));
        LocalRun repeated = scenario.deploy("dev");

        assertThat(broken.execution().status()).isEqualTo("FAILED");
        assertThat(repeated.execution().succeeded()).isTrue();
        var details = repeated.events().stream().filter(e -> e.detailType().endsWith("-Completed"))
                .collect(java.util.stream.Collectors.toMap(DeploymentEvent::detailType, e -> e.detail().details()));
        assertThat(details.get("SMUS-CICD-Deploy-ProjectInitialization-Completed")).containsEntry("projectCreated", false);
        assertThat(details.get("SMUS-CICD-Deploy-BundleUpload-Completed")).containsEntry("uploaded", 0);
        assertThat(details.get("SMUS-CICD-Deploy-WorkflowCreation-Completed")).containsEntry("unchanged", 2);
        assertThat(details.get("SMUS-CICD-Deploy-CatalogAssets-Completed")).containsEntry("requested", 2);
        EventInvariants.check(broken.events());
        EventInvariants.check(repeated.events());
    }

    @Test
    void deploy_whenProjectMissingAndCreateFalse_failsInProjectInitialization() {
        LocalRun run = new DeploymentScenario(stateDir).deploy("broken");

        assertThat(run.execution().status()).isEqualTo("FAILED");
        assertThat(types(run)).containsExactly(
                "SMUS-CICD-Deploy-Started",
                "SMUS-CICD-Deploy-ProjectInitialization-Started",
                "SMUS-CICD-Deploy-ProjectInitialization-Failed",
                "SMUS-CICD-Deploy-Failed");
        DeploymentEvent failed = run.events().get(3);
        assertThat(failed.detail().error().code()).isEqualTo("PROJECT_NOT_FOUND");
        assertThat(failed.detail().sequence()).isEqualTo(4);
        assertThat(failed.detail().details()).containsEntry("failedPhase", "project-init");
        EventInvariants.check(run.events());
    }

    @ParameterizedTest
    @EnumSource(value = Stage.class, names = "DEPLOY", mode = EnumSource.Mode.EXCLUDE)
    void deploy_whenAPhaseFailsPermanently_emitsItsFailedThenOneDeployFailedAndNothingAfter(Stage phase) {
        LocalRun run = new DeploymentScenario(stateDir).deploy("dev",
                Faults.in(phase, () -> new PhaseFailure("INJECTED_FAULT", "injected into " + phase), Integer.MAX_VALUE));

        assertThat(run.execution().status()).isEqualTo("FAILED");
        List<String> types = types(run);
        assertThat(types).endsWith(phase.detailType(com.smuscicd.events.Status.FAILED), "SMUS-CICD-Deploy-Failed");
        assertThat(types).hasSize(2 * phase.position() + 2);
        Stage.phases().stream().filter(p -> p.position() > phase.position())
                .forEach(later -> assertThat(types).noneMatch(t -> t.contains(later.phaseName())));
        DeploymentEvent deployFailed = run.events().get(run.events().size() - 1);
        assertThat(deployFailed.detail().error().code()).isEqualTo("INJECTED_FAULT");
        assertThat(deployFailed.detail().details()).containsEntry("failedPhase", phase.value());
        EventInvariants.check(run.events());
    }

    @ParameterizedTest
    @EnumSource(value = Stage.class, names = "DEPLOY", mode = EnumSource.Mode.EXCLUDE)
    void deploy_whenAPhaseFailsTransientlyOnce_retriesAndSucceeds(Stage phase) throws java.io.IOException {
        AtomicInteger fired = new AtomicInteger();
        LocalRun run = new DeploymentScenario(stateDir).deploy("dev",
                Faults.in(phase, () -> new RetryablePhaseException("THROTTLED", "slow down"), 1, fired));

        assertThat(run.execution().status()).isEqualTo("SUCCEEDED");
        assertThat(fired).hasValue(1);
        assertThat(run.events()).hasSize(10);
        assertThat(archivedTypes()).containsExactlyInAnyOrderElementsOf(types(run));
        EventInvariants.check(run.events());
    }

    @ParameterizedTest
    @EnumSource(value = Stage.class, names = "DEPLOY", mode = EnumSource.Mode.EXCLUDE)
    void deploy_whenRetriesAreSpent_theFailurePathEmitsThePhaseFailedEvent(Stage phase) throws java.io.IOException {
        AtomicInteger fired = new AtomicInteger();
        LocalRun run = new DeploymentScenario(stateDir).deploy("dev",
                Faults.in(phase, () -> new RetryablePhaseException("THROTTLED", "still throttled"), Integer.MAX_VALUE,
                        fired));

        assertThat(run.execution().status()).isEqualTo("FAILED");
        // the ASL's retry of RetryablePhaseException: the first attempt and 3 more, then no more
        assertThat(fired).hasValue(4);
        assertThat(archivedTypes()).containsExactlyInAnyOrderElementsOf(types(run));
        assertThat(types(run)).endsWith(phase.detailType(com.smuscicd.events.Status.FAILED), "SMUS-CICD-Deploy-Failed");
        DeploymentEvent phaseFailed = run.events().get(run.events().size() - 2);
        assertThat(phaseFailed.detail().error().code()).isEqualTo("THROTTLED");
        assertThat(phaseFailed.detail().durationMs()).isNotNull();
        EventInvariants.check(run.events());
    }

    @Test
    void deploy_whenAPhaseThrowsAnUnexpectedException_reportsInternalError() {
        LocalRun run = new DeploymentScenario(stateDir).deploy("dev",
                Faults.in(Stage.WORKFLOW_CREATION, () -> new IllegalStateException("boom"), Integer.MAX_VALUE));

        assertThat(run.execution().status()).isEqualTo("FAILED");
        DeploymentEvent last = run.events().get(run.events().size() - 1);
        assertThat(last.detail().error().code()).isEqualTo("INTERNAL_ERROR");
        assertThat(last.detail().error().message()).contains("boom");
        EventInvariants.check(run.events());
    }

    @Test
    void deploy_whenSuccessful_archivesEveryEventAndDeliversToMatchingRules() throws Exception {
        LocalRun run = new DeploymentScenario(stateDir).deploy("dev");

        try (Stream<Path> files = Files.walk(run.archiveDir())) {
            List<Path> archived = files.filter(Files::isRegularFile).toList();
            assertThat(archived).hasSize(10);
            assertThat(archived).allSatisfy(p -> assertThat(run.archiveDir().relativize(p).toString())
                    .matches("smus-events/\\d{4}/\\d{2}/\\d{2}/[0-9a-f-]{36}\\.json"));
        }
        Path allEvents = stateDir.resolve("logs").resolve("aws_events_smus-deploy.jsonl");
        assertThat(Files.readAllLines(allEvents)).hasSize(10);
        Path success = stateDir.resolve("logs").resolve("aws_events_smus-deploy-success.jsonl");
        assertThat(Files.readAllLines(success)).hasSize(1).allMatch(l -> l.contains("SMUS-CICD-Deploy-Completed"));
    }

    @Test
    void deploy_whenTheExecutionTimesOutAfterAPhase_stillEndsTheDeploymentWithDeployFailed() {
        // the execution's own timeout: Catchers do not apply, so RecordFailure never runs
        java.util.concurrent.atomic.AtomicBoolean late = new java.util.concurrent.atomic.AtomicBoolean();

        // a throttled first attempt, retried for hours: the phase completes, the execution is over time
        LocalRun run = new DeploymentScenario(stateDir).deploy("dev", unavailableFromThenOn(late, 1), lateClock(late));

        assertThat(run.execution().status()).isEqualTo("TIMED_OUT");
        assertThat(types(run)).endsWith("SMUS-CICD-Deploy-WorkflowCreation-Started",
                "SMUS-CICD-Deploy-WorkflowCreation-Completed", "SMUS-CICD-Deploy-Failed");
        DeploymentEvent failed = run.events().get(run.events().size() - 1);
        assertThat(failed.detail().error().code()).isEqualTo("EXECUTION_TIMED_OUT");
        assertThat(failed.detail().error().message()).contains("timed out after WorkflowCreation");
        EventInvariants.check(run.events());
    }

    @Test
    void deploy_whenTheExecutionTimesOutOnceAPhasesRetriesAreSpent_endsItWithThePhasesOwnError() {
        java.util.concurrent.atomic.AtomicBoolean late = new java.util.concurrent.atomic.AtomicBoolean();

        LocalRun run = new DeploymentScenario(stateDir).deploy("dev", unavailableFromThenOn(late, Integer.MAX_VALUE),
                lateClock(late));

        // caught, then over time before RecordFailure: the phase's error, as Step Functions' history keeps it
        assertThat(run.execution().status()).isEqualTo("TIMED_OUT");
        assertThat(types(run)).endsWith("SMUS-CICD-Deploy-WorkflowCreation-Started",
                "SMUS-CICD-Deploy-WorkflowCreation-Failed", "SMUS-CICD-Deploy-Failed");
        assertThat(run.events().get(run.events().size() - 1).detail().error().code()).isEqualTo("SERVICE_UNAVAILABLE");
        EventInvariants.check(run.events());
    }

    /** WorkflowCreation's first {@code times} calls answer 503, and from the first one on the clock is late. */
    private static UnaryOperator<DeployFunctions> unavailableFromThenOn(java.util.concurrent.atomic.AtomicBoolean late,
                                                                       int times) {
        return Faults.in(Stage.WORKFLOW_CREATION, () -> {
            late.set(true);
            return new RetryablePhaseException("SERVICE_UNAVAILABLE", "503 from the workflow service");
        }, times);
    }

    /** The system clock, a day later once {@code late} is set. */
    private static Clock lateClock(java.util.concurrent.atomic.AtomicBoolean late) {
        return new Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return java.time.ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public java.time.Instant instant() {
                return java.time.Instant.now().plus(late.get() ? java.time.Duration.ofDays(1) : java.time.Duration.ZERO);
            }
        };
    }

    /** Starts the stopping thread as the JVM would, and returns once it has asked the run to stop. */
    private static Thread stopping(List<Thread> stops) throws InterruptedException {
        Thread stop = stops.get(0);
        stop.start();
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
        // it asks first, then waits for the run to end
        while (stop.getState() != Thread.State.TIMED_WAITING && stop.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        return stop;
    }

    /** Shutdown hooks that are kept in {@code stops} for the test to run, as the JVM would on SIGTERM. */
    private static LocalRuntime.ShutdownHooks capturing(List<Thread> stops) {
        return new LocalRuntime.ShutdownHooks() {
            @Override
            public void add(Thread hook) {
                stops.add(hook);
            }

            @Override
            public void remove(Thread hook) {
            }
        };
    }

    /** In a port call: says so on {@code inPhase}, then waits for {@code release}. */
    private static void holdUntil(java.util.concurrent.CountDownLatch inPhase, java.util.concurrent.CountDownLatch release) {
        inPhase.countDown();
        try {
            release.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** WorkflowCreation held inside its first call until {@code release}. */
    private static UnaryOperator<DeployFunctions> heldInWorkflowCreation(java.util.concurrent.CountDownLatch inPhase,
                                                                        java.util.concurrent.CountDownLatch release) {
        return Faults.calling(Stage.WORKFLOW_CREATION, () -> {
            holdUntil(inPhase, release);
        }, 1);
    }

    /** Runs the example with WorkflowCreation held; hooks go to {@code stops}. */
    private java.util.concurrent.Future<LocalRun> deployHeldInWorkflowCreation(
            java.util.concurrent.CountDownLatch inPhase, java.util.concurrent.CountDownLatch release, List<Thread> stops) {
        return java.util.concurrent.Executors.newSingleThreadExecutor().submit(() -> new DeploymentScenario(stateDir)
                .deploy("dev", heldInWorkflowCreation(inPhase, release), Clock.systemUTC(), capturing(stops)));
    }

    /** As above, the events going to {@code toAws} (as with {@code --events-to-aws}) instead of the local bus. */
    private java.util.concurrent.Future<LocalRun> deployHeldInWorkflowCreation(
            java.util.concurrent.CountDownLatch inPhase, java.util.concurrent.CountDownLatch release, List<Thread> stops,
            com.smuscicd.events.EventPublisher toAws) {
        return java.util.concurrent.Executors.newSingleThreadExecutor().submit(() -> new DeploymentScenario(stateDir)
                .deploy("dev", heldInWorkflowCreation(inPhase, release), Clock.systemUTC(), capturing(stops),
                        bus -> toAws));
    }

    @Test
    @Timeout(60)
    void deploy_whenTheProcessIsStoppedDuringATask_stopsBeforeTheNextStateAndEndsTheDeployment() throws Exception {
        var inPhase = new java.util.concurrent.CountDownLatch(1);
        var release = new java.util.concurrent.CountDownLatch(1);
        List<Thread> stops = new java.util.concurrent.CopyOnWriteArrayList<>();
        var deployment = deployHeldInWorkflowCreation(inPhase, release, stops);

        inPhase.await();
        Thread stop = stopping(stops); // what the JVM does on SIGTERM
        release.countDown();
        stop.join();
        LocalRun run = deployment.get();

        // the task that was running completes; the next state is not entered
        assertThat(run.execution().status()).isEqualTo("ABORTED");
        assertThat(types(run)).endsWith("SMUS-CICD-Deploy-WorkflowCreation-Completed", "SMUS-CICD-Deploy-Failed");
        assertThat(run.events().get(run.events().size() - 1).detail().error().code()).isEqualTo("EXECUTION_ABORTED");
        assertThat(run.execution().visited()).doesNotContain("EnterCatalogAssets");
        EventInvariants.check(run.events());
    }

    @Test
    @Timeout(60)
    void deploy_whenTheStoppedTaskDoesNotEndInTime_theStoppingThreadEndsItAndTheTasksLateEventsAreNotDelivered()
            throws Exception {
        var inPhase = new java.util.concurrent.CountDownLatch(1);
        var release = new java.util.concurrent.CountDownLatch(1);
        List<Thread> stops = new java.util.concurrent.CopyOnWriteArrayList<>();
        var deployment = deployHeldInWorkflowCreation(inPhase, release, stops);

        inPhase.await();
        Thread stop = stopping(stops);
        // past the wait for the task: the stopping thread settles, then waits for its deliveries
        Thread.sleep(LocalRuntime.STOP_WAIT.toMillis() + 300);
        release.countDown(); // the task ends while that thread still delivers, and publishes Completed
        stop.join();
        LocalRun run = deployment.get();

        List<String> archived = archivedTypes();
        assertThat(archived).containsOnlyOnce("SMUS-CICD-Deploy-Failed")
                .contains("SMUS-CICD-Deploy-WorkflowCreation-Failed")
                .doesNotContain("SMUS-CICD-Deploy-WorkflowCreation-Completed");
        // the late Completed is reported, not delivered; nobody settles a second time
        assertThat(types(run)).containsOnlyOnce("SMUS-CICD-Deploy-Failed").endsWith("SMUS-CICD-Deploy-WorkflowCreation-Completed");
        assertThat(run.undelivered()).isEqualTo(1);
    }

    @Test
    @Timeout(60)
    void deploy_whenStoppedWhileTheRunSettlesSlowly_theDeploymentIsSettledOnce() throws Exception {
        // --events-to-aws with a PutEvents slower than the stopping thread's wait
        List<String> published = new java.util.concurrent.CopyOnWriteArrayList<>();
        var slow = recording(published, "SMUS-CICD-Deploy-Failed", new java.util.concurrent.CountDownLatch(1));
        var inPhase = new java.util.concurrent.CountDownLatch(1);
        var release = new java.util.concurrent.CountDownLatch(1);
        List<Thread> stops = new java.util.concurrent.CopyOnWriteArrayList<>();
        var deployment = deployHeldInWorkflowCreation(inPhase, release, stops, slow);

        inPhase.await();
        Thread stop = stopping(stops);
        release.countDown();
        stop.join();
        deployment.get();

        assertThat(detailTypes(published)).containsOnlyOnce("SMUS-CICD-Deploy-Failed").endsWith("SMUS-CICD-Deploy-Failed");
    }

    @Test
    @Timeout(60)
    void deploy_whenStoppedWhileAPhasesCompletedIsBeingPublished_thatPhaseIsNotFailedToo() throws Exception {
        // --events-to-aws with a PutEvents still sending WorkflowCreation-Completed when the stop takes over
        List<String> published = new java.util.concurrent.CopyOnWriteArrayList<>();
        var completedSending = new java.util.concurrent.CountDownLatch(1);
        // still sending Completed when the stopping thread stops waiting for the task
        var slow = recording(published, "SMUS-CICD-Deploy-WorkflowCreation-Completed", completedSending);
        var inPhase = new java.util.concurrent.CountDownLatch(1);
        var release = new java.util.concurrent.CountDownLatch(1);
        List<Thread> stops = new java.util.concurrent.CopyOnWriteArrayList<>();
        var deployment = deployHeldInWorkflowCreation(inPhase, release, stops, slow);

        assertThat(inPhase.await(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        Thread stop = stopping(stops);
        release.countDown(); // the phase ends at once; its Completed takes longer to send than the wait
        assertThat(completedSending.await(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        stop.join();
        deployment.get();

        assertThat(detailTypes(published))
                .containsOnlyOnce("SMUS-CICD-Deploy-WorkflowCreation-Completed", "SMUS-CICD-Deploy-Failed")
                .doesNotContain("SMUS-CICD-Deploy-WorkflowCreation-Failed")
                .endsWith("SMUS-CICD-Deploy-Failed");
    }

    @Test
    void deploy_whenAPhasesResultIsTooLargeAfterItCompleted_endsOnlyTheDeployment() {
        // ProjectInitialization returns a result the state machine cannot hold (States.DataLimitExceeded)
        UnaryOperator<DeployFunctions> hugeRole = f -> {
            DataZoneGateway real = f.dataZone();
            DataZoneGateway grown = (DataZoneGateway) java.lang.reflect.Proxy.newProxyInstance(
                    DataZoneGateway.class.getClassLoader(), new Class<?>[] {DataZoneGateway.class}, (proxy, method, args) -> {
                        Object result;
                        try {
                            result = method.invoke(real, args);
                        } catch (java.lang.reflect.InvocationTargetException e) {
                            throw e.getCause();
                        }
                        if (result instanceof DataZoneGateway.ProjectResources resources) {
                            return new DataZoneGateway.ProjectResources(resources.s3Location(),
                                    "arn:aws:iam::123456789012:role/" + "x".repeat(270_000));
                        }
                        return result;
                    });
            return new DeployFunctions(f.publisherForBus(), grown, f.bundles(), f.workflows(), f.clock(),
                    f.maxBundleBytes());
        };

        LocalRun run = new DeploymentScenario(stateDir).deploy("dev", hugeRole);

        assertThat(run.execution().error()).isEqualTo("States.DataLimitExceeded");
        assertThat(types(run)).endsWith("SMUS-CICD-Deploy-ProjectInitialization-Completed", "SMUS-CICD-Deploy-Failed")
                .doesNotContain("SMUS-CICD-Deploy-ProjectInitialization-Failed");
        EventInvariants.check(run.events());
    }

    @Test
    @Timeout(60)
    void deploy_whenStoppedWhileTheRunStillDelivers_deadLettersWhatIsLeftInsteadOfLosingIt() throws Exception {
        var answer = new java.util.concurrent.CountDownLatch(1);
        com.sun.net.httpserver.HttpServer hook = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        hook.createContext("/", exchange -> {
            try {
                answer.await(30, java.util.concurrent.TimeUnit.SECONDS); // a webhook that hangs
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        hook.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        hook.start();
        Path dir = Files.createDirectories(stateDir.resolveSibling(stateDir.getFileName() + "-pipeline"));
        for (Path p : List.of(Path.of("pipeline.yaml"), Path.of("local-account.json"))) {
            Files.copy(DeploymentScenario.EXAMPLE.resolveSibling(p.toString()), dir.resolve(p));
        }
        TestTrees.copy(DeploymentScenario.EXAMPLE.resolveSibling("src"), dir.resolve("src"));
        TestTrees.copy(DeploymentScenario.EXAMPLE.resolveSibling("workflows"), dir.resolve("workflows"));
        Files.createDirectories(dir.resolve("rules"));
        Files.writeString(dir.resolve("rules/hook.json"), """
                {"Name": "hook", "EventPattern": {"detail-type": ["SMUS-CICD-Deploy-Completed"]},
                 "Targets": [{"Id": "1", "HttpEndpoint": "http://127.0.0.1:%d/hook"}]}
                """.formatted(hook.getAddress().getPort()));
        List<Thread> stops = new java.util.concurrent.CopyOnWriteArrayList<>();
        try {
            var deployment = java.util.concurrent.Executors.newSingleThreadExecutor().submit(() ->
                    new DeploymentScenario(stateDir.resolve("state"), dir.resolve("pipeline.yaml"))
                            .deploy("dev", UnaryOperator.identity(), Clock.systemUTC(), capturing(stops)));
            Path deadLetters = stateDir.resolve("state").resolve("dead-letter.jsonl");
            // the run has ended and waits for the webhook
            while (stops.isEmpty() || !Files.exists(stateDir.resolve("state/archive"))
                    || archivedLines(stateDir.resolve("state/archive")).stream().noneMatch(l -> l.contains("Deploy-Completed"))) {
                Thread.sleep(50);
            }
            Thread.sleep(300);
            Thread stop = stops.get(0);
            stop.start();
            stop.join();

            assertThat(deadLetters).exists();
            assertThat(Files.readString(deadLetters)).contains("SMUS-CICD-Deploy-Completed");
            answer.countDown();
            deployment.get();
        } finally {
            answer.countDown();
            hook.stop(0);
        }
    }

    private static List<String> archivedLines(Path archive) throws java.io.IOException {
        try (var files = Files.walk(archive)) {
            return files.filter(Files::isRegularFile).flatMap(f -> {
                try {
                    return Files.readAllLines(f).stream();
                } catch (java.io.IOException e) {
                    return java.util.stream.Stream.of();
                }
            }).toList();
        }
    }

    /** What {@link #recording} kept, without the error codes. */
    private static List<String> detailTypes(List<String> published) {
        return published.stream().map(p -> p.split(" ")[0]).toList();
    }

    /** An AWS-like publisher that records what it sends ("detail-type code") and is slow on one detail-type. */
    private static com.smuscicd.events.EventPublisher recording(List<String> published, String slowType,
                                                                java.util.concurrent.CountDownLatch sending) {
        return events -> {
            for (DeploymentEvent e : events) {
                if (e.detailType().equals(slowType) && sending.getCount() > 0) {
                    sending.countDown();
                    try {
                        Thread.sleep(LocalRuntime.STOP_WAIT.toMillis() + 1000);
                    } catch (InterruptedException x) {
                        Thread.currentThread().interrupt();
                    }
                }
                published.add(e.detailType() + (e.detail().error() == null ? "" : " " + e.detail().error().code()));
            }
            return com.smuscicd.events.EventPublisher.PublishResult.allDelivered(events.size());
        };
    }

    @Test
    @Timeout(60)
    void deploy_whenStoppedWhileEventBridgeHangs_theStopEndsInItsTimeAndWritesTheTerminalEventsWhole()
            throws Exception {
        // --events-to-aws, and EventBridge stops answering when the process is stopped
        var hanging = new java.util.concurrent.atomic.AtomicBoolean();
        var answer = new java.util.concurrent.CountDownLatch(1);
        com.smuscicd.events.EventPublisher toAws = hangingWhen(e -> hanging.get(), answer);
        var inPhase = new java.util.concurrent.CountDownLatch(1);
        var release = new java.util.concurrent.CountDownLatch(1);
        List<Thread> stops = new java.util.concurrent.CopyOnWriteArrayList<>();
        var deployment = deployHeldInWorkflowCreation(inPhase, release, stops, toAws);
        assertThat(inPhase.await(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();

        String stderr = stderrOf(() -> {
            hanging.set(true);
            Thread stop = stopping(stops);
            // the task never ends: the stop settles from its own thread, and its sends hang
            stop.join(LocalRuntime.STOP_BUDGET.toMillis() + 1500);
            assertThat(stop.isAlive()).as("the stop ended before a cancelled job's SIGKILL").isFalse();
        });

        assertThat(stderr.lines().filter(l -> l.contains("UNCONFIRMED_AT_EXIT"))
                .map(l -> com.smuscicd.json.Json.read(l).path("event").path("detail-type").asText()))
                .containsExactly("SMUS-CICD-Deploy-WorkflowCreation-Failed", "SMUS-CICD-Deploy-Failed");
        answer.countDown();
        release.countDown();
        deployment.get();
    }

    @Test
    @Timeout(60)
    void deploy_whenStoppedWhileDeployCompletedIsSentToAHangingEventBridge_writesItWholeBeforeTheProcessEnds()
            throws Exception {
        var sending = new java.util.concurrent.CountDownLatch(1);
        var answer = new java.util.concurrent.CountDownLatch(1);
        com.smuscicd.events.EventPublisher toAws = hangingWhen(e -> {
            boolean completed = e.detailType().equals("SMUS-CICD-Deploy-Completed");
            if (completed) {
                sending.countDown();
            }
            return completed;
        }, answer);
        List<Thread> stops = new java.util.concurrent.CopyOnWriteArrayList<>();
        var deployment = java.util.concurrent.Executors.newSingleThreadExecutor().submit(() ->
                new DeploymentScenario(stateDir).deploy("dev", UnaryOperator.identity(), Clock.systemUTC(),
                        capturing(stops), bus -> toAws));
        assertThat(sending.await(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();

        String stderr = stderrOf(() -> {
            Thread stop = stopping(stops);
            stop.join(LocalRuntime.STOP_BUDGET.toMillis() + 1500);
            assertThat(stop.isAlive()).as("the stop ended before a cancelled job's SIGKILL").isFalse();
        });

        // nothing was owed (DeployCompleted sends the end itself), but the send never came back
        assertThat(stderr.lines().filter(l -> l.contains("UNCONFIRMED_AT_EXIT"))
                .map(l -> com.smuscicd.json.Json.read(l).path("event").path("detail-type").asText()))
                .containsExactly("SMUS-CICD-Deploy-Completed");
        answer.countDown();
        deployment.get();
    }

    /** A publisher to AWS that answers at once, except for a batch holding an event {@code hangs} picks: until {@code answer}. */
    private static com.smuscicd.events.EventPublisher hangingWhen(
            java.util.function.Predicate<DeploymentEvent> hangs, java.util.concurrent.CountDownLatch answer) {
        return events -> {
            if (events.stream().anyMatch(hangs)) {
                try {
                    answer.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return com.smuscicd.events.EventPublisher.PublishResult.allDelivered(events.size());
        };
    }

    /** What {@code action} and every other thread meanwhile write to the error stream. */
    private static String stderrOf(ThrowingRunnable action) throws Exception {
        java.io.PrintStream original = System.err;
        var captured = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            action.run();
        } finally {
            System.setErr(original);
        }
        return captured.toString(java.nio.charset.StandardCharsets.UTF_8);
    }

    @FunctionalInterface
    private interface ThrowingRunnable {
        void run() throws Exception;
    }

    @Test
    @Timeout(60)
    void deploy_whenStoppedWhileAPhasesOwnFailedIsBeingPublished_thatPhaseIsNotFailedAgain() throws Exception {
        List<String> published = new java.util.concurrent.CopyOnWriteArrayList<>();
        var sending = new java.util.concurrent.CountDownLatch(1);
        var inPhase = new java.util.concurrent.CountDownLatch(1);
        var release = new java.util.concurrent.CountDownLatch(1);
        UnaryOperator<DeployFunctions> fails = Faults.calling(Stage.WORKFLOW_CREATION, () -> {
            holdUntil(inPhase, release);
            throw new PhaseFailure("BOOM", "the workflow service said no");
        }, 1);
        List<Thread> stops = new java.util.concurrent.CopyOnWriteArrayList<>();
        var deployment = java.util.concurrent.Executors.newSingleThreadExecutor().submit(() ->
                new DeploymentScenario(stateDir).deploy("dev", fails, Clock.systemUTC(), capturing(stops),
                        bus -> recording(published, "SMUS-CICD-Deploy-WorkflowCreation-Failed", sending)));

        assertThat(inPhase.await(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        Thread stop = stopping(stops);
        release.countDown();
        assertThat(sending.await(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        stop.join();
        deployment.get();

        assertThat(published).containsOnlyOnce("SMUS-CICD-Deploy-WorkflowCreation-Failed BOOM")
                .filteredOn(t -> t.startsWith("SMUS-CICD-Deploy-WorkflowCreation-Failed")).hasSize(1);
        assertThat(published).last().asString().startsWith("SMUS-CICD-Deploy-Failed BOOM");
    }

    @Test
    @Timeout(60)
    void deploy_whenStoppedWhileDeployCompletedIsSlowToPublish_itsTerminalEventStillGoesOut() throws Exception {
        List<String> published = new java.util.concurrent.CopyOnWriteArrayList<>();
        var inTerminal = new java.util.concurrent.CountDownLatch(1);
        UnaryOperator<DeployFunctions> stall = f -> new DeployFunctions(bus -> {
            com.smuscicd.events.EventPublisher next = f.publisherForBus().apply(bus);
            return events -> {
                if (events.stream().anyMatch(e -> e.detailType().equals("SMUS-CICD-Deploy-Completed"))) {
                    inTerminal.countDown();
                    try {
                        Thread.sleep(LocalRuntime.STOP_WAIT.toMillis() + 1500); // stalled before publishing
                    } catch (InterruptedException x) {
                        Thread.currentThread().interrupt();
                    }
                }
                return next.publish(events);
            };
        }, f.dataZone(), f.bundles(), f.workflows(), f.clock(), f.maxBundleBytes());
        List<Thread> stops = new java.util.concurrent.CopyOnWriteArrayList<>();
        var deployment = java.util.concurrent.Executors.newSingleThreadExecutor().submit(() ->
                new DeploymentScenario(stateDir).deploy("dev", stall, Clock.systemUTC(), capturing(stops),
                        bus -> recording(published, "none", new java.util.concurrent.CountDownLatch(0))));

        assertThat(inTerminal.await(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        Thread stop = stopping(stops);
        stop.join();
        deployment.get();

        assertThat(published).last().isEqualTo("SMUS-CICD-Deploy-Completed");
        assertThat(published).noneMatch(t -> t.startsWith("SMUS-CICD-Deploy-Failed"));
    }

    @Test
    @Timeout(60)
    void deploy_whenStoppedDuringAnAttemptThatWillBeRetried_startsNoFurtherAttempt() throws Exception {
        var inPhase = new java.util.concurrent.CountDownLatch(1);
        var release = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        UnaryOperator<DeployFunctions> throttled = Faults.calling(Stage.WORKFLOW_CREATION, () -> {
            if (calls.incrementAndGet() == 1) {
                holdUntil(inPhase, release);
            }
            throw new RetryablePhaseException("THROTTLED", "slow down");
        }, 1000);
        List<Thread> stops = new java.util.concurrent.CopyOnWriteArrayList<>();
        var deployment = java.util.concurrent.Executors.newSingleThreadExecutor().submit(() ->
                new DeploymentScenario(stateDir).deploy("dev", throttled, Clock.systemUTC(), capturing(stops)));

        assertThat(inPhase.await(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        Thread stop = stopping(stops);
        release.countDown();
        stop.join();
        LocalRun run = deployment.get();

        assertThat(calls.get()).isEqualTo(1);
        assertThat(run.execution().status()).isEqualTo("ABORTED");
        assertThat(types(run)).endsWith("SMUS-CICD-Deploy-WorkflowCreation-Failed", "SMUS-CICD-Deploy-Failed");
        EventInvariants.check(run.events());
    }

    @Test
    void deploy_whenRecordFailureItselfFails_theDeploymentStillGetsItsDeployFailed() {
        // --events-to-aws with a PutEvents that breaks the first time it gets Deploy-Failed
        List<String> published = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.concurrent.atomic.AtomicBoolean broke = new java.util.concurrent.atomic.AtomicBoolean();
        com.smuscicd.events.EventPublisher once = events -> {
            if (events.stream().anyMatch(e -> e.detailType().equals("SMUS-CICD-Deploy-Failed")) && broke.compareAndSet(false, true)) {
                throw new AssertionError("PutEvents broke");
            }
            events.forEach(e -> published.add(e.detailType() + (e.detail().error() == null ? "" : " " + e.detail().error().code())));
            return com.smuscicd.events.EventPublisher.PublishResult.allDelivered(events.size());
        };
        UnaryOperator<DeployFunctions> boom = Faults.in(Stage.WORKFLOW_CREATION,
                () -> new PhaseFailure("BOOM", "the workflow service said no"), 1);

        LocalRun run = new DeploymentScenario(stateDir).deploy("dev", boom, Clock.systemUTC(),
                LocalRuntime.ShutdownHooks.RUNTIME, bus -> once);

        assertThat(broke).isTrue();
        assertThat(run.execution().status()).isEqualTo("FAILED");
        assertThat(published).endsWith("SMUS-CICD-Deploy-WorkflowCreation-Failed BOOM", "SMUS-CICD-Deploy-Failed BOOM")
                .containsOnlyOnce("SMUS-CICD-Deploy-Failed BOOM");
    }

    private List<String> archivedTypes() throws java.io.IOException {
        return archivedLines(stateDir.resolve("archive")).stream()
                .map(l -> com.smuscicd.json.Json.read(l).path("detail-type").asText()).toList();
    }

    /** Port decorators that fail one phase's first calls. */
    static final class Faults {

        static UnaryOperator<DeployFunctions> in(Stage phase, java.util.function.Supplier<RuntimeException> fault,
                                                 int times) {
            return in(phase, fault, times, new AtomicInteger());
        }

        /** As {@link #in(Stage, java.util.function.Supplier, int)}, counting in {@code fired} how often the fault was thrown. */
        static UnaryOperator<DeployFunctions> in(Stage phase, java.util.function.Supplier<RuntimeException> fault,
                                                 int times, AtomicInteger fired) {
            return calling(phase, () -> {
                fired.incrementAndGet();
                throw fault.get();
            }, times);
        }

        /** Runs {@code action} in the first {@code times} calls the phase makes to its ports. */
        static UnaryOperator<DeployFunctions> calling(Stage phase, Runnable action, int times) {
            AtomicInteger left = new AtomicInteger(times);
            Runnable maybeFail = () -> {
                if (left.getAndDecrement() > 0) {
                    action.run();
                }
            };
            return f -> new DeployFunctions(f.publisherForBus(),
                    dataZone(f.dataZone(), phase, maybeFail),
                    store(f.bundles(), phase, maybeFail),
                    workflows(f.workflows(), phase, maybeFail),
                    f.clock(), f.maxBundleBytes());
        }

        private static DataZoneGateway dataZone(DataZoneGateway real, Stage phase, Runnable fail) {
            return new DataZoneGateway() {
                @Override
                public Optional<DomainRef> findDomainByName(String name, String region) {
                    if (phase == Stage.PROJECT_INITIALIZATION) {
                        fail.run();
                    }
                    return real.findDomainByName(name, region);
                }

                @Override
                public Optional<ProjectRef> findProjectByName(DomainRef domain, String name) {
                    return real.findProjectByName(domain, name);
                }

                @Override
                public ProjectRef createProject(DomainRef domain, String name) {
                    return real.createProject(domain, name);
                }

                @Override
                public S3Location projectS3Location(DomainRef domain, ProjectRef project) {
                    return real.projectS3Location(domain, project);
                }

                @Override
                public Optional<ListingRef> findListing(DomainRef domain, String assetName) {
                    if (phase == Stage.CATALOG_ASSETS) {
                        fail.run();
                    }
                    return real.findListing(domain, assetName);
                }

                @Override
                public SubscriptionOutcome subscribe(DomainRef domain, ProjectRef project, ListingRef listing,
                                                     String permission, String reason) {
                    return real.subscribe(domain, project, listing, permission, reason);
                }
            };
        }

        private static BundleStore store(BundleStore real, Stage phase, Runnable fail) {
            return new BundleStore() {
                @Override
                public InputStream open(S3Location location, String versionId) {
                    return real.open(location, versionId);
                }

                @Override
                public PutOutcome put(S3Location location, byte[] content, String sha256Hex) {
                    if (phase == Stage.BUNDLE_UPLOAD && !location.key().contains("workflows/dags/")) {
                        fail.run();
                    }
                    return real.put(location, content, sha256Hex);
                }
            };
        }

        private static WorkflowGateway workflows(WorkflowGateway real, Stage phase, Runnable fail) {
            return spec -> {
                if (phase == Stage.WORKFLOW_CREATION) {
                    fail.run();
                }
                return real.createOrUpdate(spec);
            };
        }
    }
}
