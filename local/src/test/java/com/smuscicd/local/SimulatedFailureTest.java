package com.smuscicd.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.smuscicd.events.DeploymentEvent;
import com.smuscicd.events.Stage;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code deploy --local --simulate-failure}: the phase fails as a failing dependency would make it. */
class SimulatedFailureTest {

    @TempDir
    Path stateDir;

    @Test
    void deploy_whenAPhaseIsMadeToFail_emitsItsFailedAndOneDeployFailedAndRunsNoLaterPhase() {
        LocalRun run = new DeploymentScenario(stateDir).deploy("dev",
                List.of(SimulatedFailure.parse("workflow-creation")));

        assertThat(run.execution().status()).isEqualTo("FAILED");
        assertThat(run.events()).extracting(DeploymentEvent::detailType).containsExactly(
                "SMUS-CICD-Deploy-Started",
                "SMUS-CICD-Deploy-ProjectInitialization-Started", "SMUS-CICD-Deploy-ProjectInitialization-Completed",
                "SMUS-CICD-Deploy-BundleUpload-Started", "SMUS-CICD-Deploy-BundleUpload-Completed",
                "SMUS-CICD-Deploy-WorkflowCreation-Started", "SMUS-CICD-Deploy-WorkflowCreation-Failed",
                "SMUS-CICD-Deploy-Failed");
        DeploymentEvent failed = run.events().get(7);
        assertThat(failed.detail().sequence()).isEqualTo(8);
        assertThat(failed.detail().error().code()).isEqualTo("SIMULATED_FAILURE");
        assertThat(failed.detail().error().message()).contains("--simulate-failure workflow-creation");
    }

    @Test
    void deploy_whenARetryableFailureLastsTwoAttempts_retriesAndTheDeploymentSucceeds() {
        LocalRun run = new DeploymentScenario(stateDir).deploy("dev",
                List.of(SimulatedFailure.parse("BundleUpload:throttled:2")));

        assertThat(run.execution().status()).isEqualTo("SUCCEEDED");
        assertThat(run.events()).extracting(DeploymentEvent::detailType)
                .contains("SMUS-CICD-Deploy-BundleUpload-Completed", "SMUS-CICD-Deploy-Completed")
                .doesNotContain("SMUS-CICD-Deploy-BundleUpload-Failed");
    }

    @Test
    void deploy_whenARetryableFailureLasts_theRetriesAreSpentAndThePhaseFailsWithThatCode() {
        LocalRun run = new DeploymentScenario(stateDir).deploy("dev",
                List.of(SimulatedFailure.parse("bundle-upload:SERVICE_UNAVAILABLE")));

        assertThat(run.execution().status()).isEqualTo("FAILED");
        DeploymentEvent phaseFailed = run.events().stream()
                .filter(e -> e.detailType().equals("SMUS-CICD-Deploy-BundleUpload-Failed")).findFirst().orElseThrow();
        assertThat(phaseFailed.detail().error().code()).isEqualTo("SERVICE_UNAVAILABLE");
        // 1 attempt and the state machine's 3 retries of a retryable phase failure
        assertThat(phaseFailed.detail().error().message()).endsWith("(attempt 4)");
        assertThat(run.events()).extracting(DeploymentEvent::detailType).last().isEqualTo("SMUS-CICD-Deploy-Failed");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "project-init | PROJECT_INITIALIZATION | SIMULATED_FAILURE | 0",
        "CatalogAssets:PHASE_TIMEOUT | CATALOG_ASSETS | PHASE_TIMEOUT | 0",
        "workflow-creation:network_error:3 | WORKFLOW_CREATION | NETWORK_ERROR | 3",
        "' bundle-upload:TIMEOUT ' | BUNDLE_UPLOAD | TIMEOUT | 0",
    })
    void parse_readsPhaseCodeAndAttempts(String text, Stage stage, String code, int attempts) {
        assertThat(SimulatedFailure.parse(text)).isEqualTo(new SimulatedFailure(stage, code, attempts));
    }

    @ParameterizedTest(name = "[{0}]")
    @CsvSource(delimiter = '|', value = {
        "deploy | 'deploy' is not a phase; phases: project-init, bundle-upload, workflow-creation, catalog-assets",
        "'' | is not PHASE[:CODE[:ATTEMPTS]]",
        "bundle-upload:THROTTLED:2:1 | is not PHASE[:CODE[:ATTEMPTS]]",
        "bundle-upload:not a code | is not an upper-case error code",
        "bundle-upload:THROTTLED:two | ATTEMPTS 'two' is not a whole number",
        "bundle-upload:THROTTLED:0 | ATTEMPTS must be from 1 to 100, got 0",
        "bundle-upload:THROTTLED:101 | ATTEMPTS must be from 1 to 100, got 101",
        "bundle-upload:ACCESS_DENIED:2 | only a retryable code (NETWORK_ERROR, SERVICE_UNAVAILABLE, THROTTLED, TIMEOUT)",
    })
    void parse_whenTheTextIsBad_saysWhatIsWrong(String text, String message) {
        assertThatThrownBy(() -> SimulatedFailure.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }

    @Test
    void settings_whenAPhaseIsNamedTwice_areRefused() {
        assertThatThrownBy(() -> new LocalRuntime.Settings(stateDir, null, null, 0, null,
                List.of(SimulatedFailure.parse("bundle-upload"), SimulatedFailure.parse("BundleUpload:THROTTLED"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("names a phase twice");
    }
}
