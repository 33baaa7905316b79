package com.smuscicd.local.faults;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.RequestMethod;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import com.smuscicd.local.DeploymentInvariants;
import com.smuscicd.testsupport.MotoServerExtension;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A dependency goes away in the middle of a deployment and stays away: the deployment fails in the
 * phase that needed it. Once it is back, the same deployment run again converges: every phase finds
 * what the first run did and does only what is left, and the second run emits its own complete
 * event sequence.
 */
class DependencyLossConvergenceTest {

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
    private static final String RETRYABLE = "com.smuscicd.errors.RetryablePhaseException";

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

    @Test
    void deploy_whenDataZoneIsLostDuringCatalogAssetsAndRerunAfterItRecovers_converges() {
        WireMockServer dataZone = harness.server(Dependency.DATA_ZONE);
        // DataZone answers 503 to everything from the moment the first subscription was requested.
        StubMapping outage = WireStubs.dataZoneOutageAfterSubscribing(dataZone, WireStubs.SALES_ORDERS);

        FaultRun lost = harness.deploy();

        assertThat(lost.execution().status()).as(FaultHarness.describe(lost)).isEqualTo("FAILED");
        assertThat(lost.detailTypes()).containsExactlyElementsOf(List.of(
                SUCCESS.get(0), SUCCESS.get(1), SUCCESS.get(2), SUCCESS.get(3), SUCCESS.get(4), SUCCESS.get(5),
                SUCCESS.get(6), SUCCESS.get(7), "SMUS-CICD-Deploy-CatalogAssets-Failed", "SMUS-CICD-Deploy-Failed"));
        assertThat(lost.last().detail().error().code()).isEqualTo("SERVICE_UNAVAILABLE");
        assertThat(lost.last().detail().details()).containsEntry("failedPhase", "catalog-assets");
        assertThat(lost.failures("CatalogAssets")).hasSize(4).allSatisfy(f -> assertThat(f.error()).isEqualTo(RETRYABLE));
        // One successful search before the outage, then 4 phase attempts x 3 SDK attempts of the next one.
        assertThat(lost.attempts(Dependency.DATA_ZONE, "SearchListings")).isEqualTo(1 + 4 * 3);
        assertThat(lost.attempts(Dependency.DATA_ZONE, "CreateSubscriptionRequest")).isEqualTo(1);
        harness.assertNoEventLost(lost);
        DeploymentInvariants.check(lost.events());
        Map<String, String> objectsAfterFirstRun = harness.projectObjects();
        assertThat(objectsAfterFirstRun).hasSize(5);

        dataZone.removeStub(outage);
        FaultRun rerun = harness.deploy();

        assertThat(rerun.execution().status()).as(FaultHarness.describe(rerun)).isEqualTo("SUCCEEDED");
        assertFreshCompleteSequence(rerun, lost);
        assertThat(rerun.details("SMUS-CICD-Deploy-ProjectInitialization-Completed"))
                .containsEntry("projectId", WireStubs.PROJECT_ID).containsEntry("projectCreated", false);
        assertThat(rerun.details("SMUS-CICD-Deploy-BundleUpload-Completed"))
                .containsEntry("files", 3).containsEntry("uploaded", 0).containsEntry("unchanged", 3);
        assertThat(rerun.details("SMUS-CICD-Deploy-WorkflowCreation-Completed"))
                .containsEntry("count", 2).containsEntry("created", 0).containsEntry("updated", 0)
                .containsEntry("unchanged", 2);
        assertThat(rerun.details("SMUS-CICD-Deploy-CatalogAssets-Completed"))
                .containsEntry("count", 2).containsEntry("requested", 1).containsEntry("alreadySubscribed", 1);
        // Nothing done twice: no project created, no object written (HEAD only), no workflow touched,
        // only the subscription the first run did not get to.
        assertThat(rerun.attempts(Dependency.DATA_ZONE)).doesNotContainKey("CreateProject")
                .containsEntry("CreateSubscriptionRequest", 1);
        assertThat(rerun.attempts(Dependency.S3)).doesNotContainKey("PutObject").containsEntry("HeadObject", 5);
        assertThat(rerun.attempts(Dependency.WORKFLOWS)).containsOnlyKeys("ListWorkflows");
        assertThat(harness.projectObjects()).isEqualTo(objectsAfterFirstRun);
        harness.assertNoEventLost(rerun);
        DeploymentInvariants.check(rerun.events());
    }

