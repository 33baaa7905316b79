package com.smuscicd.local.faults;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.smuscicd.json.Json;
import com.smuscicd.local.DeploymentInvariants;
import com.smuscicd.testsupport.MotoServerExtension;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Partial {@code PutEvents} failures (EventBridge accepts a request but fails some of its entries),
 * and the failure path's request failing whole. The only request of a deployment with two entries is the failure path's (the phase's Failed
 * event and Deploy-Failed, sent together when retries of the phase are spent), so these
 * deployments lose DataZone for good; a stub answers that request in EventBridge's place, and
 * everything else reaches moto.
 */
class PartialPutEventsTest {

    @RegisterExtension
    static final MotoServerExtension MOTO = MotoServerExtension.create().resetBeforeEach();

    private static final List<String> FAILED_IN_PROJECT_INIT = List.of(
            "SMUS-CICD-Deploy-Started",
            "SMUS-CICD-Deploy-ProjectInitialization-Started",
            "SMUS-CICD-Deploy-ProjectInitialization-Failed",
            "SMUS-CICD-Deploy-Failed");
    private static final Injection DATA_ZONE_DOWN =
            Injection.persistentFault(Dependency.DATA_ZONE, Fault.SERVER_ERROR);
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

    /** The two entry errors EventBridge documents as worth retrying. */
    @ParameterizedTest
    @ValueSource(strings = {"putevents/throttle-second-of-two.json", "putevents/internal-failure-second-of-two.json"})
    void deploy_whenOneEntryOfABatchFailsRetryablyOnce_resendsOnlyThatEntryAndDeliversEveryEvent(String answer) {
        harness.server(Dependency.EVENT_BRIDGE).stubFor(twoEntries()
                .inScenario("partial").whenScenarioStateIs(Scenario.STARTED).willSetStateTo("answered")
                .willReturn(WireStubs.json11(200, Fixtures.read(answer))));

        FaultRun run = harness.deploy(DATA_ZONE_DOWN);

        assertFailedInProjectInitialization(run);
        List<ServeEvent> requests = harness.servedPutEvents();
        assertThat(requests).hasSize(4);
        JsonNode batch = entries(requests.get(2));
        JsonNode resent = entries(requests.get(3));
        assertThat(batch).hasSize(2);
        assertThat(resent).hasSize(1);
        assertThat(resent.get(0)).isEqualTo(batch.get(1));
        assertThat(resent.get(0).get("DetailType").asText()).isEqualTo("SMUS-CICD-Deploy-Failed");
        assertThat(run.undeliveredLog()).isEmpty();
        harness.assertNoEventLost(run);
        DeploymentInvariants.check(run.events());
    }

    @Test
    void deploy_whenOneEntryOfABatchIsRejected_logsThatEventWholeWithoutRetryAndDeliversTheRest() {
        harness.server(Dependency.EVENT_BRIDGE).stubFor(twoEntries()
                .willReturn(WireStubs.json11(200, Fixtures.read("putevents/reject-second-of-two.json"))));

        FaultRun run = harness.deploy(DATA_ZONE_DOWN);

        assertFailedInProjectInitialization(run);
        assertThat(harness.servedPutEvents()).hasSize(3);
        assertThat(run.undeliveredLog()).singleElement().satisfies(line -> {
            JsonNode logged = Json.read(line);
            assertThat(logged.get("errorCode").asText()).isEqualTo("MalformedDetail");
            assertThat(logged.get("errorMessage").asText()).isEqualTo("Detail is malformed.");
            assertThat(logged.get("attempts").asInt()).isEqualTo(1);
            assertThat(logged.at("/event/detail-type").asText()).isEqualTo("SMUS-CICD-Deploy-Failed");
        });
        harness.assertNoEventLost(run);
        DeploymentInvariants.check(run.events());
    }

