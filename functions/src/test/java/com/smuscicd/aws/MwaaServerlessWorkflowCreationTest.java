package com.smuscicd.aws;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import com.smuscicd.deploy.BundleArchive;
import com.smuscicd.deploy.BundleStore;
import com.smuscicd.deploy.S3Location;
import com.smuscicd.deploy.TaskFunction;
import com.smuscicd.json.Json;
import com.smuscicd.testsupport.AwsTestCredentials;
import com.smuscicd.trigger.RecordingPublishers;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.regions.Region;

/**
 * The WorkflowCreation task as its Lambda function wires it, over the real MWAA Serverless
 * gateway against a wire-level stub: what one invocation costs in {@code ListWorkflows} calls,
 * and that the next invocation of the same (warm) function lists again.
 */
class MwaaServerlessWorkflowCreationTest {

    @RegisterExtension
    static final WireMockExtension STUB = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort())
            .build();

    private static final S3Location BUNDLE = S3Location.parse("s3://smus-bundles/MyPipeline/prod/bundle.zip");

    @Test
    void workflowCreation_whenThreeWorkflowsAndTwoPagesExist_listsEachPageOncePerInvocation() {
        STUB.stubFor(operation("ListWorkflows").withRequestBody(matchingJsonPath("$.NextToken", absent()))
                .willReturn(json(AwsFixtures.read("mwaa/list-workflows-page1.json"))));
        STUB.stubFor(operation("ListWorkflows")
                .withRequestBody(matchingJsonPath("$.NextToken", equalTo("workflows-page-2")))
                .willReturn(json(AwsFixtures.read("mwaa/list-workflows-page2.json"))));
        STUB.stubFor(operation("CreateWorkflow").willReturn(json(AwsFixtures.read("mwaa/create-workflow.json"))));
        STUB.stubFor(operation("UpdateWorkflow").willReturn(json(AwsFixtures.read("mwaa/update-workflow.json"))));
        AwsClients clients = AwsClients.forEndpoint(URI.create(STUB.baseUrl()), Region.US_EAST_1,
                AwsTestCredentials.provider());
        // Built once, as a cold start builds it; every invocation below is a warm one.
        BundleOnly store = new BundleOnly();
        TaskFunction task = AwsPorts.functions(Map.of(), new RecordingPublishers(), null, store,
                MwaaServerlessWorkflowGateway.fromEnvironment(Map.of(), clients)).workflowCreation();
        ObjectNode input = (ObjectNode) Json.read(AwsFixtures.read("workflow-creation-task-input.json"));
        ((ObjectNode) input.path("state").path("deployment").path("bundle"))
                .put("digest", "sha256:" + BundleArchive.sha256Hex(store.bundle)).put("bytes", store.bundle.length);

        JsonNode first = task.invoke(input);

        // daily_sales_etl is on the second page with another definition; the other two are new.
        assertThat(first.path("created").asInt()).isEqualTo(2);
        assertThat(first.path("updated").asInt()).isEqualTo(1);
        STUB.verify(1, firstPages());
        STUB.verify(1, secondPages());

        task.invoke(input);

        STUB.verify(2, firstPages());
        STUB.verify(2, secondPages());
        STUB.verify(4, postRequestedFor(urlEqualTo("/"))
                .withHeader("X-Amz-Target", equalTo("AmazonMWAAServerless.CreateWorkflow")));
    }

    private static RequestPatternBuilder firstPages() {
        return listRequests().withRequestBody(matchingJsonPath("$.NextToken", absent()));
    }

    private static RequestPatternBuilder secondPages() {
        return listRequests().withRequestBody(matchingJsonPath("$.NextToken", equalTo("workflows-page-2")));
    }

    private static RequestPatternBuilder listRequests() {
        return postRequestedFor(urlEqualTo("/"))
                .withHeader("X-Amz-Target", equalTo("AmazonMWAAServerless.ListWorkflows"));
    }

    private static MappingBuilder operation(String name) {
        return post(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo("AmazonMWAAServerless." + name));
    }

    private static ResponseDefinitionBuilder json(String body) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/x-amz-json-1.0").withBody(body);
    }

    /** Serves a bundle holding the three DAG files and takes whatever is put. */
    private static final class BundleOnly implements BundleStore {

        private final byte[] bundle;

        BundleOnly() {
            TreeMap<String, byte[]> entries = new TreeMap<>();
            entries.put("pipeline.yaml", "pipelineName: MyPipeline\n".getBytes(StandardCharsets.UTF_8));
            for (String name : new String[] {"daily_sales_etl", "weekly_report", "monthly_close"}) {
                entries.put("workflows/" + name + ".py", ("dag = '" + name + "'\n").getBytes(StandardCharsets.UTF_8));
            }
            bundle = BundleArchive.write(entries);
        }

        @Override
        public InputStream open(S3Location location, String versionId) {
            assertThat(location).isEqualTo(BUNDLE);
            return new ByteArrayInputStream(bundle);
        }

        @Override
        public PutOutcome put(S3Location location, byte[] content, String sha256Hex) {
            return PutOutcome.UPLOADED;
        }
    }
}