    @Test
    void deploy_whenDataZoneIsLostJustAfterCreatingTheProjectAndRerunAfterItRecovers_findsTheProjectInsteadOfCreatingAnother() {
        WireMockServer dataZone = harness.server(Dependency.DATA_ZONE);
        // CreateProject takes effect; from then on DataZone answers 503 to everything.
        StubMapping outage = WireStubs.outageIn(dataZone, Dependency.DATA_ZONE, WireStubs.PROJECT_SCENARIO,
                WireStubs.CREATED);

        FaultRun lost = harness.deploy();

        assertThat(lost.execution().status()).as(FaultHarness.describe(lost)).isEqualTo("FAILED");
        assertThat(lost.detailTypes()).containsExactly(SUCCESS.get(0), SUCCESS.get(1),
                "SMUS-CICD-Deploy-ProjectInitialization-Failed", "SMUS-CICD-Deploy-Failed");
        assertThat(lost.last().detail().details()).containsEntry("failedPhase", "project-init");
        assertThat(lost.failures("ProjectInitialization")).hasSize(4)
                .allSatisfy(f -> assertThat(f.error()).isEqualTo(RETRYABLE));
        // The phase's retries look the project up again (and fail): none of them creates a second one.
        assertThat(lost.attempts(Dependency.DATA_ZONE, "CreateProject")).isEqualTo(1);
        harness.assertNoEventLost(lost);
        DeploymentInvariants.check(lost.events());

        dataZone.removeStub(outage);
        FaultRun rerun = harness.deploy();

        assertThat(rerun.execution().status()).as(FaultHarness.describe(rerun)).isEqualTo("SUCCEEDED");
        assertFreshCompleteSequence(rerun, lost);
        assertThat(rerun.details("SMUS-CICD-Deploy-ProjectInitialization-Completed"))
                .containsEntry("projectId", WireStubs.PROJECT_ID).containsEntry("projectCreated", false);
        assertThat(rerun.attempts(Dependency.DATA_ZONE)).doesNotContainKey("CreateProject");
        harness.assertNoEventLost(rerun);
        DeploymentInvariants.check(rerun.events());
    }

    @Test
    void deploy_whenS3IsLostDuringBundleUploadAndRerunAfterItRecovers_uploadsOnlyWhatIsMissing() {
        WireMockServer s3 = harness.server(Dependency.S3);
        // The first object written to the project reaches S3; then S3 throttles everything.
        s3.stubFor(put(urlPathMatching("/" + FaultHarness.PROJECT_BUCKET + "/.*")).atPriority(WireStubs.STATE_PRIORITY)
                .inScenario("s3-outage").whenScenarioStateIs(Scenario.STARTED).willSetStateTo("down")
                .willReturn(aResponse().proxiedFrom(MOTO.endpoint().toString()).withRemoveRequestHeader("Expect")));
        StubMapping outage = WireStubs.s3OutageIn(s3, "s3-outage", "down");

        FaultRun lost = harness.deploy();

        assertThat(lost.execution().status()).as(FaultHarness.describe(lost)).isEqualTo("FAILED");
        assertThat(lost.detailTypes()).containsExactly(SUCCESS.get(0), SUCCESS.get(1), SUCCESS.get(2), SUCCESS.get(3),
                "SMUS-CICD-Deploy-BundleUpload-Failed", "SMUS-CICD-Deploy-Failed");
        assertThat(lost.last().detail().error().code()).isEqualTo("THROTTLED");
        assertThat(lost.last().detail().details()).containsEntry("failedPhase", "bundle-upload");
        assertThat(lost.failures("BundleUpload")).hasSize(4);
        assertThat(lost.attempts(Dependency.S3, "PutObject")).isEqualTo(1);
        harness.assertNoEventLost(lost);
        DeploymentInvariants.check(lost.events());
        Map<String, String> objectsAfterFirstRun = harness.projectObjects();
        assertThat(objectsAfterFirstRun).hasSize(1);

        s3.removeStub(outage);
        FaultRun rerun = harness.deploy();

        assertThat(rerun.execution().status()).as(FaultHarness.describe(rerun)).isEqualTo("SUCCEEDED");
        assertFreshCompleteSequence(rerun, lost);
        assertThat(rerun.details("SMUS-CICD-Deploy-ProjectInitialization-Completed"))
                .containsEntry("projectCreated", false);
        assertThat(rerun.details("SMUS-CICD-Deploy-BundleUpload-Completed"))
                .containsEntry("files", 3).containsEntry("uploaded", 2).containsEntry("unchanged", 1);
        assertThat(rerun.details("SMUS-CICD-Deploy-WorkflowCreation-Completed")).containsEntry("created", 2);
        assertThat(rerun.details("SMUS-CICD-Deploy-CatalogAssets-Completed")).containsEntry("requested", 2);
        // Two storage files and the two DAG files: the object the first run wrote is not written again.
        assertThat(rerun.attempts(Dependency.S3, "PutObject")).isEqualTo(4);
        assertThat(harness.projectObjects()).hasSize(5).containsAllEntriesOf(objectsAfterFirstRun);
        harness.assertNoEventLost(rerun);
        DeploymentInvariants.check(rerun.events());
    }

