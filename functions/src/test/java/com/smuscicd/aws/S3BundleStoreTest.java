package com.smuscicd.aws;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.smuscicd.deploy.BundleArchive;
import com.smuscicd.deploy.BundleStore;
import com.smuscicd.deploy.S3Location;
import com.smuscicd.errors.PhaseFailure;
import com.smuscicd.errors.RetryablePhaseException;
import com.smuscicd.testsupport.AwsTestCredentials;
import com.smuscicd.testsupport.MotoServerExtension;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;

/** {@link S3BundleStore} against a real moto server, through the same client configuration as the Lambda functions. */
class S3BundleStoreTest {

    @RegisterExtension
    static final MotoServerExtension MOTO = MotoServerExtension.create().resetBeforeEach();

    /** S3 answers that moto cannot be made to give: a body cut short of its Content-Length. */
    @RegisterExtension
    static final WireMockExtension STUB = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"))
            .build();

    private static final String BUCKET = "project-bucket";

    private S3Client s3;
    private S3BundleStore store;

    @BeforeEach
    void bucket() {
        s3 = AwsClients.forEndpoint(MOTO.endpoint(), Region.of(MOTO.region()), AwsTestCredentials.provider())
                .client(S3BundleStore.CLIENT);
        s3.createBucket(b -> b.bucket(BUCKET));
        store = S3BundleStore.create(s3);
    }

    @Test
    void put_whenObjectAbsent_uploadsContentWithItsSha256() throws IOException {
        byte[] content = "print('hello')\n".getBytes(StandardCharsets.UTF_8);
        S3Location location = new S3Location(BUCKET, "dzd/prj/shared/code/etl.py");

        BundleStore.PutOutcome outcome = store.put(location, content, BundleArchive.sha256Hex(content));

        assertThat(outcome).isEqualTo(BundleStore.PutOutcome.UPLOADED);
        HeadObjectResponse head = s3.headObject(b -> b.bucket(BUCKET).key(location.key()));
        assertThat(head.metadata()).containsEntry(S3BundleStore.SHA256_METADATA, BundleArchive.sha256Hex(content));
        try (InputStream in = store.open(location)) {
            assertThat(in.readAllBytes()).isEqualTo(content);
        }
    }

    @Test
    void put_whenSameContentAlreadyStored_returnsUnchangedWithoutWriting() {
        byte[] content = "select 1".getBytes(StandardCharsets.UTF_8);
        S3Location location = new S3Location(BUCKET, "sql/q.sql");
        store.put(location, content, BundleArchive.sha256Hex(content), Map.of("writer", "first"));

        BundleStore.PutOutcome outcome = store.put(location, content, BundleArchive.sha256Hex(content),
                Map.of("writer", "second"));

        assertThat(outcome).isEqualTo(BundleStore.PutOutcome.UNCHANGED);
        // A second write would have replaced the metadata.
        assertThat(s3.headObject(b -> b.bucket(BUCKET).key(location.key())).metadata())
                .containsEntry("writer", "first");
    }

    @Test
    void put_whenContentChanged_uploadsTheNewContent() throws IOException {
        S3Location location = new S3Location(BUCKET, "sql/q.sql");
        byte[] first = "select 1".getBytes(StandardCharsets.UTF_8);
        byte[] second = "select 2".getBytes(StandardCharsets.UTF_8);
        store.put(location, first, BundleArchive.sha256Hex(first));

        BundleStore.PutOutcome outcome = store.put(location, second, BundleArchive.sha256Hex(second));

        assertThat(outcome).isEqualTo(BundleStore.PutOutcome.UPLOADED);
        try (InputStream in = store.open(location)) {
            assertThat(in.readAllBytes()).isEqualTo(second);
        }
    }

