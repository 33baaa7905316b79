package com.smuscicd.local.faults;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.smuscicd.events.DeploymentEvent;
import com.smuscicd.json.Json;
import com.smuscicd.local.DeploymentInvariants;
import com.smuscicd.testsupport.MotoServerExtension;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A request takes effect but its response never arrives (the client times out), so it is sent
 * again: the retry must find what the first attempt did instead of failing or doing it twice.
 */
class LostResponseTest {

    @RegisterExtension
    static final MotoServerExtension MOTO = MotoServerExtension.create().resetBeforeEach();

    /** Above the stateful stubs, so the one late answer is this one. */
    private static final int LATE_PRIORITY = WireStubs.STATE_PRIORITY - 1;
    private static final int LATE_MILLIS = (int) FaultHarness.LATE_BY.toMillis();

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

    /**
     * The retried CreateProject gets ConflictException and the gateway takes the project it finds
     * by name as the one its own lost request created ({@code projectCreated=true}). SageMaker
     * Unified Studio creates a new project's environments after CreateProject returns, so at first
     * it lists none: the gateway waits for them, as for any project it created, instead of failing
     * with PROJECT_S3_LOCATION_NOT_FOUND.
     */
    @Test
    void deploy_whenCreateProjectTakesEffectButItsResponseIsLost_usesTheNewProjectAndSucceeds() {
        harness.server(Dependency.DATA_ZONE).stubFor(post(urlPathEqualTo("/v2/domains/dzd_faults/projects"))
                .atPriority(LATE_PRIORITY)
                .inScenario(WireStubs.PROJECT_SCENARIO).whenScenarioStateIs(Scenario.STARTED)
                .willSetStateTo(WireStubs.CREATED)
                .willReturn(WireStubs.dataZoneJson(201, "datazone/create-project.json").withFixedDelay(LATE_MILLIS)));
        harness.server(Dependency.DATA_ZONE).stubFor(get(urlPathEqualTo("/v2/domains/dzd_faults/environments"))
                .atPriority(LATE_PRIORITY)
                .inScenario("environments").whenScenarioStateIs(Scenario.STARTED).willSetStateTo("provisioned")
                .willReturn(WireStubs.dataZoneJson(200, "datazone/empty-items.json")));

        FaultRun run = harness.deploy(Injection.lateAnswersAt(Dependency.DATA_ZONE));

        assertThat(run.last().detail().error()).as(FaultHarness.describe(run)).isNull();
        assertThat(run.execution().status()).isEqualTo("SUCCEEDED");
        assertThat(run.details("SMUS-CICD-Deploy-ProjectInitialization-Completed"))
                .containsEntry("projectId", WireStubs.PROJECT_ID).containsEntry("projectCreated", true);
        // the late create and its retry (answered "already exists"); no third
        assertThat(run.attempts(Dependency.DATA_ZONE, "CreateProject")).isEqualTo(2);
        harness.assertNoEventLost(run);
        DeploymentInvariants.check(run.events());
    }

    @Test
    void deploy_whenCreateWorkflowTakesEffectButItsResponseIsLost_doesNotCreateOrUpdateItAgain() {
        harness.server(Dependency.WORKFLOWS).stubFor(WireStubs.operation("CreateWorkflow")
                .withRequestBody(matchingJsonPath("$.Name", equalTo(WireStubs.DAILY_WORKFLOW)))
                .atPriority(LATE_PRIORITY)
                .inScenario(WireStubs.WORKFLOWS_SCENARIO).whenScenarioStateIs(Scenario.STARTED)
                .willSetStateTo(WireStubs.DAILY_CREATED)
                .willReturn(WireStubs.json10(200, Fixtures.read("mwaa/create-workflow-daily.json"))
                        .withFixedDelay(LATE_MILLIS)));

        FaultRun run = harness.deploy(Injection.lateAnswersAt(Dependency.WORKFLOWS));

        assertThat(run.execution().status()).as(FaultHarness.describe(run)).isEqualTo("SUCCEEDED");
        // The late create, its retry (answered "already exists"), and the second workflow's create.
        assertThat(run.attempts(Dependency.WORKFLOWS, "CreateWorkflow")).isEqualTo(3);
        assertThat(run.attempts(Dependency.WORKFLOWS)).doesNotContainKey("UpdateWorkflow");
        // The retry finds the workflow with this definition and counts it unchanged.
        assertThat(run.details("SMUS-CICD-Deploy-WorkflowCreation-Completed"))
                .containsEntry("count", 2).containsEntry("created", 1).containsEntry("unchanged", 1);
        harness.assertNoEventLost(run);
        DeploymentInvariants.check(run.events());
    }

