package com.smuscicd.aws;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.smuscicd.deploy.S3Location;
import com.smuscicd.deploy.WorkflowGateway;
import com.smuscicd.errors.PhaseFailure;
import com.smuscicd.errors.RetryablePhaseException;
import com.smuscicd.testsupport.AwsTestCredentials;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.mwaaserverless.MwaaServerlessClient;

/**
 * {@link MwaaServerlessWorkflowGateway} through the real SDK client against a wire-level stub of
 * the MWAA Serverless API (awsJson 1.0: {@code POST /} with {@code X-Amz-Target}).
 */
class MwaaServerlessWorkflowGatewayTest {

    @RegisterExtension
    static final WireMockExtension STUB = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort())
            .build();

    private static final String DEPLOYED_SHA = "9f2c1a0b8e7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a3928170615e4d3";
    private static final String NEW_SHA = "0000000000000000000000000000000000000000000000000000000000000001";
    private static final String ROLE = "arn:aws:iam::123456789012:role/datazone_usr_role_prj_1_abc123";
    private static final String WORKFLOW_ARN =
            "arn:aws:airflow-serverless:us-east-1:123456789012:workflow/prj_1-daily_sales_etl-f6g7h8i9j0";

    private final List<WorkflowGateway.WorkflowSpec> roleLookups = new ArrayList<>();
    private MwaaServerlessClient client;
    private MwaaServerlessWorkflowGateway gateway;

    @BeforeEach
    void gateway() {
        client = AwsClients.configure(MwaaServerlessClient.builder(), Region.US_EAST_1, URI.create(STUB.baseUrl()),
                AwsTestCredentials.provider()).build();
        gateway = MwaaServerlessWorkflowGateway.create(client, spec -> {
            roleLookups.add(spec);
            return ROLE;
        });
    }

    @AfterEach
    void close() {
        client.close();
    }

    @Test
    void createOrUpdate_whenNoWorkflowOfThatName_createsItWithRoleDescriptionAndTags() {
        stubList("mwaa/list-workflows-empty.json");
        STUB.stubFor(operation("CreateWorkflow")
                .withRequestBody(matchingJsonPath("$.Name", equalTo("prj_1-daily_sales_etl")))
                .withRequestBody(matchingJsonPath("$.RoleArn", equalTo(ROLE)))
                .withRequestBody(matchingJsonPath("$.DefinitionS3Location.Bucket", equalTo("project-bucket")))
                .withRequestBody(matchingJsonPath("$.DefinitionS3Location.ObjectKey",
                        equalTo("dzd_prod/prj_1/dev/workflows/dags/daily_sales_etl.py")))
                .withRequestBody(matchingJsonPath("$.Description",
                        equalTo(MwaaServerlessWorkflowGateway.DESCRIPTION_PREFIX + NEW_SHA)))
                .withRequestBody(matchingJsonPath("$.Tags['smus-cicd:project-id']", equalTo("prj_1")))
                .willReturn(json(AwsFixtures.read("mwaa/create-workflow.json"))));

        assertThat(gateway.createOrUpdate(spec(NEW_SHA))).isEqualTo(WorkflowGateway.WorkflowOutcome.CREATED);
        STUB.verify(1, postRequestedFor(urlEqualTo("/")).withHeader("X-Amz-Target",
                equalTo("AmazonMWAAServerless.CreateWorkflow")));
    }

    @Test
    void createOrUpdate_whenDeployedDefinitionIsTheSame_reportsUnchangedWithoutAnyChange() {
        stubTwoPages();

        assertThat(gateway.createOrUpdate(spec(DEPLOYED_SHA))).isEqualTo(WorkflowGateway.WorkflowOutcome.UNCHANGED);
        STUB.verify(0, postRequestedFor(urlEqualTo("/")).withHeader("X-Amz-Target",
                equalTo("AmazonMWAAServerless.UpdateWorkflow")));
        STUB.verify(0, postRequestedFor(urlEqualTo("/")).withHeader("X-Amz-Target",
                equalTo("AmazonMWAAServerless.CreateWorkflow")));
        // The role is only needed to change something.
        assertThat(roleLookups).isEmpty();
    }

    @Test
    void createOrUpdate_whenDefinitionChanged_updatesTheWorkflowFoundOnTheSecondPage() {
        stubTwoPages();
        STUB.stubFor(operation("UpdateWorkflow")
                .withRequestBody(matchingJsonPath("$.WorkflowArn", equalTo(WORKFLOW_ARN)))
                .withRequestBody(matchingJsonPath("$.RoleArn", equalTo(ROLE)))
                .withRequestBody(matchingJsonPath("$.Description",
                        equalTo(MwaaServerlessWorkflowGateway.DESCRIPTION_PREFIX + NEW_SHA)))
                .willReturn(json(AwsFixtures.read("mwaa/update-workflow.json"))));

        assertThat(gateway.createOrUpdate(spec(NEW_SHA))).isEqualTo(WorkflowGateway.WorkflowOutcome.UPDATED);
        STUB.verify(1, postRequestedFor(urlEqualTo("/")).withHeader("X-Amz-Target",
                equalTo("AmazonMWAAServerless.UpdateWorkflow")));
    }

    @Test
    void createOrUpdate_whenCreatedConcurrently_updatesTheWinner() {
        STUB.stubFor(operation("ListWorkflows").inScenario("race").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(json(AwsFixtures.read("mwaa/list-workflows-empty.json"))).willSetStateTo("created"));
        STUB.stubFor(operation("ListWorkflows").inScenario("race").whenScenarioStateIs("created")
                .willReturn(json(AwsFixtures.read("mwaa/list-workflows-page2.json"))));
        STUB.stubFor(operation("CreateWorkflow").willReturn(error(400, "ConflictException",
                "Workflow prj_1-daily_sales_etl already exists")));
        STUB.stubFor(operation("UpdateWorkflow").willReturn(json(AwsFixtures.read("mwaa/update-workflow.json"))));

        assertThat(gateway.createOrUpdate(spec(NEW_SHA))).isEqualTo(WorkflowGateway.WorkflowOutcome.UPDATED);
    }

    @Test
    void createOrUpdate_whenServiceRejectsTheDefinition_failsWithWorkflowInvalid() {
        stubList("mwaa/list-workflows-empty.json");
        STUB.stubFor(operation("CreateWorkflow").willReturn(error(400, "ValidationException",
                "Invalid workflow definition: unknown operator 'BashOperatorX'")));

        assertThatThrownBy(() -> gateway.createOrUpdate(spec(NEW_SHA)))
                .isInstanceOf(PhaseFailure.class)
                .hasMessageContaining("unknown operator")
                .satisfies(e -> assertThat(((PhaseFailure) e).code()).isEqualTo("WORKFLOW_INVALID"));
    }

    @Test
    void createOrUpdate_whenAccessDenied_failsWithAccessDenied() {
        STUB.stubFor(operation("ListWorkflows").willReturn(error(403, "AccessDeniedException",
                "not authorized to perform: airflow-serverless:ListWorkflows")));

        assertThatThrownBy(() -> gateway.createOrUpdate(spec(NEW_SHA)))
                .isInstanceOf(PhaseFailure.class)
                .satisfies(e -> assertThat(((PhaseFailure) e).code()).isEqualTo("ACCESS_DENIED"));
    }

    @Test
    void createOrUpdate_whenThrottlingPersists_failsRetryablyAfterBoundedAttempts() {
        STUB.stubFor(operation("ListWorkflows").willReturn(error(400, "ThrottlingException", "Rate exceeded")));

        assertThatThrownBy(() -> gateway.createOrUpdate(spec(NEW_SHA)))
                .isInstanceOf(RetryablePhaseException.class)
                .satisfies(e -> assertThat(((RetryablePhaseException) e).code()).isEqualTo("THROTTLED"));
        STUB.verify(3, postRequestedFor(urlEqualTo("/")).withHeader("X-Amz-Target",
                equalTo("AmazonMWAAServerless.ListWorkflows")));
    }

    @Test
    void createOrUpdate_whenThrottledOnce_isRetriedBySdkAndSucceeds() {
        STUB.stubFor(operation("ListWorkflows").inScenario("throttle").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(error(400, "ThrottlingException", "Rate exceeded")).willSetStateTo("ok"));
        STUB.stubFor(operation("ListWorkflows").inScenario("throttle").whenScenarioStateIs("ok")
                .willReturn(json(AwsFixtures.read("mwaa/list-workflows-page2.json"))));

        assertThat(gateway.createOrUpdate(spec(DEPLOYED_SHA))).isEqualTo(WorkflowGateway.WorkflowOutcome.UNCHANGED);
    }

    @Test
    void createOrUpdate_whenDomainIsInAnotherRegion_callsTheClientOfThatRegion() {
        stubList("mwaa/list-workflows-empty.json");
        STUB.stubFor(operation("CreateWorkflow").willReturn(json(AwsFixtures.read("mwaa/create-workflow.json"))));
        List<String> regionsAsked = new ArrayList<>();
        List<MwaaServerlessClient> built = new ArrayList<>();
        MwaaServerlessWorkflowGateway regional = MwaaServerlessWorkflowGateway.create(region -> {
            regionsAsked.add(region);
            MwaaServerlessClient regionClient = AwsClients.configure(MwaaServerlessClient.builder(), Region.of(region),
                    URI.create(STUB.baseUrl()), AwsTestCredentials.provider()).build();
            built.add(regionClient);
            return regionClient;
        }, spec -> ROLE);
        try {
            assertThat(regional.createOrUpdate(spec(NEW_SHA, "eu-west-1")))
                    .isEqualTo(WorkflowGateway.WorkflowOutcome.CREATED);
        } finally {
            built.forEach(MwaaServerlessClient::close);
        }

        assertThat(regionsAsked).containsOnly("eu-west-1");
        // Signed for eu-west-1: the requests really went through that region's client.
        STUB.verify(2, postRequestedFor(urlEqualTo("/"))
                .withHeader("Authorization", containing("/eu-west-1/airflow-serverless/aws4_request")));
        STUB.verify(0, postRequestedFor(urlEqualTo("/")).withHeader("Authorization", containing("/us-east-1/")));
    }

    @Test
    void session_whenSeveralWorkflowsAndTheExistingOnesSpanTwoPages_listsEachPageOnce() {
        stubTwoPages();
        STUB.stubFor(operation("CreateWorkflow").willReturn(json(AwsFixtures.read("mwaa/create-workflow.json"))));
        WorkflowGateway.Session session = gateway.session();

        assertThat(session.createOrUpdate(spec("weekly_report", NEW_SHA, "us-east-1")))
                .isEqualTo(WorkflowGateway.WorkflowOutcome.CREATED);
        assertThat(session.createOrUpdate(spec("daily_sales_etl", DEPLOYED_SHA, "us-east-1")))
                .isEqualTo(WorkflowGateway.WorkflowOutcome.UNCHANGED);
        assertThat(session.createOrUpdate(spec("monthly_close", NEW_SHA, "us-east-1")))
                .isEqualTo(WorkflowGateway.WorkflowOutcome.CREATED);

        STUB.verify(1, listRequests().withRequestBody(matchingJsonPath("$.NextToken", absent())));
        STUB.verify(1, listRequests().withRequestBody(matchingJsonPath("$.NextToken", equalTo("workflows-page-2"))));
        STUB.verify(2, operationRequests("CreateWorkflow"));
    }

    @Test
    void session_whenWorkflowsAreInTwoRegions_listsEachRegionOnce() {
        stubList("mwaa/list-workflows-empty.json");
        STUB.stubFor(operation("CreateWorkflow").willReturn(json(AwsFixtures.read("mwaa/create-workflow.json"))));
        Map<String, MwaaServerlessClient> clients = new HashMap<>();
        MwaaServerlessWorkflowGateway regional = MwaaServerlessWorkflowGateway.create(
                region -> clients.computeIfAbsent(region, r -> AwsClients.configure(MwaaServerlessClient.builder(),
                        Region.of(r), URI.create(STUB.baseUrl()), AwsTestCredentials.provider()).build()),
                spec -> ROLE);
        try {
            WorkflowGateway.Session session = regional.session();
            for (String name : List.of("daily_sales_etl", "weekly_report")) {
                for (String region : List.of("us-east-1", "eu-west-1")) {
                    assertThat(session.createOrUpdate(spec(name, NEW_SHA, region)))
                            .isEqualTo(WorkflowGateway.WorkflowOutcome.CREATED);
                }
            }
        } finally {
            clients.values().forEach(MwaaServerlessClient::close);
        }

        STUB.verify(1, listRequests().withHeader("Authorization", containing("/us-east-1/airflow-serverless/")));
        STUB.verify(1, listRequests().withHeader("Authorization", containing("/eu-west-1/airflow-serverless/")));
        STUB.verify(4, operationRequests("CreateWorkflow"));
    }

    @Test
    void session_whenCreateConflicts_listsAfreshOnceAndUpdatesTheWinner() {
        STUB.stubFor(operation("ListWorkflows").inScenario("race").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(json(AwsFixtures.read("mwaa/list-workflows-empty.json"))).willSetStateTo("listed"));
        STUB.stubFor(operation("ListWorkflows").inScenario("race").whenScenarioStateIs("listed")
                .willReturn(json(AwsFixtures.read("mwaa/list-workflows-page2.json"))));
        STUB.stubFor(operation("CreateWorkflow")
                .withRequestBody(matchingJsonPath("$.Name", equalTo("prj_1-daily_sales_etl")))
                .willReturn(error(400, "ConflictException", "Workflow prj_1-daily_sales_etl already exists")));
        STUB.stubFor(operation("CreateWorkflow")
                .withRequestBody(matchingJsonPath("$.Name", equalTo("prj_1-weekly_report")))
                .willReturn(json(AwsFixtures.read("mwaa/create-workflow.json"))));
        STUB.stubFor(operation("UpdateWorkflow").withRequestBody(matchingJsonPath("$.WorkflowArn", equalTo(WORKFLOW_ARN)))
                .willReturn(json(AwsFixtures.read("mwaa/update-workflow.json"))));
        WorkflowGateway.Session session = gateway.session();

        assertThat(session.createOrUpdate(spec("daily_sales_etl", NEW_SHA, "us-east-1")))
                .isEqualTo(WorkflowGateway.WorkflowOutcome.UPDATED);
        assertThat(session.createOrUpdate(spec("weekly_report", NEW_SHA, "us-east-1")))
                .isEqualTo(WorkflowGateway.WorkflowOutcome.CREATED);

        // The first listing, then the fresh one after the conflict, which the next workflow reuses.
        STUB.verify(2, listRequests());
        STUB.verify(1, operationRequests("UpdateWorkflow"));
    }

    @Test
    void session_whenASecondSessionIsOpened_listsAfreshAndSeesWhatTheFirstCreated() {
        STUB.stubFor(operation("ListWorkflows").inScenario("deployments").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(json(AwsFixtures.read("mwaa/list-workflows-empty.json"))));
        STUB.stubFor(operation("CreateWorkflow").inScenario("deployments").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(json(AwsFixtures.read("mwaa/create-workflow.json"))).willSetStateTo("created"));
        STUB.stubFor(operation("ListWorkflows").inScenario("deployments").whenScenarioStateIs("created")
                .willReturn(json(AwsFixtures.read("mwaa/list-workflows-page2.json"))));
        STUB.stubFor(operation("CreateWorkflow")
                .withRequestBody(matchingJsonPath("$.Name", equalTo("prj_1-weekly_report")))
                .willReturn(json(AwsFixtures.read("mwaa/create-workflow.json"))));

        assertThat(gateway.session().createOrUpdate(spec(DEPLOYED_SHA)))
                .isEqualTo(WorkflowGateway.WorkflowOutcome.CREATED);
        WorkflowGateway.Session second = gateway.session();
        assertThat(second.createOrUpdate(spec(DEPLOYED_SHA))).isEqualTo(WorkflowGateway.WorkflowOutcome.UNCHANGED);
        assertThat(second.createOrUpdate(spec("weekly_report", DEPLOYED_SHA, "us-east-1")))
                .isEqualTo(WorkflowGateway.WorkflowOutcome.CREATED);

        STUB.verify(2, listRequests());
    }

    @Test
    void session_whenTwoWorkflowsShareAServerlessName_theSecondSeesWhatTheFirstWrote() {
        stubList("mwaa/list-workflows-empty.json");
        STUB.stubFor(operation("CreateWorkflow").willReturn(json(AwsFixtures.read("mwaa/create-workflow.json"))));
        WorkflowGateway.Session session = gateway.session();

        assertThat(session.createOrUpdate(spec("daily sales", NEW_SHA, "us-east-1")))
                .isEqualTo(WorkflowGateway.WorkflowOutcome.CREATED);
        assertThat(session.createOrUpdate(spec("daily-sales", NEW_SHA, "us-east-1")))
                .isEqualTo(WorkflowGateway.WorkflowOutcome.UNCHANGED);

        STUB.verify(1, operationRequests("CreateWorkflow"));
        STUB.verify(1, listRequests());
    }

    @Test
    void workflowName_prefixesTheProjectAndKeepsOnlyAcceptedCharacters() {
        assertThat(MwaaServerlessWorkflowGateway.workflowName("prj_1", "daily sales/etl"))
                .isEqualTo("prj_1-daily-sales-etl");
        String longName = MwaaServerlessWorkflowGateway.workflowName("prj_1", "w".repeat(300));
        assertThat(longName).hasSize(MwaaServerlessWorkflowGateway.MAX_NAME_LENGTH).matches("[A-Za-z0-9._-]+");
        assertThat(MwaaServerlessWorkflowGateway.workflowName("prj_1", "w".repeat(299))).isNotEqualTo(longName);
    }

    private static WorkflowGateway.WorkflowSpec spec(String sha) {
        return spec(sha, "us-east-1");
    }

    private static WorkflowGateway.WorkflowSpec spec(String sha, String region) {
        return spec("daily_sales_etl", sha, region);
    }

    private static WorkflowGateway.WorkflowSpec spec(String name, String sha, String region) {
        return new WorkflowGateway.WorkflowSpec(name, "dzd_prod", "prj_1", region,
                new S3Location("project-bucket", "dzd_prod/prj_1/dev/workflows/dags/" + name + ".py"), sha,
                "arn:aws:iam::123456789012:role/datazone_usr_role_prj_1_abc123");
    }

    private void stubList(String fixture) {
        STUB.stubFor(operation("ListWorkflows").willReturn(json(AwsFixtures.read(fixture))));
    }

    private void stubTwoPages() {
        STUB.stubFor(operation("ListWorkflows").withRequestBody(matchingJsonPath("$.NextToken", absent()))
                .willReturn(json(AwsFixtures.read("mwaa/list-workflows-page1.json"))));
        STUB.stubFor(operation("ListWorkflows")
                .withRequestBody(matchingJsonPath("$.NextToken", equalTo("workflows-page-2")))
                .willReturn(json(AwsFixtures.read("mwaa/list-workflows-page2.json"))));
    }

    private static RequestPatternBuilder listRequests() {
        return operationRequests("ListWorkflows");
    }

    private static RequestPatternBuilder operationRequests(String name) {
        return postRequestedFor(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo("AmazonMWAAServerless." + name));
    }

    private static MappingBuilder operation(String name) {
        return post(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo("AmazonMWAAServerless." + name));
    }

    private static ResponseDefinitionBuilder json(String body) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/x-amz-json-1.0").withBody(body);
    }

    /** An awsJson 1.0 error: the shape name in {@code __type}. */
    private static ResponseDefinitionBuilder error(int status, String type, String message) {
        return aResponse().withStatus(status)
                .withHeader("Content-Type", "application/x-amz-json-1.0")
                .withBody("{\"__type\": \"com.amazonaws.mwaaserverless#" + type + "\", \"Message\": \"" + message + "\"}");
    }
}
