package com.smuscicd.aws;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.smuscicd.deploy.BundleArchive;
import com.smuscicd.deploy.DeployFunctions;
import com.smuscicd.deploy.S3Location;
import com.smuscicd.deploy.WorkflowGateway;
import com.smuscicd.errors.PhaseFailure;
import com.smuscicd.testsupport.AwsTestCredentials;
import com.smuscicd.trigger.RecordingPublishers;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.regions.Region;

/** The environment-driven wiring the Lambda functions share. */
class AwsPortsTest {

    /** DataZone (REST) and MWAA Serverless (awsJson, {@code POST /}) on one stub. */
    @RegisterExtension
    static final WireMockExtension STUB = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort())
            .build();

    @Test
    void workflows_whenDomainIsInAnotherRegion_createWorkflowThereAsTheProjectRoleWithoutAskingDataZone() {
        String role = "arn:aws:iam::123456789012:role/datazone_usr_role_prj_1_abc123";
        STUB.stubFor(post(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo("AmazonMWAAServerless.ListWorkflows"))
                .willReturn(mwaaJson(AwsFixtures.read("mwaa/list-workflows-empty.json"))));
        STUB.stubFor(post(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo("AmazonMWAAServerless.CreateWorkflow"))
                .withRequestBody(matchingJsonPath("$.RoleArn", equalTo(role)))
                .willReturn(mwaaJson(AwsFixtures.read("mwaa/create-workflow.json"))));
        // The orchestrator runs in us-east-1; the target's domain is in eu-west-1.
        AwsClients clients = AwsClients.forEndpoint(URI.create(STUB.baseUrl()), Region.US_EAST_1,
                AwsTestCredentials.provider());
        WorkflowGateway workflows = MwaaServerlessWorkflowGateway.fromEnvironment(Map.of(), clients);

        WorkflowGateway.WorkflowOutcome outcome = workflows.createOrUpdate(spec("eu-west-1", role));

        assertThat(outcome).isEqualTo(WorkflowGateway.WorkflowOutcome.CREATED);
        STUB.verify(2, anyRequestedFor(urlEqualTo("/"))
                .withHeader("Authorization", containing("/eu-west-1/airflow-serverless/")));
        STUB.verify(0, anyRequestedFor(anyUrl()).withHeader("Authorization", containing("/us-east-1/")));
        STUB.verify(0, anyRequestedFor(anyUrl()).withHeader("Authorization", containing("/datazone/")));
    }

    @Test
    void workflowRole_whenWorkflowRoleArnIsSet_winsOverTheProjectRole() {
        assertThat(MwaaServerlessWorkflowGateway.workflowRole(Map.of("WORKFLOW_ROLE_ARN", " arn:aws:iam::1:role/ci "))
                .apply(spec("us-east-1", "arn:aws:iam::1:role/project"))).isEqualTo("arn:aws:iam::1:role/ci");
        assertThat(MwaaServerlessWorkflowGateway.workflowRole(Map.of())
                .apply(spec("us-east-1", "arn:aws:iam::1:role/project"))).isEqualTo("arn:aws:iam::1:role/project");
    }

    @Test
    void workflowRole_whenNeitherIsKnown_failsThePhaseNamingTheSetting() {
        assertThatThrownBy(() -> MwaaServerlessWorkflowGateway.workflowRole(Map.of()).apply(spec("us-east-1", null)))
                .isInstanceOf(PhaseFailure.class)
                .hasMessageContaining("prj_1").hasMessageContaining("WORKFLOW_ROLE_ARN")
                .satisfies(e -> assertThat(((PhaseFailure) e).code()).isEqualTo("WORKFLOW_ROLE_NOT_FOUND"));
    }

    @Test
    void maxBundleBytes_readsTheEnvironmentOrDefaults() {
        assertThat(AwsPorts.maxBundleBytes(Map.of())).isEqualTo(BundleArchive.DEFAULT_MAX_BYTES);
        assertThat(AwsPorts.maxBundleBytes(Map.of("MAX_BUNDLE_BYTES", "1048576"))).isEqualTo(1048576);
        assertThatThrownBy(() -> AwsPorts.maxBundleBytes(Map.of("MAX_BUNDLE_BYTES", "lots")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("MAX_BUNDLE_BYTES");
    }

    @Test
    void functions_portThisFunctionDoesNotHave_failsNamingThePort() {
        DeployFunctions functions = AwsPorts.functions(Map.of(), new RecordingPublishers(), null, null, null);

        assertThatThrownBy(() -> functions.dataZone().findDomainByName("d", "us-east-1"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("DataZoneGateway is not wired in this function: findDomainByName cannot be called");
        assertThat(functions.bundles()).hasToString("unavailable BundleStore");
        assertThat(functions.workflows()).isEqualTo(functions.workflows()).isNotEqualTo(functions.bundles());
    }

    @Test
    void stateMachineArn_whenUnset_failsAtColdStartNamingTheVariable() {
        assertThatThrownBy(() -> AwsPorts.stateMachineArn(Map.of("STATE_MACHINE_ARN", " ")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("STATE_MACHINE_ARN");
    }

    private static WorkflowGateway.WorkflowSpec spec(String region, String projectRole) {
        return new WorkflowGateway.WorkflowSpec("daily_sales_etl", "dzd_prod", "prj_1", region,
                new S3Location("project-bucket", "dzd_prod/prj_1/dev/workflows/dags/daily_sales_etl.py"), "ab12",
                projectRole);
    }

    private static ResponseDefinitionBuilder mwaaJson(String body) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/x-amz-json-1.0").withBody(body);
    }
}
