package com.smuscicd.aws;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.smuscicd.testsupport.AwsTestCredentials;
import java.net.URI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.mwaaserverless.MwaaServerlessClient;

/** The per-region and cross-region behaviour of {@link AwsClients}. */
class AwsClientsTest {

    @RegisterExtension
    static final WireMockExtension STUB = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort())
            .build();

    private static final String BUCKET = "smus-project-eu";
    private static final String KEY = "dzd_eu/prj_1/dev/workflows/dags/daily_sales_etl.py";

    /** Clients in us-east-1 against the stub (an IP address, so S3 uses path-style requests). */
    private static AwsClients clients() {
        return AwsClients.forEndpoint(URI.create("http://127.0.0.1:" + STUB.getPort()), Region.US_EAST_1,
                AwsTestCredentials.provider());
    }

    @Test
    void mwaaServerless_perRegion_buildsOneClientPerRegionAndDefaultsToItsOwn() {
        AwsClients clients = clients();

        MwaaServerlessClient eu = clients.client(MwaaServerlessWorkflowGateway.CLIENT, "eu-west-1");
        MwaaServerlessClient own = clients.client(MwaaServerlessWorkflowGateway.CLIENT);

        assertThat(eu.serviceClientConfiguration().region()).isEqualTo(Region.EU_WEST_1);
        assertThat(clients.client(MwaaServerlessWorkflowGateway.CLIENT, " eu-west-1 ")).isSameAs(eu);
        assertThat(own.serviceClientConfiguration().region()).isEqualTo(Region.US_EAST_1);
        assertThat(clients.client(MwaaServerlessWorkflowGateway.CLIENT, "")).isSameAs(own);
        assertThat(clients.client(MwaaServerlessWorkflowGateway.CLIENT, "us-east-1")).isSameAs(own);
    }

    @Test
    void s3_isBuiltWithCrossRegionAccess() {
        assertThat(clients().client(S3BundleStore.CLIENT).serviceClientConfiguration().crossRegionAccessEnabled())
                .isTrue();
    }

    @Test
    void s3_whenTheBucketIsInAnotherRegion_followsTheRedirectAndWritesThere() {
        // What S3 answers a request signed for the wrong region: 301 naming the bucket's region.
        STUB.stubFor(put(urlPathEqualTo("/" + BUCKET + "/" + KEY))
                .withHeader("Authorization", containing("/us-east-1/s3/"))
                .willReturn(aResponse().withStatus(301)
                        .withHeader("x-amz-bucket-region", "eu-west-1")
                        .withHeader("Content-Type", "application/xml")
                        .withBody(AwsFixtures.read("s3/permanent-redirect.xml"))));
        STUB.stubFor(put(urlPathEqualTo("/" + BUCKET + "/" + KEY))
                .withHeader("Authorization", containing("/eu-west-1/s3/"))
                .willReturn(aResponse().withStatus(200).withHeader("ETag", "\"d41d8cd98f00b204e9800998ecf8427e\"")));

        String etag = clients().client(S3BundleStore.CLIENT)
                .putObject(b -> b.bucket(BUCKET).key(KEY), RequestBody.fromString("# dag")).eTag();

        assertThat(etag).isEqualTo("\"d41d8cd98f00b204e9800998ecf8427e\"");
        STUB.verify(1, putRequestedFor(urlPathEqualTo("/" + BUCKET + "/" + KEY))
                .withHeader("Authorization", containing("/eu-west-1/s3/")));
    }
}
