package com.smuscicd.local.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.smuscicd.errors.RetryablePhaseException;
import com.smuscicd.events.DeploymentEvent;
import com.smuscicd.events.Stage;
import com.smuscicd.events.Status;
import com.smuscicd.json.Json;
import com.smuscicd.local.DeploymentInvariants;
import com.smuscicd.testsupport.MotoServerExtension;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The fault matrix: every dependency (EventBridge, S3, DataZone, MWAA Serverless) times every
 * fault (throttling, 5xx, timeout, connection refused), transient and persistent, injected at the
 * wire while the real state machine file runs over the real AWS adapters. Each case checks the
 * deployment's outcome, that retries were bounded (attempts counted at the SDK), that no event was
 * lost, and the event invariants.
 */
class DependencyFaultMatrixTest {

    @RegisterExtension
    static final MotoServerExtension MOTO = MotoServerExtension.create().resetBeforeEach();

    private static final List<String> SUCCESS = List.of(
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
    private static final String RETRYABLE = RetryablePhaseException.class.getName();
    /** Phase attempts when a retryable error persists: the first and the ASL's MaxAttempts (3) retries. */
    private static final int PHASE_ATTEMPTS = 4;
    /** Attempts per SDK call (standard retry strategy). */
    private static final int SDK_ATTEMPTS = 3;
    /** Attempts per PutEvents entry (EventBridgePublisher default). */
    private static final int PUBLISHER_ATTEMPTS = 5;

    private static FaultHarness harness;

    @BeforeAll
    static void startHarness() {
        harness = FaultHarness.start(MOTO);
    }

    @AfterAll
    static void stopHarness() {
        harness.close();
    }

    @BeforeEach
    void reset() {
        harness.reset();
    }

    static Stream<Arguments> everyDependencyAndFault() {
        return Arrays.stream(Dependency.values())
                .flatMap(d -> Arrays.stream(Fault.values()).map(f -> Arguments.of(d, f)));
    }

    static Stream<Arguments> awsCallsAndFaults() {
        return everyDependencyAndFault().filter(a -> a.get()[0] != Dependency.EVENT_BRIDGE);
    }

    @Test
    void deploy_whenNothingFails_succeedsAndEveryEventReachesTheRulesLogGroup() {
        FaultRun run = harness.deploy();

        assertThat(run.execution().status()).as(FaultHarness.describe(run)).isEqualTo("SUCCEEDED");
        assertThat(run.detailTypes()).containsExactlyElementsOf(SUCCESS);
        assertThat(run.events()).extracting(e -> e.detail().sequence())
                .containsExactlyElementsOf(IntStream.rangeClosed(1, 10).boxed().toList());
        assertThat(run.details("SMUS-CICD-Deploy-ProjectInitialization-Completed"))
                .containsEntry("projectId", WireStubs.PROJECT_ID).containsEntry("projectCreated", true)
                .containsEntry("s3Location", "s3://" + FaultHarness.PROJECT_BUCKET + "/dzd_faults/prj_faults/dev");
        assertThat(run.details("SMUS-CICD-Deploy-BundleUpload-Completed"))
                .containsEntry("files", 3).containsEntry("uploaded", 3);
        assertThat(run.details("SMUS-CICD-Deploy-WorkflowCreation-Completed")).containsEntry("created", 2);
        assertThat(run.details("SMUS-CICD-Deploy-CatalogAssets-Completed")).containsEntry("requested", 2);
        assertThat(run.taskFailures()).isEmpty();
        for (Dependency dependency : Dependency.values()) {
            assertThat(run.attempts(dependency, dependency.firstOperation())).as(dependency.name())
                    .isEqualTo(dependency.baselineCalls());
        }
        assertThat(harness.projectObjects()).containsOnlyKeys(
                FaultHarness.PROJECT_PREFIX + "code/etl/__init__.py",
                FaultHarness.PROJECT_PREFIX + "code/etl/transform_orders.py",
                FaultHarness.PROJECT_PREFIX + "code/sql/daily_sales.sql",
                FaultHarness.PROJECT_PREFIX + "workflows/dags/daily_sales_etl.py",
                FaultHarness.PROJECT_PREFIX + "workflows/dags/weekly_report.py");
        assertThat(run.undeliveredLog()).isEmpty();
        assertThat(harness.readBack(run.deploymentId(), 10)).hasSize(10);
        harness.assertNoEventLost(run);
        DeploymentInvariants.check(run.events());
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("everyDependencyAndFault")
    void deploy_whenAFaultIsTransient_retriesAndSucceedsWithEveryEventDelivered(Dependency dependency, Fault fault) {
        FaultRun run = harness.deploy(Injection.transientFault(dependency, fault));

        assertThat(run.execution().status()).as(FaultHarness.describe(run)).isEqualTo("SUCCEEDED");
        assertThat(run.detailTypes()).containsExactlyElementsOf(SUCCESS);
        // The faulty answers were retried: one SDK call's worth more than a fault-free deployment makes.
        assertThat(run.attempts(dependency, dependency.firstOperation())).as(FaultHarness.describe(run))
                .isEqualTo(dependency.baselineCalls() + Injection.TRANSIENT_TIMES);
        if (dependency == Dependency.EVENT_BRIDGE) {
            // The publisher retried; the deployment never saw it.
            assertThat(run.taskFailures()).isEmpty();
        } else {
            // That call failed, so the state machine retried its phase, once, and nothing else.
            assertThat(run.taskFailures()).containsOnlyKeys(dependency.firstState());
            assertThat(run.failures(dependency.firstState()))
                    .singleElement().satisfies(f -> assertThat(f.error()).isEqualTo(RETRYABLE));
        }
        assertThat(run.undeliveredLog()).isEmpty();
        harness.assertNoEventLost(run);
        DeploymentInvariants.check(run.events());
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("awsCallsAndFaults")
    void deploy_whenAFaultPersists_failsInItsPhaseWithItsCodeAfterBoundedAttempts(Dependency dependency, Fault fault) {
        FaultRun run = harness.deploy(Injection.persistentFault(dependency, fault));

        Stage phase = dependency.firstPhase();
        assertThat(run.execution().status()).as(FaultHarness.describe(run)).isEqualTo("FAILED");
        assertThat(run.detailTypes()).hasSize(2 * phase.position() + 2)
                .containsExactlyElementsOf(expectedFailure(phase));
        DeploymentEvent phaseFailed = run.events().get(run.events().size() - 2);
        DeploymentEvent deployFailed = run.last();
        assertThat(phaseFailed.detail().error().code()).isEqualTo(fault.phaseErrorCode());
        assertThat(phaseFailed.detail().durationMs()).isNotNull();
        assertThat(deployFailed.detail().error().code()).isEqualTo(fault.phaseErrorCode());
        assertThat(deployFailed.detail().sequence()).isEqualTo(2 * phase.position() + 2);
        assertThat(deployFailed.detail().details()).containsEntry("failedPhase", phase.value());
        // Bounded: the phase ran 4 times, each making the failing call 3 times, and nothing after it ran.
        assertThat(run.failures(dependency.firstState())).hasSize(PHASE_ATTEMPTS)
                .allSatisfy(f -> assertThat(f.error()).isEqualTo(RETRYABLE))
                .last().satisfies(f -> assertThat(f.retryIn()).isNull());
        assertThat(run.attempts(dependency)).as(FaultHarness.describe(run))
                .isEqualTo(Map.of(dependency.firstOperation(), PHASE_ATTEMPTS * SDK_ATTEMPTS));
        if (fault == Fault.THROTTLING || fault == Fault.SERVER_ERROR) {
            assertThat(harness.server(dependency).getAllServeEvents()).hasSize(PHASE_ATTEMPTS * SDK_ATTEMPTS);
        }
        assertThat(run.undeliveredLog()).isEmpty();
        harness.assertNoEventLost(run);
        DeploymentInvariants.check(run.events());
    }

    @ParameterizedTest
    @EnumSource(Fault.class)
    void deploy_whenEventBridgeFaultPersists_succeedsAndLogsEveryEventWhole(Fault fault) {
        FaultRun run = harness.deploy(Injection.persistentFault(Dependency.EVENT_BRIDGE, fault));

        // Emission never fails a deployment.
        assertThat(run.execution().status()).as(FaultHarness.describe(run)).isEqualTo("SUCCEEDED");
        assertThat(run.detailTypes()).containsExactlyElementsOf(SUCCESS);
        assertThat(run.attempts(Dependency.EVENT_BRIDGE))
                .isEqualTo(Map.of("PutEvents", SUCCESS.size() * PUBLISHER_ATTEMPTS));
        assertThat(run.undelivered()).isEqualTo(SUCCESS.size());
        assertThat(run.undeliveredLog()).hasSize(SUCCESS.size()).allSatisfy(line -> {
            JsonNode logged = Json.read(line);
            assertThat(logged.get("level").asText()).isEqualTo("ERROR");
            assertThat(logged.get("errorCode").asText()).isEqualTo(fault.eventBridgeErrorCode());
            assertThat(logged.get("attempts").asInt()).isEqualTo(PUBLISHER_ATTEMPTS);
            assertThat(logged.get("eventBusName").asText()).isEqualTo("default");
        });
        assertThat(harness.readBack(run.deploymentId(), 0)).isEmpty();
        harness.assertNoEventLost(run);
        DeploymentInvariants.check(run.events());
    }

    private static List<String> expectedFailure(Stage failed) {
        List<String> expected = new ArrayList<>(SUCCESS.subList(0, 2 * failed.position()));
        expected.add(failed.detailType(Status.FAILED));
        expected.add("SMUS-CICD-Deploy-Failed");
        return expected;
    }
}