    @Test
    void put_whenLargerThanMultipartThreshold_uploadsInPartsAndReadsBackIdentical() throws IOException {
        byte[] content = new byte[2 * S3BundleStore.PART_SIZE + 1024 * 1024];
        new Random(7).nextBytes(content);
        String sha = BundleArchive.sha256Hex(content);
        S3Location location = new S3Location(BUCKET, "data/large.bin");

        BundleStore.PutOutcome outcome = store.put(location, content, sha);

        assertThat(outcome).isEqualTo(BundleStore.PutOutcome.UPLOADED);
        HeadObjectResponse head = s3.headObject(b -> b.bucket(BUCKET).key(location.key()));
        // A multipart object's ETag is "<md5 of part md5s>-<part count>".
        assertThat(head.eTag()).endsWith("-3\"");
        assertThat(head.metadata()).containsEntry(S3BundleStore.SHA256_METADATA, sha);
        try (InputStream in = store.open(location)) {
            assertThat(BundleArchive.sha256Hex(in.readAllBytes())).isEqualTo(sha);
        }
        assertThat(store.put(location, content, sha)).isEqualTo(BundleStore.PutOutcome.UNCHANGED);
        assertThat(s3.listMultipartUploads(b -> b.bucket(BUCKET)).uploads()).isEmpty();
    }

