package com.smuscicd.local.faults;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The wire behaviour of the services a deployment calls, and the faults injected in front of them.
 *
 * <p>DataZone (REST-JSON) and MWAA Serverless (awsJson 1.0) have no emulator: stubs answer with the
 * API reference's shapes, and keep what a deployment changes (a created project, workflows,
 * subscription requests) in WireMock scenarios, so a retried phase or a second deployment sees the
 * state the first left behind. S3 and EventBridge are moto; their stub servers only proxy to it, so
 * a fault can be put in front of the real emulator.
 *
 * <p>Priorities: faults {@value #FAULT_PRIORITY} win over the stateful stubs {@value #STATE_PRIORITY},
 * which win over fallbacks and proxies {@value #FALLBACK_PRIORITY}.
 */
final class WireStubs {

    static final int FAULT_PRIORITY = 1;
    static final int STATE_PRIORITY = 5;
    static final int FALLBACK_PRIORITY = 9;

    static final String DOMAIN_ID = "dzd_faults";
    static final String PROJECT_ID = "prj_faults";
    static final String SALES_ORDERS = "lst_sales_orders";
    static final String CUSTOMER_PROFILES = "lst_customer_profiles";
    static final String DAILY_WORKFLOW = PROJECT_ID + "-daily_sales_etl";
    static final String WEEKLY_WORKFLOW = PROJECT_ID + "-weekly_report";

    /** Scenario of the project: STARTED (absent), then {@value #CREATED}. */
    static final String PROJECT_SCENARIO = "project";
    static final String CREATED = "created";
    /** Scenario of the workflows: STARTED (none), then {@value #DAILY_CREATED}, then {@value #BOTH_CREATED}. */
    static final String WORKFLOWS_SCENARIO = "workflows";
    static final String DAILY_CREATED = "daily";
    static final String BOTH_CREATED = "both";
    /** State of a listing's subscription scenario once the project requested it. */
    static final String REQUESTED = "requested";

    static final String FAULT_SCENARIO = "fault";
    static final String RECOVERED = "recovered";

    private static final String DOMAIN_PATH = "/v2/domains/" + DOMAIN_ID;
    private static final String JSON_1_0 = "application/x-amz-json-1.0";
    private static final String JSON_1_1 = "application/x-amz-json-1.1";

    private WireStubs() {
    }

    /** The scenario recording whether the project subscribed to a listing. */
    static String subscriptionScenario(String listingId) {
        return "subscription-" + listingId;
    }

    /** DataZone for the {@code dev} target of the example: domain, project (created once), environments, listings. */
    static void dataZone(WireMockServer server) {
        server.stubFor(get(urlPathEqualTo("/v2/domains")).atPriority(FALLBACK_PRIORITY)
                .willReturn(dataZoneJson(200, "datazone/list-domains.json")));

        server.stubFor(get(urlPathEqualTo(DOMAIN_PATH + "/projects")).withQueryParam("name", equalTo("sales-analytics-dev"))
                .atPriority(STATE_PRIORITY).inScenario(PROJECT_SCENARIO).whenScenarioStateIs(Scenario.STARTED)
                .willReturn(dataZoneJson(200, "datazone/empty-items.json")));
        server.stubFor(get(urlPathEqualTo(DOMAIN_PATH + "/projects")).withQueryParam("name", equalTo("sales-analytics-dev"))
                .atPriority(STATE_PRIORITY).inScenario(PROJECT_SCENARIO).whenScenarioStateIs(CREATED)
                .willReturn(dataZoneJson(200, "datazone/list-projects.json")));
        server.stubFor(post(urlPathEqualTo(DOMAIN_PATH + "/projects"))
                .withRequestBody(matchingJsonPath("$.name", equalTo("sales-analytics-dev")))
                .atPriority(STATE_PRIORITY).inScenario(PROJECT_SCENARIO).whenScenarioStateIs(Scenario.STARTED)
                .willSetStateTo(CREATED)
                .willReturn(dataZoneJson(201, "datazone/create-project.json")));
        // What DataZone answers a second CreateProject of the same name.
        server.stubFor(post(urlPathEqualTo(DOMAIN_PATH + "/projects")).atPriority(FALLBACK_PRIORITY)
                .willReturn(dataZoneError(409, "ConflictException", "datazone-project-exists.json")));

        server.stubFor(get(urlPathEqualTo(DOMAIN_PATH + "/environments"))
                .withQueryParam("projectIdentifier", equalTo(PROJECT_ID)).atPriority(FALLBACK_PRIORITY)
                .willReturn(dataZoneJson(200, "datazone/list-environments.json")));
        server.stubFor(get(urlPathEqualTo(DOMAIN_PATH + "/environments/env_tool")).atPriority(FALLBACK_PRIORITY)
                .willReturn(dataZoneJson(200, "datazone/get-environment-tooling.json")));

        searchListing(server, "sales_orders", "datazone/search-listings-sales-orders.json");
        searchListing(server, "customer_profiles", "datazone/search-listings-customer-profiles.json");
        server.stubFor(get(urlPathEqualTo(DOMAIN_PATH + "/subscriptions")).atPriority(FALLBACK_PRIORITY)
                .willReturn(dataZoneJson(200, "datazone/empty-items.json")));
        subscriptionRequests(server, SALES_ORDERS);
        subscriptionRequests(server, CUSTOMER_PROFILES);
        server.stubFor(post(urlPathEqualTo(DOMAIN_PATH + "/subscription-requests")).atPriority(FALLBACK_PRIORITY)
                .willReturn(dataZoneError(409, "ConflictException", "datazone-subscription-exists.json")));
    }

    private static void searchListing(WireMockServer server, String assetName, String fixture) {
        server.stubFor(post(urlPathEqualTo(DOMAIN_PATH + "/listings/search"))
                .withRequestBody(matchingJsonPath("$.searchText", equalTo(assetName))).atPriority(FALLBACK_PRIORITY)
                .willReturn(dataZoneJson(200, fixture)));
    }

    private static void subscriptionRequests(WireMockServer server, String listingId) {
        String scenario = subscriptionScenario(listingId);
        server.stubFor(get(urlPathEqualTo(DOMAIN_PATH + "/subscription-requests"))
                .withQueryParam("subscribedListingId", equalTo(listingId)).withQueryParam("status", equalTo("PENDING"))
                .atPriority(STATE_PRIORITY).inScenario(scenario).whenScenarioStateIs(Scenario.STARTED)
                .willReturn(dataZoneJson(200, "datazone/empty-items.json")));
        server.stubFor(get(urlPathEqualTo(DOMAIN_PATH + "/subscription-requests"))
                .withQueryParam("subscribedListingId", equalTo(listingId)).withQueryParam("status", equalTo("PENDING"))
                .atPriority(STATE_PRIORITY).inScenario(scenario).whenScenarioStateIs(REQUESTED)
                .willReturn(dataZoneJson(200, "datazone/list-subscription-requests-pending.json")));
        server.stubFor(post(urlPathEqualTo(DOMAIN_PATH + "/subscription-requests"))
                .withRequestBody(matchingJsonPath("$.subscribedListings[0].identifier", equalTo(listingId)))
                .withRequestBody(matchingJsonPath("$.subscribedPrincipals[0].project.identifier", equalTo(PROJECT_ID)))
                .atPriority(STATE_PRIORITY).inScenario(scenario).whenScenarioStateIs(Scenario.STARTED)
                .willSetStateTo(REQUESTED)
                .willReturn(dataZoneJson(201, "datazone/create-subscription-request.json")));
    }

    /**
     * MWAA Serverless: ListWorkflows shows what was created, in the order the phase creates them;
     * the descriptions carry the definitions' SHA-256 the way the gateway writes them.
     */
    static void workflows(WireMockServer server, Map<String, String> definitionShas) {
        server.stubFor(operation("ListWorkflows").atPriority(STATE_PRIORITY)
                .inScenario(WORKFLOWS_SCENARIO).whenScenarioStateIs(Scenario.STARTED)
                .willReturn(json10(200, Fixtures.read("mwaa/list-workflows-empty.json"))));
        server.stubFor(operation("ListWorkflows").atPriority(STATE_PRIORITY)
                .inScenario(WORKFLOWS_SCENARIO).whenScenarioStateIs(DAILY_CREATED)
                .willReturn(json10(200, Fixtures.read("mwaa/list-workflows-daily.json", definitionShas))));
        server.stubFor(operation("ListWorkflows").atPriority(STATE_PRIORITY)
                .inScenario(WORKFLOWS_SCENARIO).whenScenarioStateIs(BOTH_CREATED)
                .willReturn(json10(200, Fixtures.read("mwaa/list-workflows-both.json", definitionShas))));
        server.stubFor(operation("CreateWorkflow").withRequestBody(matchingJsonPath("$.Name", equalTo(DAILY_WORKFLOW)))
                .atPriority(STATE_PRIORITY).inScenario(WORKFLOWS_SCENARIO).whenScenarioStateIs(Scenario.STARTED)
                .willSetStateTo(DAILY_CREATED)
                .willReturn(json10(200, Fixtures.read("mwaa/create-workflow-daily.json"))));
        server.stubFor(operation("CreateWorkflow").withRequestBody(matchingJsonPath("$.Name", equalTo(WEEKLY_WORKFLOW)))
                .atPriority(STATE_PRIORITY).inScenario(WORKFLOWS_SCENARIO).whenScenarioStateIs(DAILY_CREATED)
                .willSetStateTo(BOTH_CREATED)
                .willReturn(json10(200, Fixtures.read("mwaa/create-workflow-weekly.json"))));
        server.stubFor(operation("CreateWorkflow").atPriority(FALLBACK_PRIORITY)
                .willReturn(json10(409, Fixtures.read("errors/mwaa-workflow-exists.json"))));
        server.stubFor(operation("UpdateWorkflow").atPriority(FALLBACK_PRIORITY)
                .willReturn(json10(200, Fixtures.read("mwaa/update-workflow.json"))));
    }

    /** Everything not answered by a higher-priority stub goes to {@code target} unchanged. */
    static void proxy(WireMockServer server, URI target) {
        server.stubFor(any(anyUrl()).atPriority(FALLBACK_PRIORITY)
                .willReturn(aResponse().proxiedFrom(target.toString())
                        // The SDK asks S3 for 100-continue; moto's dev server does not send it, which would
                        // make the proxy's client wait before sending each body.
                        .withRemoveRequestHeader("Expect")));
    }

    /** A MWAA Serverless operation ({@code POST /} with its {@code X-Amz-Target}). */
    static MappingBuilder operation(String name) {
        return post(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo("AmazonMWAAServerless." + name));
    }

    /** An EventBridge {@code PutEvents} request. */
    static MappingBuilder putEvents() {
        return post(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo("AWSEvents.PutEvents"));
    }

    /**
     * The response of {@code fault} at {@code dependency}, in the dependency's protocol. A timeout
     * is the server error sent {@code late}: the client gives up before it arrives.
     */
    static ResponseDefinitionBuilder faultResponse(Dependency dependency, Fault fault, Duration late) {
        boolean throttling = fault == Fault.THROTTLING;
        ResponseDefinitionBuilder response = switch (dependency) {
            case DATA_ZONE -> throttling ? dataZoneError(429, "ThrottlingException", "datazone-throttling.json")
                    : dataZoneError(500, "InternalServerException", "datazone-internal.json");
            case WORKFLOWS -> throttling ? json10(429, Fixtures.read("errors/mwaa-throttling.json"))
                    : json10(500, Fixtures.read("errors/mwaa-internal.json"));
            // S3 throttles with 503 SlowDown.
            case S3 -> throttling ? xml(503, "errors/s3-slow-down.xml") : xml(500, "errors/s3-internal-error.xml");
            // EventBridge (awsJson 1.1) sends ThrottlingException with status 400.
            case EVENT_BRIDGE -> throttling ? json11(400, Fixtures.read("errors/eventbridge-throttling.json"))
                    : json11(500, Fixtures.read("errors/eventbridge-internal.json"));
        };
        if (fault == Fault.TIMEOUT) {
            response = response.withFixedDelay((int) late.toMillis());
        }
        return response;
    }

    /**
     * Answers every request to the server with {@code response}: the first {@code times} ones, or
     * all of them when {@code times} is {@link Injection#FOREVER}.
     *
     * @return the fault stubs, to remove them when the dependency recovers
     */
    static List<StubMapping> inject(WireMockServer server, ResponseDefinitionBuilder response, int times) {
        List<StubMapping> stubs = new ArrayList<>();
        if (times == Injection.FOREVER) {
            stubs.add(server.stubFor(any(anyUrl()).atPriority(FAULT_PRIORITY).willReturn(response)));
            return stubs;
        }
        // A chain of scenario states, one per faulty answer, ending in RECOVERED where no fault stub matches.
        for (int i = 1; i <= times; i++) {
            String state = i == 1 ? Scenario.STARTED : "fault-" + i;
            String next = i == times ? RECOVERED : "fault-" + (i + 1);
            stubs.add(server.stubFor(any(anyUrl()).atPriority(FAULT_PRIORITY)
                    .inScenario(FAULT_SCENARIO).whenScenarioStateIs(state).willSetStateTo(next)
                    .willReturn(response)));
        }
        return stubs;
    }

    /** A 503 for every DataZone request once the project has requested {@code listingId}: the service goes away mid-phase. */
    static StubMapping dataZoneOutageAfterSubscribing(WireMockServer server, String listingId) {
        return server.stubFor(any(anyUrl()).atPriority(FAULT_PRIORITY)
                .inScenario(subscriptionScenario(listingId)).whenScenarioStateIs(REQUESTED)
                .willReturn(dataZoneError(503, "ServiceUnavailableException", "datazone-unavailable.json")));
    }

    /** A 503 SlowDown for every S3 request in {@code scenario}'s state {@code state}. */
    static StubMapping s3OutageIn(WireMockServer server, String scenario, String state) {
        return server.stubFor(any(anyUrl()).atPriority(FAULT_PRIORITY)
                .inScenario(scenario).whenScenarioStateIs(state)
                .willReturn(xml(503, "errors/s3-slow-down.xml")));
    }

    /** {@code dependency}'s 500 for every request to it in {@code scenario}'s state {@code state}: it goes away mid-phase. */
    static StubMapping outageIn(WireMockServer server, Dependency dependency, String scenario, String state) {
        return server.stubFor(any(anyUrl()).atPriority(FAULT_PRIORITY).inScenario(scenario).whenScenarioStateIs(state)
                .willReturn(faultResponse(dependency, Fault.SERVER_ERROR, Duration.ZERO)));
    }

    /**
     * A 503 SlowDown for the next {@code times} S3 requests from {@code scenario}'s state
     * {@code state}; then S3 answers again (the scenario ends in {@code "recovered"}).
     */
    static void s3SlowDownsFrom(WireMockServer server, String scenario, String state, int times) {
        for (int i = 1; i <= times; i++) {
            String from = i == 1 ? state : state + "-" + i;
            String next = i == times ? "recovered" : state + "-" + (i + 1);
            server.stubFor(any(anyUrl()).atPriority(FAULT_PRIORITY).inScenario(scenario).whenScenarioStateIs(from)
                    .willSetStateTo(next).willReturn(xml(503, "errors/s3-slow-down.xml")));
        }
    }

    static ResponseDefinitionBuilder json11(int status, String body) {
        return aResponse().withStatus(status).withHeader("Content-Type", JSON_1_1).withBody(body);
    }

    static ResponseDefinitionBuilder json10(int status, String body) {
        return aResponse().withStatus(status).withHeader("Content-Type", JSON_1_0).withBody(body);
    }

    static ResponseDefinitionBuilder dataZoneJson(int status, String fixture) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/json")
                .withBody(Fixtures.read(fixture));
    }

    /** An error the way DataZone (REST-JSON) sends one: status, {@code x-amzn-ErrorType} and a message body. */
    private static ResponseDefinitionBuilder dataZoneError(int status, String type, String fixture) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/json")
                .withHeader("x-amzn-ErrorType", type).withBody(Fixtures.read("errors/" + fixture));
    }

    private static ResponseDefinitionBuilder xml(int status, String fixture) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/xml")
                .withBody(Fixtures.read(fixture));
    }
}