    @Test
    void deploy_whenS3FailsMidUploadForOneCallOnly_thePhaseRetryUploadsOnlyWhatIsMissingAndTheDeploymentSucceeds() {
        WireMockServer s3 = harness.server(Dependency.S3);
        // The first object written to the project reaches S3; then the next call's 3 SDK attempts
        // (the HEAD of the second object) are throttled, the phase fails retryably, and S3 answers
        // again for the state machine's retry.
        s3.stubFor(put(urlPathMatching("/" + FaultHarness.PROJECT_BUCKET + "/.*")).atPriority(WireStubs.STATE_PRIORITY)
                .inScenario("s3-blip").whenScenarioStateIs(Scenario.STARTED).willSetStateTo("down")
                .willReturn(aResponse().proxiedFrom(MOTO.endpoint().toString()).withRemoveRequestHeader("Expect")));
        WireStubs.s3SlowDownsFrom(s3, "s3-blip", "down", Injection.TRANSIENT_TIMES);

        FaultRun run = harness.deploy();

        assertThat(run.execution().status()).as(FaultHarness.describe(run)).isEqualTo("SUCCEEDED");
        assertThat(run.detailTypes()).containsExactlyElementsOf(SUCCESS);
        assertThat(run.failures("BundleUpload")).singleElement().satisfies(f -> assertThat(f.error()).isEqualTo(RETRYABLE));
        // The retried phase finds the first object written and puts the other two; then the two DAG files.
        assertThat(run.details("SMUS-CICD-Deploy-BundleUpload-Completed"))
                .containsEntry("files", 3).containsEntry("uploaded", 2).containsEntry("unchanged", 1);
        // Every object is written once: the retry does not write the first one again.
        Map<String, Long> putsByObject = s3.getAllServeEvents().stream()
                .filter(e -> RequestMethod.PUT.equals(e.getRequest().getMethod()))
                .filter(e -> e.getRequest().getUrl().startsWith("/" + FaultHarness.PROJECT_BUCKET + "/"))
                .collect(Collectors.groupingBy(e -> e.getRequest().getUrl(), Collectors.counting()));
        assertThat(putsByObject).hasSize(5).allSatisfy((object, puts) -> assertThat(puts).as(object).isEqualTo(1L));
        assertThat(run.attempts(Dependency.S3, "PutObject")).isEqualTo(5);
        assertThat(harness.projectObjects()).hasSize(5);
        harness.assertNoEventLost(run);
        DeploymentInvariants.check(run.events());
    }

    @Test
    void deploy_whenWorkflowsAreLostAfterTheFirstIsCreatedAndRerunAfterTheyRecover_createsOnlyTheSecond() {
        WireMockServer workflows = harness.server(Dependency.WORKFLOWS);
        // MWAA Serverless answers 500 to everything once the first workflow exists.
        StubMapping outage = WireStubs.outageIn(workflows, Dependency.WORKFLOWS, WireStubs.WORKFLOWS_SCENARIO,
                WireStubs.DAILY_CREATED);

        FaultRun lost = harness.deploy();

        assertThat(lost.execution().status()).as(FaultHarness.describe(lost)).isEqualTo("FAILED");
        assertThat(lost.detailTypes()).containsExactly(SUCCESS.get(0), SUCCESS.get(1), SUCCESS.get(2), SUCCESS.get(3),
                SUCCESS.get(4), SUCCESS.get(5), "SMUS-CICD-Deploy-WorkflowCreation-Failed", "SMUS-CICD-Deploy-Failed");
        assertThat(lost.last().detail().details()).containsEntry("failedPhase", "workflow-creation");
        assertThat(lost.failures("WorkflowCreation")).hasSize(4).allSatisfy(f -> assertThat(f.error()).isEqualTo(RETRYABLE));
        // The first phase attempt: one list, the daily workflow, then 3 SDK attempts at the weekly one;
        // each of the 3 retries of the phase: 3 SDK attempts at the list.
        assertThat(lost.attempts(Dependency.WORKFLOWS, "ListWorkflows")).isEqualTo(1 + 3 * 3);
        assertThat(lost.attempts(Dependency.WORKFLOWS, "CreateWorkflow")).isEqualTo(1 + 3);
        harness.assertNoEventLost(lost);
        DeploymentInvariants.check(lost.events());

        workflows.removeStub(outage);
        FaultRun rerun = harness.deploy();

        assertThat(rerun.execution().status()).as(FaultHarness.describe(rerun)).isEqualTo("SUCCEEDED");
        assertFreshCompleteSequence(rerun, lost);
        assertThat(rerun.details("SMUS-CICD-Deploy-WorkflowCreation-Completed"))
                .containsEntry("count", 2).containsEntry("created", 1).containsEntry("updated", 0)
                .containsEntry("unchanged", 1);
        // only the workflow the first run did not get to; the daily one is neither created nor updated again
        assertThat(rerun.attempts(Dependency.WORKFLOWS)).containsEntry("CreateWorkflow", 1)
                .doesNotContainKey("UpdateWorkflow");
        harness.assertNoEventLost(rerun);
        DeploymentInvariants.check(rerun.events());
    }

    private static void assertFreshCompleteSequence(FaultRun rerun, FaultRun first) {
        assertThat(rerun.detailTypes()).containsExactlyElementsOf(SUCCESS);
        assertThat(rerun.events()).extracting(e -> e.detail().sequence())
                .containsExactlyElementsOf(IntStream.rangeClosed(1, 10).boxed().toList());
        assertThat(rerun.deploymentId()).isNotEqualTo(first.deploymentId());
        assertThat(rerun.events()).allSatisfy(e -> assertThat(e.detail().deploymentId()).isEqualTo(rerun.deploymentId()));
    }
}
