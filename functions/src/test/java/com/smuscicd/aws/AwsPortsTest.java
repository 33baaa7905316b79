package com.smuscicd.aws;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.smuscicd.deploy.BundleArchive;
import com.smuscicd.deploy.S3Location;
import com.smuscicd.deploy.WorkflowGateway;
import com.smuscicd.json.Json;
import com.smuscicd.testsupport.AwsTestCredentials;
import com.smuscicd.testsupport.MotoServerExtension;
import com.smuscicd.trigger.BundleTrigger;
import com.smuscicd.trigger.RecordingPublishers;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sfn.SfnClient;

/** The environment-driven wiring of the Lambda functions. */
class AwsPortsTest {

    @RegisterExtension
    static final MotoServerExtension MOTO = MotoServerExtension.create().resetBeforeEach();

    /** DataZone (REST) and MWAA Serverless (awsJson, {@code POST /}) on one stub. */
    @RegisterExtension
    static final WireMockExtension STUB = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort())
            .build();

    @Test
    void bundleTrigger_wiredFromTheEnvironment_startsTheStateMachineOfStateMachineArn() {
        AwsClients clients = AwsClientsForTests.moto(MOTO);
        S3Client s3 = clients.s3();
        SfnClient sfn = clients.sfn();
        String stateMachineArn = DeployStateMachineFixture.create(sfn, "smus-cicd-deploy");
        s3.createBucket(b -> b.bucket("smus-bundles"));
        TreeMap<String, byte[]> entries = new TreeMap<>();
        entries.put("pipeline.yaml", AwsFixtures.read("/com/smuscicd/trigger/pipeline.yaml").getBytes(StandardCharsets.UTF_8));
        entries.put("workflows/daily_sales_etl.py", "# dag".getBytes(StandardCharsets.UTF_8));
        String etag = s3.putObject(b -> b.bucket("smus-bundles").key("MyPipeline/prod/bundle.zip"),
                RequestBody.fromBytes(BundleArchive.write(entries))).eTag();
        ObjectNode event = (ObjectNode) Json.read(AwsFixtures.read("/com/smuscicd/trigger/object-created.json"));
        ((ObjectNode) event.path("detail").path("object")).put("etag", etag);

        BundleTrigger trigger = AwsPorts.bundleTrigger(Map.of("STATE_MACHINE_ARN", stateMachineArn,
                "EVENT_BUS_NAME", "smus-deployments"), clients, new RecordingPublishers());
        BundleTrigger.Outcome outcome = trigger.handle(event);

        assertThat(outcome.status()).isEqualTo("STARTED");
        assertThat(sfn.listExecutions(b -> b.stateMachineArn(stateMachineArn)).executions())
                .singleElement().satisfies(e -> assertThat(e.executionArn()).isEqualTo(outcome.executionArn()));
    }

    @Test
    void create_whenDomainIsInAnotherRegion_createsTheWorkflowWithTheUserRoleFromThatRegion() {
        String role = "arn:aws:iam::123456789012:role/datazone_usr_role_prj_1_abc123";
        STUB.stubFor(get(urlPathEqualTo("/v2/domains/dzd_prod/environments"))
                .withQueryParam("projectIdentifier", equalTo("prj_1"))
                .willReturn(okJson(AwsFixtures.read("datazone/list-environments.json"))));
        STUB.stubFor(get(urlPathEqualTo("/v2/domains/dzd_prod/environments/env_tool"))
                .willReturn(okJson(AwsFixtures.read("datazone/get-environment-tooling.json"))));
        STUB.stubFor(post(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo("AmazonMWAAServerless.ListWorkflows"))
                .willReturn(mwaaJson(AwsFixtures.read("mwaa/list-workflows-empty.json"))));
        STUB.stubFor(post(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo("AmazonMWAAServerless.CreateWorkflow"))
                .withRequestBody(matchingJsonPath("$.RoleArn", equalTo(role)))
                .willReturn(mwaaJson(AwsFixtures.read("mwaa/create-workflow.json"))));
        // The orchestrator runs in us-east-1; the target's domain is in eu-west-1.
        AwsClients clients = AwsClients.forEndpoint(URI.create(STUB.baseUrl()), Region.US_EAST_1,
                AwsTestCredentials.provider());
        WorkflowGateway workflows = AwsPorts.create(Map.of(), clients, new RecordingPublishers()).workflows();

        WorkflowGateway.WorkflowOutcome outcome = workflows.createOrUpdate(new WorkflowGateway.WorkflowSpec(
                "daily_sales_etl", "dzd_prod", "prj_1", "eu-west-1",
                new S3Location("project-bucket", "dzd_prod/prj_1/dev/workflows/dags/daily_sales_etl.py"), "ab12"));

        assertThat(outcome).isEqualTo(WorkflowGateway.WorkflowOutcome.CREATED);
        STUB.verify(getRequestedFor(urlPathEqualTo("/v2/domains/dzd_prod/environments/env_tool"))
                .withHeader("Authorization", containing("/eu-west-1/datazone/")));
        STUB.verify(2, anyRequestedFor(urlEqualTo("/"))
                .withHeader("Authorization", containing("/eu-west-1/airflow-serverless/")));
        STUB.verify(0, anyRequestedFor(anyUrl()).withHeader("Authorization", containing("/us-east-1/")));
    }

    @Test
    void bundleTrigger_withoutStateMachineArn_failsAtColdStartNamingTheVariable() {
        assertThatThrownBy(() -> AwsPorts.bundleTrigger(Map.of(), AwsClientsForTests.moto(MOTO), new RecordingPublishers()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("STATE_MACHINE_ARN");
    }

    @Test
    void maxBundleBytes_readsTheEnvironmentOrDefaults() {
        assertThat(AwsPorts.maxBundleBytes(Map.of())).isEqualTo(BundleArchive.DEFAULT_MAX_BYTES);
        assertThat(AwsPorts.maxBundleBytes(Map.of("MAX_BUNDLE_BYTES", "1048576"))).isEqualTo(1048576);
        assertThatThrownBy(() -> AwsPorts.maxBundleBytes(Map.of("MAX_BUNDLE_BYTES", "lots")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("MAX_BUNDLE_BYTES");
    }

    private static ResponseDefinitionBuilder mwaaJson(String body) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/x-amz-json-1.0").withBody(body);
    }
}