    @Test
    void deploy_whenOneEntryStaysThrottled_retriesItBoundedTimesThenLogsItWhole() {
        harness.server(Dependency.EVENT_BRIDGE).stubFor(twoEntries()
                .willReturn(WireStubs.json11(200, Fixtures.read("putevents/throttle-second-of-two.json"))));
        harness.server(Dependency.EVENT_BRIDGE).stubFor(WireStubs.putEvents().atPriority(2)
                .withRequestBody(matchingJsonPath("$.Entries[0].DetailType", equalTo("SMUS-CICD-Deploy-Failed")))
                .willReturn(WireStubs.json11(200, Fixtures.read("putevents/throttle-all-of-one.json"))));

        FaultRun run = harness.deploy(DATA_ZONE_DOWN);

        assertFailedInProjectInitialization(run);
        List<ServeEvent> requests = harness.servedPutEvents();
        // Two single events, the batch, then the throttled entry alone until its attempts are spent.
        assertThat(requests).hasSize(2 + PUBLISHER_ATTEMPTS);
        assertThat(requests.subList(3, requests.size())).allSatisfy(r -> assertThat(entries(r)).hasSize(1));
        assertThat(run.undeliveredLog()).singleElement().satisfies(line -> {
            JsonNode logged = Json.read(line);
            assertThat(logged.get("errorCode").asText()).isEqualTo("ThrottlingException");
            assertThat(logged.get("attempts").asInt()).isEqualTo(PUBLISHER_ATTEMPTS);
            assertThat(logged.at("/event/detail-type").asText()).isEqualTo("SMUS-CICD-Deploy-Failed");
        });
        harness.assertNoEventLost(run);
        DeploymentInvariants.check(run.events());
    }

    /**
     * The whole failure-path request fails, every time: the Failed event and Deploy-Failed are
     * each retried as the batch they are, a bounded number of times, then written whole to the log.
     */
    @ParameterizedTest
    @EnumSource(value = Fault.class, names = {"THROTTLING", "SERVER_ERROR"})
    void deploy_whenTheFailurePathRequestKeepsFailing_retriesItBoundedTimesThenLogsBothEventsWhole(Fault fault) {
        harness.server(Dependency.EVENT_BRIDGE).stubFor(twoEntries()
                .willReturn(WireStubs.faultResponse(Dependency.EVENT_BRIDGE, fault, FaultHarness.LATE_BY)));

        FaultRun run = harness.deploy(DATA_ZONE_DOWN);

        assertFailedInProjectInitialization(run);
        List<ServeEvent> requests = harness.servedPutEvents();
        // Two single events, then the batch of two until its attempts are spent.
        assertThat(requests).hasSize(2 + PUBLISHER_ATTEMPTS);
        assertThat(requests.subList(2, requests.size())).allSatisfy(r -> assertThat(entries(r)).hasSize(2));
        assertThat(run.undeliveredLog()).hasSize(2).allSatisfy(line -> {
            JsonNode logged = Json.read(line);
            assertThat(logged.get("errorCode").asText()).isEqualTo(fault.eventBridgeErrorCode());
            assertThat(logged.get("attempts").asInt()).isEqualTo(PUBLISHER_ATTEMPTS);
        });
        assertThat(run.undeliveredLog()).extracting(line -> Json.read(line).at("/event/detail-type").asText())
                .containsExactly("SMUS-CICD-Deploy-ProjectInitialization-Failed", "SMUS-CICD-Deploy-Failed");
        harness.assertNoEventLost(run);
        DeploymentInvariants.check(run.events());
    }

    /** The outcome is DataZone's, whatever happened to the events. */
    private static void assertFailedInProjectInitialization(FaultRun run) {
        assertThat(run.execution().status()).as(FaultHarness.describe(run)).isEqualTo("FAILED");
        assertThat(run.detailTypes()).containsExactlyElementsOf(FAILED_IN_PROJECT_INIT);
        assertThat(run.last().detail().error().code()).isEqualTo("SERVICE_UNAVAILABLE");
        assertThat(run.last().detail().details()).containsEntry("failedPhase", "project-init");
    }

    /** PutEvents requests with (at least) two entries, answered before the proxy to moto sees them. */
    private static MappingBuilder twoEntries() {
        return WireStubs.putEvents().atPriority(2).withRequestBody(matchingJsonPath("$.Entries[1]"));
    }

    private static JsonNode entries(ServeEvent request) {
        return Json.read(request.getRequest().getBodyAsString()).get("Entries");
    }
}