    @Test
    void put_whenBucketMissing_failsWithBucketNotFound() {
        byte[] content = "x".getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> store.put(new S3Location("no-such-bucket", "k"), content,
                BundleArchive.sha256Hex(content)))
                .isInstanceOf(PhaseFailure.class)
                .hasMessageContaining("no-such-bucket")
                .satisfies(e -> assertThat(((PhaseFailure) e).code()).isEqualTo("BUCKET_NOT_FOUND"));
    }

    @Test
    void put_whenLargeUploadTargetsMissingBucket_failsWithBucketNotFound() {
        byte[] content = new byte[S3BundleStore.MULTIPART_THRESHOLD + 1];

        assertThatThrownBy(() -> store.put(new S3Location("no-such-bucket", "big"), content,
                BundleArchive.sha256Hex(content)))
                .isInstanceOf(PhaseFailure.class)
                .satisfies(e -> assertThat(((PhaseFailure) e).code()).isEqualTo("BUCKET_NOT_FOUND"));
    }

    @Test
    void open_whenKeyMissing_failsWithBundleNotFound() {
        assertThatThrownBy(() -> store.open(new S3Location(BUCKET, "missing.zip")))
                .isInstanceOf(PhaseFailure.class)
                .satisfies(e -> assertThat(((PhaseFailure) e).code()).isEqualTo("BUNDLE_NOT_FOUND"));
    }

    @Test
    void open_whenBucketMissing_failsWithBucketNotFound() {
        assertThatThrownBy(() -> store.open(new S3Location("no-such-bucket", "b.zip")))
                .isInstanceOf(PhaseFailure.class)
                .satisfies(e -> assertThat(((PhaseFailure) e).code()).isEqualTo("BUCKET_NOT_FOUND"));
    }

    @Test
    void open_whenAVersionIsNamed_readsThatVersionNotTheLatest() throws IOException {
        s3.putBucketVersioning(b -> b.bucket(BUCKET).versioningConfiguration(v -> v.status(BucketVersioningStatus.ENABLED)));
        S3Location location = new S3Location(BUCKET, "MyPipeline/prod/bundle.zip");
        byte[] first = "version one".getBytes(StandardCharsets.UTF_8);
        byte[] second = "version two".getBytes(StandardCharsets.UTF_8);
        String firstVersion = s3.putObject(b -> b.bucket(BUCKET).key(location.key()), RequestBody.fromBytes(first)).versionId();
        s3.putObject(b -> b.bucket(BUCKET).key(location.key()), RequestBody.fromBytes(second));

        try (InputStream in = store.open(location, firstVersion)) {
            assertThat(in.readAllBytes()).isEqualTo(first);
        }
        try (InputStream in = store.open(location, null)) {
            assertThat(in.readAllBytes()).isEqualTo(second);
        }
    }

    @Test
    void open_whenTheNamedVersionWasDeleted_failsWithBundleNotFound() {
        s3.putBucketVersioning(b -> b.bucket(BUCKET).versioningConfiguration(v -> v.status(BucketVersioningStatus.ENABLED)));
        S3Location location = new S3Location(BUCKET, "MyPipeline/prod/bundle.zip");
        String version = s3.putObject(b -> b.bucket(BUCKET).key(location.key()),
                RequestBody.fromBytes("v1".getBytes(StandardCharsets.UTF_8))).versionId();
        s3.putObject(b -> b.bucket(BUCKET).key(location.key()), RequestBody.fromBytes("v2".getBytes(StandardCharsets.UTF_8)));
        s3.deleteObject(b -> b.bucket(BUCKET).key(location.key()).versionId(version));

        assertThatThrownBy(() -> store.open(location, version))
                .isInstanceOf(PhaseFailure.class)
                .satisfies(e -> assertThat(((PhaseFailure) e).code()).isEqualTo("BUNDLE_NOT_FOUND"))
                .hasMessageContaining(version);
    }

    @Test
    void userMetadata_returnsWhatWasStoredBesideTheDigest() {
        byte[] content = "zip".getBytes(StandardCharsets.UTF_8);
        S3Location location = new S3Location(BUCKET, "p/t/b.zip");
        store.put(location, content, BundleArchive.sha256Hex(content), Map.of("smus-origin", "smus-cli"));

        assertThat(store.userMetadata(location))
                .containsEntry("smus-origin", "smus-cli")
                .containsEntry(S3BundleStore.SHA256_METADATA, BundleArchive.sha256Hex(content));
    }

    @Test
    void userMetadata_whenObjectMissing_failsWithBundleNotFound() {
        assertThatThrownBy(() -> store.userMetadata(new S3Location(BUCKET, "gone.zip")))
                .isInstanceOf(PhaseFailure.class)
                .satisfies(e -> assertThat(((PhaseFailure) e).code()).isEqualTo("BUNDLE_NOT_FOUND"));
    }

    @Test
    void open_whenTheDownloadEndsShortOfItsContentLength_failsRetryablyInsteadOfEndingTheStream() {
        STUB.stubFor(get(urlPathEqualTo("/" + BUCKET + "/cut.zip")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Length", "10").withBody("PK\u0003\u0004")));
        S3BundleStore stubbed = S3BundleStore.create(AwsClients.forEndpoint(
                URI.create("http://127.0.0.1:" + STUB.getPort()), Region.US_EAST_1, AwsTestCredentials.provider())
                .client(S3BundleStore.CLIENT));

        assertThatThrownBy(() -> {
            try (InputStream in = stubbed.open(new S3Location(BUCKET, "cut.zip"))) {
                in.readAllBytes();
            }
        }).isInstanceOfSatisfying(RetryablePhaseException.class, e -> assertThat(e.code()).isEqualTo("NETWORK_ERROR"))
                .hasMessageContaining("ended after 4 of 10 bytes");
    }

    @Test
    void put_whenNothingListensOnTheEndpoint_failsRetryably() throws IOException {
        URI closed;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = URI.create("http://127.0.0.1:" + socket.getLocalPort());
        }
        S3BundleStore unreachable = S3BundleStore.create(AwsClients.forEndpoint(closed, Region.US_EAST_1,
                AwsTestCredentials.provider()).client(S3BundleStore.CLIENT));
        byte[] content = "x".getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> unreachable.put(new S3Location(BUCKET, "k"), content,
                BundleArchive.sha256Hex(content)))
                .isInstanceOf(RetryablePhaseException.class)
                .satisfies(e -> assertThat(((RetryablePhaseException) e).code()).isEqualTo("NETWORK_ERROR"));
    }
}