    @Test
    void deploy_whenCreateSubscriptionRequestTakesEffectButItsResponseIsLost_requestsItOnlyOnce() {
        harness.server(Dependency.DATA_ZONE).stubFor(post(urlPathEqualTo("/v2/domains/dzd_faults/subscription-requests"))
                .withRequestBody(matchingJsonPath("$.subscribedListings[0].identifier", equalTo(WireStubs.SALES_ORDERS)))
                .atPriority(LATE_PRIORITY)
                .inScenario(WireStubs.subscriptionScenario(WireStubs.SALES_ORDERS)).whenScenarioStateIs(Scenario.STARTED)
                .willSetStateTo(WireStubs.REQUESTED)
                .willReturn(WireStubs.dataZoneJson(201, "datazone/create-subscription-request.json")
                        .withFixedDelay(LATE_MILLIS)));

        FaultRun run = harness.deploy(Injection.lateAnswersAt(Dependency.DATA_ZONE));

        assertThat(run.execution().status()).as(FaultHarness.describe(run)).isEqualTo("SUCCEEDED");
        // The late request, its retry (answered "already exists"), and the other asset's request.
        assertThat(run.attempts(Dependency.DATA_ZONE, "CreateSubscriptionRequest")).isEqualTo(3);
        assertThat(run.details("SMUS-CICD-Deploy-CatalogAssets-Completed"))
                .containsEntry("count", 2).containsEntry("requested", 1).containsEntry("alreadySubscribed", 1);
        harness.assertNoEventLost(run);
        DeploymentInvariants.check(run.events());
    }

    /**
     * Delivery is at least once: EventBridge took the first PutEvents, the publisher did not hear
     * so and sent it again. The copies are identical, down to deploymentId and sequence, which is
     * what consumers (and the archive's smus_events view) de-duplicate on.
     */
    @Test
    void deploy_whenPutEventsTakesEffectButItsResponseIsLost_deliversThatEventTwiceIdentically() {
        harness.server(Dependency.EVENT_BRIDGE).stubFor(WireStubs.putEvents().atPriority(LATE_PRIORITY)
                .inScenario("late").whenScenarioStateIs(Scenario.STARTED).willSetStateTo("answered")
                .willReturn(aResponse().proxiedFrom(MOTO.endpoint().toString()).withFixedDelay(LATE_MILLIS)));

        FaultRun run = harness.deploy(Injection.lateAnswersAt(Dependency.EVENT_BRIDGE));

        assertThat(run.execution().status()).as(FaultHarness.describe(run)).isEqualTo("SUCCEEDED");
        assertThat(run.undeliveredLog()).isEmpty();
        assertThat(run.attempts(Dependency.EVENT_BRIDGE, "PutEvents")).isEqualTo(run.events().size() + 1);
        List<JsonNode> delivered = harness.readBack(run.deploymentId(), run.events().size() + 1);
        assertThat(delivered).hasSize(run.events().size() + 1);
        for (DeploymentEvent event : run.events()) {
            JsonNode detail = Json.read(Json.write(event.detail()));
            long copies = delivered.stream().filter(d -> d.get("detail").equals(detail)).count();
            assertThat(copies).as(event.detailType()).isEqualTo(event.detail().sequence() == 1 ? 2 : 1);
        }
        DeploymentInvariants.check(run.events());
    }
}
