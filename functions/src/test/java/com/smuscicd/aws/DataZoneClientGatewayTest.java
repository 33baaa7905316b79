package com.smuscicd.aws;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.smuscicd.deploy.DataZoneGateway;
import com.smuscicd.deploy.S3Location;
import com.smuscicd.errors.PhaseFailure;
import com.smuscicd.errors.RetryablePhaseException;
import com.smuscicd.testsupport.AwsTestCredentials;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.datazone.DataZoneClient;

/**
 * {@link DataZoneClientGateway} through the real SDK client against a wire-level stub of the
 * DataZone REST API (paths, query parameters and JSON shapes of the API reference).
 */
class DataZoneClientGatewayTest {

    @RegisterExtension
    static final WireMockExtension STUB = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort())
            .build();

    private static final String REGION = "us-east-1";
    private static final DataZoneGateway.DomainRef DOMAIN =
            new DataZoneGateway.DomainRef("dzd_prod", "analytics-prod", REGION);
    private static final DataZoneGateway.ProjectRef PROJECT =
            new DataZoneGateway.ProjectRef("prj_1", "sales-analytics", false);
    private static final DataZoneGateway.ListingRef LISTING =
            new DataZoneGateway.ListingRef("lst_orders", "sales_orders", "3");

    private final AtomicLong now = new AtomicLong();
    private final List<Duration> sleeps = new ArrayList<>();
    private final List<String> regionsAsked = new ArrayList<>();
    private DataZoneClient client;
    private DataZoneClientGateway gateway;

    @BeforeEach
    void gateway() {
        client = AwsClients.configure(DataZoneClient.builder(), Region.of(REGION), URI.create(STUB.baseUrl()),
                AwsTestCredentials.provider()).build();
        gateway = gateway("pp_all_capabilities", Duration.ofSeconds(30));
    }

    private DataZoneClientGateway gateway(String profile, Duration readyTimeout) {
        return new DataZoneClientGateway(region -> {
            regionsAsked.add(region);
            return client;
        }, profile, readyTimeout, Duration.ofSeconds(10), d -> {
            sleeps.add(d);
            now.addAndGet(d.toNanos());
        }, now::get);
    }

    @AfterEach
    void close() {
        client.close();
    }

    @Test
    void findDomainByName_whenOnSecondPage_followsNextTokenAndSkipsDeletedDomains() {
        STUB.stubFor(get(urlPathEqualTo("/v2/domains")).withQueryParam("nextToken", absent())
                .willReturn(okJson(AwsFixtures.read("datazone/list-domains-page1.json"))));
        STUB.stubFor(get(urlPathEqualTo("/v2/domains")).withQueryParam("nextToken", equalTo("domains-page-2"))
                .willReturn(okJson(AwsFixtures.read("datazone/list-domains-page2.json"))));

        assertThat(gateway.findDomainByName("analytics-prod", REGION))
                .contains(new DataZoneGateway.DomainRef("dzd_prod", "analytics-prod", REGION));
        assertThat(regionsAsked).containsOnly(REGION);
    }

    @Test
    void findDomainByName_whenNoDomainHasTheName_returnsEmpty() {
        STUB.stubFor(get(urlPathEqualTo("/v2/domains")).willReturn(okJson(AwsFixtures.read("datazone/empty-items.json"))));

        assertThat(gateway.findDomainByName("analytics-prod", REGION)).isEmpty();
    }

    @Test
    void findDomainByName_whenAccessDenied_failsWithAccessDenied() {
        STUB.stubFor(get(urlPathEqualTo("/v2/domains")).willReturn(error(403, "AccessDeniedException",
                "User: arn:aws:sts::123456789012:assumed-role/deployer is not authorized to perform: datazone:ListDomains")));

        assertThatThrownBy(() -> gateway.findDomainByName("analytics-prod", REGION))
                .isInstanceOf(PhaseFailure.class)
                .hasMessageContaining("datazone:ListDomains")
                .satisfies(e -> assertThat(((PhaseFailure) e).code()).isEqualTo("ACCESS_DENIED"));
    }

    @Test
    void findDomainByName_whenThrottledOnce_isRetriedBySdkAndSucceeds() {
        STUB.stubFor(get(urlPathEqualTo("/v2/domains")).inScenario("throttle").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(error(429, "ThrottlingException", "Rate exceeded")).willSetStateTo("recovered"));
        STUB.stubFor(get(urlPathEqualTo("/v2/domains")).inScenario("throttle").whenScenarioStateIs("recovered")
                .willReturn(okJson(AwsFixtures.read("datazone/list-domains-page2.json"))));

        assertThat(gateway.findDomainByName("analytics-prod", REGION)).map(DataZoneGateway.DomainRef::id)
                .contains("dzd_prod");
        STUB.verify(2, getRequestedFor(urlPathEqualTo("/v2/domains")));
    }

    @Test
    void findDomainByName_whenThrottlingPersists_failsRetryablyAfterBoundedAttempts() {
        STUB.stubFor(get(urlPathEqualTo("/v2/domains")).willReturn(error(429, "ThrottlingException", "Rate exceeded")));

        assertThatThrownBy(() -> gateway.findDomainByName("analytics-prod", REGION))
                .isInstanceOf(RetryablePhaseException.class)
                .satisfies(e -> assertThat(((RetryablePhaseException) e).code()).isEqualTo("THROTTLED"));
        STUB.verify(3, getRequestedFor(urlPathEqualTo("/v2/domains")));
    }

    @Test
    void findDomainByName_whenServiceFails_failsRetryably() {
        STUB.stubFor(get(urlPathEqualTo("/v2/domains")).willReturn(error(500, "InternalServerException", "boom")));

        assertThatThrownBy(() -> gateway.findDomainByName("analytics-prod", REGION))
                .isInstanceOf(RetryablePhaseException.class)
                .satisfies(e -> assertThat(((RetryablePhaseException) e).code()).isEqualTo("SERVICE_UNAVAILABLE"));
    }

    @Test
    void findProjectByName_filtersByNameAndMatchesExactlyAcrossPages() {
        STUB.stubFor(get(urlPathEqualTo("/v2/domains/dzd_prod/projects")).withQueryParam("name", equalTo("sales-analytics"))
                .withQueryParam("nextToken", absent())
                .willReturn(okJson(AwsFixtures.read("datazone/list-projects-page1.json"))));
        STUB.stubFor(get(urlPathEqualTo("/v2/domains/dzd_prod/projects")).withQueryParam("name", equalTo("sales-analytics"))
                .withQueryParam("nextToken", equalTo("projects-page-2"))
                .willReturn(okJson(AwsFixtures.read("datazone/list-projects-page2.json"))));

        assertThat(gateway.findProjectByName(DOMAIN, "sales-analytics"))
                .contains(new DataZoneGateway.ProjectRef("prj_1", "sales-analytics", false));
    }

    @Test
    void findProjectByName_whenAbsent_returnsEmpty() {
        STUB.stubFor(get(urlPathEqualTo("/v2/domains/dzd_prod/projects"))
                .willReturn(okJson(AwsFixtures.read("datazone/empty-items.json"))));

        assertThat(gateway.findProjectByName(DOMAIN, "sales-analytics")).isEmpty();
    }

    @Test
    void createProject_sendsTheProjectProfileAndReportsCreated() {
        STUB.stubFor(post(urlPathEqualTo("/v2/domains/dzd_prod/projects"))
                .withRequestBody(matchingJsonPath("$.name", equalTo("sales-analytics-dev")))
                .withRequestBody(matchingJsonPath("$.projectProfileId", equalTo("pp_all_capabilities")))
                .willReturn(okJson(AwsFixtures.read("datazone/create-project.json")).withStatus(201)));

        assertThat(gateway.createProject(DOMAIN, "sales-analytics-dev"))
                .isEqualTo(new DataZoneGateway.ProjectRef("prj_new", "sales-analytics-dev", true));
    }

    @Test
    void createProject_whenCreatedConcurrently_returnsTheExistingProjectAsNew() {
        STUB.stubFor(post(urlPathEqualTo("/v2/domains/dzd_prod/projects"))
                .willReturn(error(409, "ConflictException", "Project with name sales-analytics already exists")));
        STUB.stubFor(get(urlPathEqualTo("/v2/domains/dzd_prod/projects"))
                .willReturn(okJson(AwsFixtures.read("datazone/list-projects-page2.json"))));

        assertThat(gateway.createProject(DOMAIN, "sales-analytics"))
                .as("brand new: its environments must be waited for")
                .isEqualTo(new DataZoneGateway.ProjectRef("prj_1", "sales-analytics", true));
    }

    @Test
    void createProject_whenRejectedWithoutProfile_explainsProjectProfileId() {
        STUB.stubFor(post(urlPathEqualTo("/v2/domains/dzd_prod/projects"))
                .willReturn(error(400, "ValidationException", "projectProfileId is required")));

        assertThatThrownBy(() -> gateway(null, Duration.ofSeconds(30)).createProject(DOMAIN, "p"))
                .isInstanceOf(PhaseFailure.class)
                .hasMessageContaining("PROJECT_PROFILE_ID")
                // what the user sets: the CDK context key
                .hasMessageContaining("-c projectProfileId=<id>")
                .satisfies(e -> assertThat(((PhaseFailure) e).code()).isEqualTo("PROJECT_CREATE_INVALID"));
    }

    @Test
    void projectS3Location_readsTheToolingEnvironmentsS3BucketPath() {
        stubEnvironments("datazone/list-environments.json");
        STUB.stubFor(get(urlPathEqualTo("/v2/domains/dzd_prod/environments/env_tool"))
                .willReturn(okJson(AwsFixtures.read("datazone/get-environment-tooling.json"))));

        assertThat(gateway.projectS3Location(DOMAIN, PROJECT)).isEqualTo(
                S3Location.parse("s3://amazon-sagemaker-123456789012-us-east-1-abc123/dzd_prod/prj_1/dev"));
        // The tooling environment is asked first, so the other environment is never read.
        STUB.verify(0, getRequestedFor(urlPathEqualTo("/v2/domains/dzd_prod/environments/env_lake")));
    }

    @Test
    void projectResources_readsLocationAndUserRoleFromOneReadOfTheToolingEnvironment() {
        stubEnvironments("datazone/list-environments.json");
        STUB.stubFor(get(urlPathEqualTo("/v2/domains/dzd_prod/environments/env_tool"))
                .willReturn(okJson(AwsFixtures.read("datazone/get-environment-tooling.json"))));

        DataZoneGateway.ProjectResources resources = gateway.projectResources(DOMAIN, PROJECT);

        assertThat(resources.userRoleArn()).isEqualTo("arn:aws:iam::123456789012:role/datazone_usr_role_prj_1_abc123");
        assertThat(resources.s3Location()).isEqualTo(
                S3Location.parse("s3://amazon-sagemaker-123456789012-us-east-1-abc123/dzd_prod/prj_1/dev"));
        STUB.verify(1, getRequestedFor(urlPathEqualTo("/v2/domains/dzd_prod/environments/env_tool")));
    }

    @Test
    void projectS3Location_whenNewProjectsToolingEnvironmentIsStillCreating_waitsForIt() {
        STUB.stubFor(get(urlPathEqualTo("/v2/domains/dzd_prod/environments")).inScenario("env")
                .whenScenarioStateIs(Scenario.STARTED)
                .willReturn(okJson(AwsFixtures.read("datazone/empty-items.json"))).willSetStateTo("creating"));
        STUB.stubFor(get(urlPathEqualTo("/v2/domains/dzd_prod/environments")).inScenario("env")
                .whenScenarioStateIs("creating")
                .willReturn(okJson(AwsFixtures.read("datazone/list-environments-creating.json"))).willSetStateTo("active"));
        STUB.stubFor(get(urlPathEqualTo("/v2/domains/dzd_prod/environments")).inScenario("env")
                .whenScenarioStateIs("active")
                .willReturn(okJson(AwsFixtures.read("datazone/list-environments.json"))));
        STUB.stubFor(get(urlPathEqualTo("/v2/domains/dzd_prod/environments/env_tool"))
                .willReturn(okJson(AwsFixtures.read("datazone/get-environment-tooling.json"))));

        S3Location location = gateway.projectS3Location(DOMAIN,
                new DataZoneGateway.ProjectRef("prj_1", "sales-analytics", true));

        assertThat(location.bucket()).isEqualTo("amazon-sagemaker-123456789012-us-east-1-abc123");
        assertThat(sleeps).hasSize(2);
    }

    @Test
    void projectS3Location_whenEnvironmentStillCreatingAtTheDeadline_failsRetryablyWithProjectNotReady() {
        stubEnvironments("datazone/list-environments-creating.json");

        assertThatThrownBy(() -> gateway(null, Duration.ofSeconds(25)).projectS3Location(DOMAIN, PROJECT))
                .isInstanceOf(RetryablePhaseException.class)
                .satisfies(e -> assertThat(((RetryablePhaseException) e).code()).isEqualTo("PROJECT_NOT_READY"));
        assertThat(sleeps).hasSize(2);
    }

    @Test
    void projectS3Location_whenNoEnvironmentProvidesIt_failsWithProjectS3LocationNotFound() {
        STUB.stubFor(get(urlPathEqualTo("/v2/domains/dzd_prod/environments")).willReturn(okJson("""
                {"items": [{"id": "env_lake", "name": "Lakehouse Database", "status": "ACTIVE", "domainId": "dzd_prod",
                            "projectId": "prj_1", "provider": "Amazon SageMaker", "createdBy": "admin"}]}""")));
        STUB.stubFor(get(urlPathEqualTo("/v2/domains/dzd_prod/environments/env_lake"))
                .willReturn(okJson(AwsFixtures.read("datazone/get-environment-lakehouse.json"))));

        assertThatThrownBy(() -> gateway.projectS3Location(DOMAIN, PROJECT))
                .isInstanceOf(PhaseFailure.class)
                .hasMessageContaining("s3BucketPath")
                .satisfies(e -> assertThat(((PhaseFailure) e).code()).isEqualTo("PROJECT_S3_LOCATION_NOT_FOUND"));
        assertThat(sleeps).isEmpty();
    }

    @Test
    void findListing_searchesByNameAndMatchesExactlyAcrossPages() {
        STUB.stubFor(post(urlPathEqualTo("/v2/domains/dzd_prod/listings/search"))
                .withRequestBody(matchingJsonPath("$.searchText", equalTo("sales_orders")))
                .withRequestBody(matchingJsonPath("$.nextToken", absent()))
                .willReturn(okJson(AwsFixtures.read("datazone/search-listings-page1.json"))));
        STUB.stubFor(post(urlPathEqualTo("/v2/domains/dzd_prod/listings/search"))
                .withRequestBody(matchingJsonPath("$.nextToken", equalTo("listings-page-2")))
                .willReturn(okJson(AwsFixtures.read("datazone/search-listings-page2.json"))));

        assertThat(gateway.findListing(DOMAIN, "sales_orders")).contains(LISTING);
    }

    @Test
    void findListing_whenNothingMatchesExactly_returnsEmpty() {
        STUB.stubFor(post(urlPathEqualTo("/v2/domains/dzd_prod/listings/search"))
                .willReturn(okJson("{\"items\": [], \"totalMatchCount\": 0}")));

        assertThat(gateway.findListing(DOMAIN, "sales_orders")).isEmpty();
    }

    @Test
    void subscribe_whenAnApprovedSubscriptionExists_reportsAlreadySubscribedWithoutRequesting() {
        STUB.stubFor(get(urlPathEqualTo("/v2/domains/dzd_prod/subscriptions"))
                .withQueryParam("owningProjectId", equalTo("prj_1"))
                .withQueryParam("subscribedListingId", equalTo("lst_orders"))
                .withQueryParam("status", equalTo("APPROVED"))
                .willReturn(okJson(AwsFixtures.read("datazone/list-subscriptions-approved.json"))));

        assertThat(gateway.subscribe(DOMAIN, PROJECT, LISTING, "READ", "reason"))
                .isEqualTo(DataZoneGateway.SubscriptionOutcome.ALREADY_SUBSCRIBED);
        STUB.verify(0, postRequestedFor(urlPathEqualTo("/v2/domains/dzd_prod/subscription-requests")));
    }

    @Test
    void subscribe_whenARequestIsPending_reportsAlreadyRequestedWithoutRequesting() {
        STUB.stubFor(get(urlPathEqualTo("/v2/domains/dzd_prod/subscriptions"))
                .willReturn(okJson(AwsFixtures.read("datazone/empty-items.json"))));
        STUB.stubFor(get(urlPathEqualTo("/v2/domains/dzd_prod/subscription-requests"))
                .withQueryParam("owningProjectId", equalTo("prj_1"))
                .withQueryParam("subscribedListingId", equalTo("lst_orders"))
                .withQueryParam("status", equalTo("PENDING"))
                .willReturn(okJson(AwsFixtures.read("datazone/list-subscription-requests-pending.json"))));

        assertThat(gateway.subscribe(DOMAIN, PROJECT, LISTING, "READ", "reason"))
                .isEqualTo(DataZoneGateway.SubscriptionOutcome.ALREADY_REQUESTED);
        STUB.verify(0, postRequestedFor(urlPathEqualTo("/v2/domains/dzd_prod/subscription-requests")));
    }

    @Test
    void subscribe_whenNothingExists_requestsForTheProjectWithTheReason() {
        stubNoSubscriptions();
        STUB.stubFor(post(urlPathEqualTo("/v2/domains/dzd_prod/subscription-requests"))
                .withRequestBody(matchingJsonPath("$.subscribedListings[0].identifier", equalTo("lst_orders")))
                .withRequestBody(matchingJsonPath("$.subscribedPrincipals[0].project.identifier", equalTo("prj_1")))
                .withRequestBody(matchingJsonPath("$.requestReason", equalTo("The daily ETL reads confirmed orders")))
                .willReturn(okJson(AwsFixtures.read("datazone/create-subscription-request.json"))));

        assertThat(gateway.subscribe(DOMAIN, PROJECT, LISTING, "READ", "The daily ETL reads confirmed orders"))
                .isEqualTo(DataZoneGateway.SubscriptionOutcome.REQUESTED);
        STUB.verify(1, postRequestedFor(urlPathEqualTo("/v2/domains/dzd_prod/subscription-requests")));
    }

    @Test
    void subscribe_whenServiceSaysTheRequestAlreadyExists_reportsAlreadyRequested() {
        stubNoSubscriptions();
        STUB.stubFor(post(urlPathEqualTo("/v2/domains/dzd_prod/subscription-requests")).willReturn(error(409,
                "ConflictException", "Subscription request already exists for the listing and principal")));

        assertThat(gateway.subscribe(DOMAIN, PROJECT, LISTING, "READ", null))
                .isEqualTo(DataZoneGateway.SubscriptionOutcome.ALREADY_REQUESTED);
    }

    @Test
    void subscribe_whenAnotherConflict_failsWithSubscriptionConflict() {
        stubNoSubscriptions();
        STUB.stubFor(post(urlPathEqualTo("/v2/domains/dzd_prod/subscription-requests")).willReturn(error(409,
                "ConflictException", "The listing revision is not the latest")));

        assertThatThrownBy(() -> gateway.subscribe(DOMAIN, PROJECT, LISTING, "READ", null))
                .isInstanceOf(PhaseFailure.class)
                .satisfies(e -> assertThat(((PhaseFailure) e).code()).isEqualTo("SUBSCRIPTION_CONFLICT"));
    }

    private void stubEnvironments(String fixture) {
        STUB.stubFor(get(urlPathEqualTo("/v2/domains/dzd_prod/environments"))
                .withQueryParam("projectIdentifier", equalTo("prj_1"))
                .willReturn(okJson(AwsFixtures.read(fixture))));
    }

    private void stubNoSubscriptions() {
        STUB.stubFor(get(urlPathEqualTo("/v2/domains/dzd_prod/subscriptions"))
                .willReturn(okJson(AwsFixtures.read("datazone/empty-items.json"))));
        STUB.stubFor(get(urlPathEqualTo("/v2/domains/dzd_prod/subscription-requests"))
                .willReturn(okJson(AwsFixtures.read("datazone/empty-items.json"))));
    }

    /** An error the way DataZone (REST-JSON) sends one: status, x-amzn-ErrorType and a message body. */
    private static ResponseDefinitionBuilder error(int status, String type, String message) {
        return aResponse().withStatus(status)
                .withHeader("Content-Type", "application/json")
                .withHeader("x-amzn-ErrorType", type)
                .withBody("{\"message\": \"" + message + "\"}");
    }
}
