package com.smuscicd.trigger;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.request;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.http.RequestMethod;
import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.smuscicd.aws.AwsClients;
import com.smuscicd.aws.AwsClientsForTests;
import com.smuscicd.aws.DeployStateMachineFixture;
import com.smuscicd.aws.S3BundleStore;
import com.smuscicd.aws.SfnExecutions;
import com.smuscicd.deploy.BundleArchive;
import com.smuscicd.deploy.PublishableBuses;
import com.smuscicd.deploy.S3Location;
import com.smuscicd.errors.RetryablePhaseException;
import com.smuscicd.events.DeploymentEvent;
import com.smuscicd.events.Metadata;
import com.smuscicd.events.schema.EventContract;
import com.smuscicd.json.Json;
import com.smuscicd.testsupport.AwsTestCredentials;
import com.smuscicd.testsupport.TestRetries;
import com.smuscicd.testsupport.MotoServerExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.core.SdkClient;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.ExecutionListItem;

/**
 * {@link BundleTrigger} against moto (the bundle bucket in S3, the real state machine definition in
 * Step Functions) with an in-memory event bus.
 */
class BundleTriggerTest {

    @RegisterExtension
    static final MotoServerExtension MOTO = MotoServerExtension.create().resetBeforeEach();

    private static final String BUCKET = "smus-bundles";
    private static final String DEFAULT_BUS = "trigger-default-bus";
    private static final long MAX_BYTES = 1024 * 1024;
    /** Socket timeout of the stubbed clients: stub answers come well within it, unless made slow. */
    private static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(1);

    @RegisterExtension
    static final WireMockExtension SFN_STUB = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort())
            .build();

    /** S3 in front of moto: every request is proxied to it unless a test stubs a fault for it. */
    @RegisterExtension
    static final WireMockExtension S3_STUB = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"))
            .build();

    private static final String KEY = "MyPipeline/prod/bundle.zip";
    /** The path of {@link #KEY} as the S3 client requests it of an IP-address endpoint (path style). */
    private static final String KEY_PATH = "/" + BUCKET + "/" + KEY;
    private static final String SLOW_DOWN = "<Error><Code>SlowDown</Code><Message>Please reduce your request rate."
            + "</Message></Error>";
    private static final String INTERNAL_ERROR = "<Error><Code>InternalError</Code><Message>We encountered an internal"
            + " error. Please try again.</Message></Error>";

    private final RecordingPublishers publishers = new RecordingPublishers();
    private final List<String> log = new ArrayList<>();
    private final List<SdkClient> clients = new ArrayList<>();
    /** Attempts of each operation (e.g. {@code StartExecution}) the {@linkplain #stubbed stubbed} clients made. */
    private final Map<String, Integer> attempts = new ConcurrentHashMap<>();
    private S3Client s3;
    private SfnClient sfn;
    private String stateMachineArn;
    private BundleTrigger trigger;

    @BeforeEach
    void setUp() {
        s3 = AwsClientsForTests.moto(MOTO).client(S3BundleStore.CLIENT);
        sfn = AwsClientsForTests.moto(MOTO).client(SfnExecutions.CLIENT);
        s3.createBucket(b -> b.bucket(BUCKET));
        stateMachineArn = DeployStateMachineFixture.create(sfn, "smus-cicd-deploy");
        trigger = trigger(sfn);
        S3_STUB.stubFor(any(anyUrl()).atPriority(10).willReturn(aResponse().proxiedFrom(MOTO.endpoint().toString())));
    }

    /** The trigger wired as {@code BundleTriggerHandler} wires it, starting executions through {@code client}. */
    private BundleTrigger trigger(SfnClient client) {
        S3BundleStore store = S3BundleStore.create(s3);
        return trigger(store, store::userMetadata, client);
    }

    /** The trigger reading bundles from {@code bundles} and their metadata from {@code metadata}. */
    private BundleTrigger trigger(S3BundleStore bundles, BundleTrigger.MetadataSource metadata, SfnClient client) {
        SfnExecutions executions = SfnExecutions.create(client);
        return new BundleTrigger(bundles, metadata, (name, input) -> {
            SfnExecutions.Started started = executions.startOnce(stateMachineArn, name, input);
            return new BundleTrigger.StartedExecution(started.executionArn(), started.alreadyStarted());
        }, publishers, DEFAULT_BUS, Clock.fixed(Instant.parse("2025-11-04T12:30:05Z"), ZoneOffset.UTC), MAX_BYTES,
                log::add);
    }

    /**
     * The trigger with a Step Functions client at {@code endpoint}, configured as the functions'
     * ({@code AwsClients.configure}: 3 attempts a call) but with immediate SDK backoff and the given
     * socket timeout.
     */
    private BundleTrigger trigger(URI endpoint, Duration socketTimeout) {
        return trigger(stubbed(SfnClient.builder(), endpoint, socketTimeout));
    }

    /** {@link #S3_STUB} by IP address, which the S3 client addresses path style (bucket.localhost would not resolve). */
    private static URI s3StubEndpoint() {
        return URI.create("http://127.0.0.1:" + S3_STUB.getPort());
    }

    /** The trigger reading S3 (metadata and bundle) through a client at {@code endpoint}, configured as {@link #stubbed}. */
    private BundleTrigger triggerReadingS3At(URI endpoint) {
        S3BundleStore store = S3BundleStore.create(stubbed(S3Client.builder().crossRegionAccessEnabled(true), endpoint,
                SOCKET_TIMEOUT));
        return trigger(store, store::userMetadata, sfn);
    }

    /**
     * A client at {@code endpoint} configured as the functions' ({@code AwsClients.configure}: 3
     * attempts a call) but with immediate SDK backoff and the given socket timeout; its attempts,
     * retries included, are counted in {@link #attempts}.
     */
    private <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C extends SdkClient> C stubbed(
            B builder, URI endpoint, Duration socketTimeout) {
        C client = AwsClients.configure(builder, Region.US_EAST_1, endpoint, AwsTestCredentials.provider())
                .httpClientBuilder(UrlConnectionHttpClient.builder().socketTimeout(socketTimeout))
                .overrideConfiguration(c -> c.retryStrategy(TestRetries.standardWithoutBackoff())
                        .addExecutionInterceptor(TestRetries.countingAttempts(
                                operation -> attempts.merge(operation, 1, Integer::sum))))
                .build();
        clients.add(client);
        return client;
    }

    @AfterEach
    void closeClients() {
        clients.forEach(SdkClient::close);
    }

    private static MappingBuilder startExecution() {
        return post(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo("AWSStepFunctions.StartExecution"));
    }

    /** A local port nothing listens on: connections to it are refused. */
    private static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void handle_whenTheSameEventIsDeliveredTwice_startsOneExecution() throws InterruptedException {
        JsonNode event = upload("MyPipeline/prod/bundle.zip", TestBundles.valid(), Map.of());

        BundleTrigger.Outcome first = trigger.handle(event);
        // Delivered again later than the clocks may differ (a Lambda retry comes a minute later).
        Thread.sleep(SfnExecutions.CLOCK_TOLERANCE.plusMillis(200).toMillis());
        BundleTrigger.Outcome second = trigger.handle(event);

        assertThat(first.status()).isEqualTo("STARTED");
        assertThat(second.status()).isEqualTo("ALREADY_STARTED");
        assertThat(second.executionArn()).isEqualTo(first.executionArn());
        assertThat(second.deploymentId()).isEqualTo(first.deploymentId());
        assertThat(executions()).hasSize(1);
        assertThat(publishers.published()).isEmpty();
    }

    @ParameterizedTest(name = "versioned bucket: {0}")
    @ValueSource(booleans = {false, true})
    void handle_whenS3SendsTheSameUploadAgainAsAnotherEvent_reportsAlreadyStartedAndStartsNothingMore(
            boolean versioned) {
        if (versioned) {
            s3.putBucketVersioning(b -> b.bucket(BUCKET)
                    .versioningConfiguration(v -> v.status(BucketVersioningStatus.ENABLED)));
        }
        ObjectNode event = upload(KEY, TestBundles.valid(), Map.of());
        // S3 may notify one upload twice: the same bucket, key, ETag (or version) and sequencer, another
        // EventBridge id and time (which is the deployment's requestedAt, so the input differs too).
        ObjectNode again = event.deepCopy().put("id", "5b1e2a70-3c1d-4f0e-9a51-0d2c7f3e8b11")
                .put("time", "2025-11-04T12:31:17Z");

        BundleTrigger.Outcome first = trigger.handle(event);
        BundleTrigger.Outcome second = trigger.handle(again);

        assertThat(first.status()).isEqualTo("STARTED");
        assertThat(second.status()).isEqualTo("ALREADY_STARTED");
        assertThat(second.executionName()).isEqualTo(first.executionName());
        assertThat(second.executionArn()).isEqualTo(first.executionArn());
        assertThat(second.deploymentId()).isEqualTo(first.deploymentId());
        assertThat(executions()).hasSize(1);
        assertThat(publishers.published()).isEmpty();
    }

    @Test
    void handle_whenTheSameEventIsDeliveredTwiceAtOnce_startsOneExecution() throws Exception {
        JsonNode event = upload("MyPipeline/prod/bundle.zip", TestBundles.valid(), Map.of());
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            List<Future<BundleTrigger.Outcome>> outcomes = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                outcomes.add(threads.submit(() -> {
                    go.await();
                    return trigger.handle(event);
                }));
            }
            go.countDown();

            BundleTrigger.Outcome first = outcomes.get(0).get(30, TimeUnit.SECONDS);
            BundleTrigger.Outcome second = outcomes.get(1).get(30, TimeUnit.SECONDS);

            assertThat(executions()).hasSize(1);
            assertThat(second.executionArn()).isEqualTo(first.executionArn())
                    .isEqualTo(executions().get(0).executionArn());
            // Not exactly one STARTED: Step Functions answers a repeat with the same name and input while the
            // execution runs with that execution and no error, so a repeat within SfnExecutions.CLOCK_TOLERANCE
            // cannot be told from the call that started it (nor from that call's own SDK retry). One of them did.
            assertThat(List.of(first.status(), second.status())).contains("STARTED").allMatch(
                    status -> status.equals("STARTED") || status.equals("ALREADY_STARTED"));
            assertThat(publishers.published()).isEmpty();
        } finally {
            threads.shutdownNow();
        }
    }

    static Stream<Arguments> startFaults() {
        return Stream.of(
                Arguments.of("throttled", 400, "{\"__type\": \"ThrottlingException\", \"message\": \"Rate exceeded\"}",
                        "THROTTLED", 3),
                Arguments.of("5xx", 500, "{\"__type\": \"InternalFailure\", \"message\": \"internal error\"}",
                        "SERVICE_UNAVAILABLE", 3),
                Arguments.of("too many running executions", 400,
                        "{\"__type\": \"ExecutionLimitExceeded\", \"message\": \"limit reached\"}", "THROTTLED", 1));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("startFaults")
    void handle_whenStartExecutionFailsTransiently_throwsForLambdaToRetryAndEmitsNothing(String fault, int status,
                                                                                        String body, String code,
                                                                                        int attempts) {
        SFN_STUB.stubFor(startExecution().willReturn(aResponse().withStatus(status)
                .withHeader("Content-Type", "application/x-amz-json-1.0").withBody(body)));
        BundleTrigger stubbed = trigger(URI.create(SFN_STUB.baseUrl()), SOCKET_TIMEOUT);
        JsonNode event = upload("MyPipeline/prod/bundle.zip", TestBundles.valid(), Map.of());

        assertThatThrownBy(() -> stubbed.handle(event)).isInstanceOfSatisfying(RetryablePhaseException.class,
                e -> assertThat(e.code()).isEqualTo(code));

        assertThat(SFN_STUB.findAll(postRequestedFor(urlEqualTo("/"))
                .withHeader("X-Amz-Target", equalTo("AWSStepFunctions.StartExecution")))).hasSize(attempts);
        // Not a bad bundle: no Deploy-Failed; the Lambda service retries the event, then dead-letters it.
        assertThat(publishers.published()).isEmpty();
        assertThat(log).isEmpty();
    }

    @Test
    void handle_whenStepFunctionsRefusesConnections_throwsForLambdaToRetryAndEmitsNothing() {
        BundleTrigger refused = trigger(URI.create("http://127.0.0.1:" + closedPort()), SOCKET_TIMEOUT);
        JsonNode event = upload("MyPipeline/prod/bundle.zip", TestBundles.valid(), Map.of());

        assertThatThrownBy(() -> refused.handle(event)).isInstanceOfSatisfying(RetryablePhaseException.class,
                e -> assertThat(e.code()).isEqualTo("NETWORK_ERROR"));

        // the functions' 3 attempts a call, then the Lambda service's retry: no retrying on and on inside one call
        assertThat(attempts).containsExactly(Map.entry("StartExecution", 3));
        assertThat(publishers.published()).isEmpty();
        assertThat(executions()).isEmpty();
        // The retry, with Step Functions reachable again, starts it.
        assertThat(trigger.handle(event).status()).isEqualTo("STARTED");
        assertThat(executions()).hasSize(1);
    }

    @Test
    void handle_whenRetriedAfterTheStartResponseWasLost_reportsAlreadyStartedAndStartsNothingMore() {
        // Every attempt reaches moto, which starts the execution, but answers after the socket timeout.
        SFN_STUB.stubFor(startExecution().willReturn(aResponse().proxiedFrom(MOTO.endpoint().toString())
                .withFixedDelay((int) SOCKET_TIMEOUT.multipliedBy(3).toMillis())));
        BundleTrigger slow = trigger(URI.create(SFN_STUB.baseUrl()), SOCKET_TIMEOUT);
        JsonNode event = upload("MyPipeline/prod/bundle.zip", TestBundles.valid(), Map.of());

        assertThatThrownBy(() -> slow.handle(event)).isInstanceOfSatisfying(RetryablePhaseException.class,
                e -> assertThat(e.code()).isEqualTo("NETWORK_ERROR"));
        assertThat(SFN_STUB.findAll(postRequestedFor(urlEqualTo("/"))
                .withHeader("X-Amz-Target", equalTo("AWSStepFunctions.StartExecution")))).hasSize(3);
        assertThat(executions()).hasSize(1);

        // The Lambda service's retry of the same event.
        BundleTrigger.Outcome retried = trigger.handle(event);

        assertThat(retried.status()).isEqualTo("ALREADY_STARTED");
        assertThat(retried.executionArn()).isEqualTo(executions().get(0).executionArn());
        assertThat(executions()).hasSize(1);
        assertThat(publishers.published()).isEmpty();
    }

    static Stream<Arguments> s3Faults() {
        List<Arguments> faults = new ArrayList<>();
        for (String operation : List.of("HeadObject", "GetObject")) {
            String method = operation.equals("HeadObject") ? "HEAD" : "GET";
            // A HEAD answer has no body, so the SDK sees a 503 without S3's SlowDown: a 5xx like any other.
            faults.add(Arguments.of(operation, method, "throttled (503 SlowDown)", aResponse().withStatus(503)
                    .withHeader("Content-Type", "application/xml").withBody(SLOW_DOWN),
                    method.equals("HEAD") ? "SERVICE_UNAVAILABLE" : "THROTTLED", 3));
            faults.add(Arguments.of(operation, method, "500", aResponse().withStatus(500)
                    .withHeader("Content-Type", "application/xml").withBody(INTERNAL_ERROR), "SERVICE_UNAVAILABLE", 3));
            faults.add(Arguments.of(operation, method, "no answer within the socket timeout", aResponse()
                    .proxiedFrom(MOTO.endpoint().toString())
                    .withFixedDelay((int) SOCKET_TIMEOUT.multipliedBy(3).toMillis()), "NETWORK_ERROR", 3));
            // The URL-connection client itself sends a GET or HEAD once more when the connection drops unanswered.
            faults.add(Arguments.of(operation, method, "connection reset", aResponse()
                    .withFault(Fault.CONNECTION_RESET_BY_PEER), "NETWORK_ERROR", 6));
        }
        return faults.stream();
    }

    @ParameterizedTest(name = "{0} {2}")
    @MethodSource("s3Faults")
    void handle_whenReadingTheBundleFromS3FailsTransiently_throwsForLambdaToRetryAndStartsOnceItRecovers(
            String operation, String method, String fault, ResponseDefinitionBuilder response, String code,
            int requests) {
        StubMapping failing = S3_STUB.stubFor(request(method, urlPathEqualTo(KEY_PATH)).willReturn(response));
        BundleTrigger stubbed = triggerReadingS3At(s3StubEndpoint());
        JsonNode event = upload(KEY, TestBundles.valid(), Map.of());

        assertThatThrownBy(() -> stubbed.handle(event)).isInstanceOfSatisfying(RetryablePhaseException.class,
                e -> assertThat(e.code()).isEqualTo(code));

        assertThat(attempts).containsEntry(operation, 3);
        assertThat(S3_STUB.findAll(RequestPatternBuilder.newRequestPattern(RequestMethod.fromString(method),
                urlPathEqualTo(KEY_PATH)))).hasSize(requests);
        // Not a bad bundle: no rejection, no Deploy-Failed, nothing started.
        assertThat(publishers.published()).isEmpty();
        assertThat(log).isEmpty();
        assertThat(executions()).isEmpty();

        S3_STUB.removeStub(failing);
        BundleTrigger.Outcome retried = stubbed.handle(event);

        assertThat(retried.status()).isEqualTo("STARTED");
        assertThat(executions()).hasSize(1);
        assertThat(publishers.published()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"HeadObject", "GetObject"})
    void handle_whenS3RefusesConnections_throwsForLambdaToRetryAndStartsOnceItRecovers(String operation) {
        S3BundleStore reachable = S3BundleStore.create(s3);
        S3BundleStore refused = S3BundleStore.create(stubbed(S3Client.builder().crossRegionAccessEnabled(true),
                URI.create("http://127.0.0.1:" + closedPort()), SOCKET_TIMEOUT));
        BundleTrigger refusing = operation.equals("HeadObject") ? trigger(reachable, refused::userMetadata, sfn)
                : trigger(refused, reachable::userMetadata, sfn);
        JsonNode event = upload(KEY, TestBundles.valid(), Map.of());

        assertThatThrownBy(() -> refusing.handle(event)).isInstanceOfSatisfying(RetryablePhaseException.class,
                e -> assertThat(e.code()).isEqualTo("NETWORK_ERROR"));

        assertThat(attempts).containsExactly(Map.entry(operation, 3));
        assertThat(publishers.published()).isEmpty();
        assertThat(log).isEmpty();
        assertThat(executions()).isEmpty();
        assertThat(trigger.handle(event).status()).isEqualTo("STARTED");
        assertThat(executions()).hasSize(1);
    }

    static Stream<Arguments> brokenDownloads() {
        byte[] zip = TestBundles.valid();
        return Stream.of(
                Arguments.of("closed half-way, short of its Content-Length", truncated(zip, zip.length / 2)),
                Arguments.of("closed before the central directory, short of its Content-Length",
                        truncated(zip, centralDirectoryOffset(zip))),
                Arguments.of("garbage after the headers, then closed",
                        aResponse().withStatus(200).withFault(Fault.MALFORMED_RESPONSE_CHUNK)));
    }

    /** A GetObject answer that announces all of {@code zip} and sends its first {@code length} bytes. */
    private static ResponseDefinitionBuilder truncated(byte[] zip, int length) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/zip")
                .withHeader("Content-Length", Integer.toString(zip.length))
                .withBody(Arrays.copyOf(zip, length));
    }

    /** Where the central directory of a zip without a comment begins (from its end-of-central-directory record). */
    private static int centralDirectoryOffset(byte[] zip) {
        return ByteBuffer.wrap(zip, zip.length - 22 + 16, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenDownloads")
    void handle_whenTheDownloadBreaksOffMidBody_throwsForLambdaToRetryInsteadOfRejectingTheBundle(
            String how, ResponseDefinitionBuilder response) {
        StubMapping broken = S3_STUB.stubFor(get(urlPathEqualTo(KEY_PATH)).willReturn(response));
        BundleTrigger stubbed = triggerReadingS3At(s3StubEndpoint());
        JsonNode event = upload(KEY, TestBundles.valid(), Map.of());

        assertThatThrownBy(() -> stubbed.handle(event)).isInstanceOfSatisfying(RetryablePhaseException.class,
                e -> assertThat(e.code()).isEqualTo("NETWORK_ERROR"));

        // A read that failed says nothing about the bundle: no BUNDLE_INVALID, no Deploy-Failed, nothing started.
        assertThat(publishers.published()).isEmpty();
        assertThat(log).isEmpty();
        assertThat(executions()).isEmpty();

        S3_STUB.removeStub(broken);
        assertThat(stubbed.handle(event).status()).isEqualTo("STARTED");
        assertThat(executions()).hasSize(1);
    }

    @Test
    void handle_whenTheSameKeyIsUploadedAgainWithNewContent_startsASecondExecution() {
        BundleTrigger.Outcome first = trigger.handle(upload("MyPipeline/prod/bundle.zip", TestBundles.valid(), Map.of()));
        ObjectNode again = upload("MyPipeline/prod/bundle.zip", TestBundles.withManifest(
                (new String(TestBundles.resource("pipeline.yaml"), StandardCharsets.UTF_8) + "\n# v2\n")
                        .getBytes(StandardCharsets.UTF_8)), Map.of());

        BundleTrigger.Outcome second = trigger.handle(again);

        assertThat(second.status()).isEqualTo("STARTED");
        assertThat(second.executionName()).isNotEqualTo(first.executionName());
        assertThat(executions()).hasSize(2);
    }

    @Test
    void handle_whenTheKeyWasOverwrittenBeforeTheEventArrived_deploysTheVersionTheEventNames() {
        s3.putBucketVersioning(b -> b.bucket(BUCKET).versioningConfiguration(v -> v.status(BucketVersioningStatus.ENABLED)));
        String key = "MyPipeline/prod/bundle.zip";
        byte[] first = TestBundles.valid();
        byte[] second = TestBundles.withManifest((new String(TestBundles.resource("pipeline.yaml"), StandardCharsets.UTF_8)
                + "\n# v2\n").getBytes(StandardCharsets.UTF_8));
        ObjectNode firstEvent = upload(key, first, Map.of());
        ObjectNode secondEvent = upload(key, second, Map.of());
        assertThat(firstEvent.path("detail").path("object").path("version-id").asText())
                .isNotEmpty().isNotEqualTo(secondEvent.path("detail").path("object").path("version-id").asText());

        BundleTrigger.Outcome outcome = trigger.handle(firstEvent);

        assertThat(outcome.status()).isEqualTo("STARTED");
        JsonNode bundle = Json.read(sfn.describeExecution(b -> b.executionArn(outcome.executionArn())).input())
                .path("deployment").path("bundle");
        assertThat(bundle.path("digest").asText()).isEqualTo("sha256:" + BundleArchive.sha256Hex(first))
                .isNotEqualTo("sha256:" + BundleArchive.sha256Hex(second));
        assertThat(bundle.path("bytes").asLong()).isEqualTo(first.length);
    }

    @Test
    void handle_whenTheKeyWasOverwrittenNamingAnotherTarget_deploysTheTargetOfTheVersionTheEventNames() {
        s3.putBucketVersioning(b -> b.bucket(BUCKET).versioningConfiguration(v -> v.status(BucketVersioningStatus.ENABLED)));
        String key = "MyPipeline/bundle.zip";
        ObjectNode firstEvent = upload(key, TestBundles.valid(), Map.of("smus-target", "prod"));
        upload(key, TestBundles.valid(), Map.of("smus-target", "dev"));

        BundleTrigger.Outcome outcome = trigger.handle(firstEvent);

        assertThat(outcome.status()).isEqualTo("STARTED");
        assertThat(Json.read(sfn.describeExecution(b -> b.executionArn(outcome.executionArn())).input())
                .path("deployment").path("target").path("name").asText()).isEqualTo("prod");
    }

    @Test
    void handle_whenTheVersionTheEventNamesWasDeleted_ignoresTheEvent() {
        s3.putBucketVersioning(b -> b.bucket(BUCKET).versioningConfiguration(v -> v.status(BucketVersioningStatus.ENABLED)));
        String key = "MyPipeline/prod/bundle.zip";
        ObjectNode event = upload(key, TestBundles.valid(), Map.of());
        upload(key, TestBundles.valid(), Map.of());
        s3.deleteObject(b -> b.bucket(BUCKET).key(key)
                .versionId(event.path("detail").path("object").path("version-id").asText()));

        BundleTrigger.Outcome outcome = trigger.handle(event);

        assertThat(outcome.status()).isEqualTo("IGNORED");
        assertThat(outcome.errorCode()).isEqualTo("BUNDLE_NOT_FOUND");
        assertThat(executions()).isEmpty();
    }

    static Stream<Arguments> encodedKeys() {
        return Stream.of(
                Arguments.of("a space, sent as '+'", "MyPipeline/prod/release 1.zip", "MyPipeline/prod/release+1.zip"),
                Arguments.of("a literal plus, sent as %2B", "MyPipeline/prod/release+1.zip",
                        "MyPipeline/prod/release%2B1.zip"),
                Arguments.of("non-ASCII, sent as UTF-8 escapes", "Caf\u00e9 Pipeline/prod/bundle.zip",
                        "Caf%C3%A9+Pipeline/prod/bundle.zip"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("encodedKeys")
    void handle_whenTheEventKeyIsUrlEncoded_deploysTheObjectAtTheDecodedKey(String description, String key,
                                                                          String keyInEvent) {
        byte[] zip = TestBundles.valid();
        ObjectNode event = upload(key, zip, Map.of());
        ((ObjectNode) event.path("detail").path("object")).put("key", keyInEvent);

        BundleTrigger.Outcome outcome = trigger.handle(event);

        assertThat(outcome.status()).as(outcome.message()).isEqualTo("STARTED");
        assertThat(outcome.bundle()).isEqualTo("s3://" + BUCKET + "/" + key);
        JsonNode deployment = Json.read(sfn.describeExecution(b -> b.executionArn(outcome.executionArn())).input())
                .path("deployment");
        assertThat(deployment.path("bundle").path("location").asText()).isEqualTo("s3://" + BUCKET + "/" + key);
        assertThat(deployment.path("bundle").path("digest").asText()).isEqualTo("sha256:" + BundleArchive.sha256Hex(zip));
        assertThat(deployment.path("target").path("name").asText()).isEqualTo("prod");
        assertThat(outcome.executionName()).isEqualTo(BundleTrigger.executionName(new S3Location(BUCKET, key), "prod",
                "etag:" + event.path("detail").path("object").path("etag").asText() + ":"
                        + event.path("detail").path("object").path("sequencer").asText()));
    }

    @Test
    void handle_whenTheEncodedTargetFolderIsNotATarget_rejectsNamingTheDecodedFolder() {
        ObjectNode event = upload("MyPipeline/d\u00e9v/bundle.zip", TestBundles.valid(), Map.of());
        ((ObjectNode) event.path("detail").path("object")).put("key", "MyPipeline/d%C3%A9v/bundle.zip");

        BundleTrigger.Outcome outcome = trigger.handle(event);

        assertThat(outcome.status()).isEqualTo("REJECTED");
        assertThat(outcome.errorCode()).isEqualTo("TARGET_UNKNOWN");
        assertThat(outcome.message()).contains("d\u00e9v").doesNotContain("%C3%A9");
        assertThat(publishers.published()).singleElement().satisfies(published -> {
            assertThat(published.event().detail().target().name()).isEqualTo("d\u00e9v");
            assertThat(published.event().resources()).containsExactly("arn:aws:s3:::" + BUCKET + "/MyPipeline/d\u00e9v/bundle.zip");
        });
    }

    @Test
    void manifestName_whenTheDecodedKeyHoldsANul_leavesTheKeyOutInsteadOfThrowing() {
        assertThat(BundleTrigger.manifestName(BundleTrigger.decodeKey("MyPipeline/prod/a%00b.zip")))
                .isEqualTo(Path.of("pipeline.yaml"));
        assertThat(BundleTrigger.manifestName("MyPipeline/prod/a b.zip"))
                .isEqualTo(Path.of("MyPipeline/prod/a b.zip/pipeline.yaml"));
    }

    @Test
    void handle_whenTheEventKeyHasAMalformedEscape_ignoresItNamingTheKey() {
        ObjectNode event = upload("MyPipeline/prod/bundle.zip", TestBundles.valid(), Map.of());
        ((ObjectNode) event.path("detail").path("object")).put("key", "MyPipeline/prod/100%.zip");

        BundleTrigger.Outcome outcome = trigger.handle(event);

        assertThat(outcome.status()).isEqualTo("IGNORED");
        assertThat(outcome.errorCode()).isEqualTo("INVALID_S3_KEY");
        assertThat(outcome.message()).contains("'MyPipeline/prod/100%.zip'");
        assertThat(executions()).isEmpty();
        assertThat(publishers.published()).isEmpty();
    }

    @Test
    void handle_whenBundleIsValid_startsTheExecutionWithTheDeploymentInput() {
        byte[] zip = TestBundles.valid();
        JsonNode event = upload("MyPipeline/prod/bundle.zip", zip,
                Map.of("smus-git-commit", "a3f1c9e", "smus-git-repository", "https://user:token@github.com/org/repo?ref=x&deploy_ticket=t0k#readme"));

        BundleTrigger.Outcome outcome = trigger.handle(event);

        JsonNode input = Json.read(sfn.describeExecution(b -> b.executionArn(outcome.executionArn())).input());
        JsonNode deployment = input.path("deployment");
        assertThat(deployment.path("deploymentId").asText()).isEqualTo(outcome.deploymentId());
        assertThat(deployment.path("pipelineName").asText()).isEqualTo("MyPipeline");
        assertThat(deployment.path("target").path("name").asText()).isEqualTo("prod");
        assertThat(deployment.path("monitoring").path("eventBusName").asText()).isEqualTo("smus-deployments");
        assertThat(deployment.path("bundle").path("location").asText()).isEqualTo("s3://smus-bundles/MyPipeline/prod/bundle.zip");
        assertThat(deployment.path("bundle").path("digest").asText()).isEqualTo("sha256:" + BundleArchive.sha256Hex(zip));
        assertThat(deployment.path("bundle").path("bytes").asLong()).isEqualTo(zip.length);
        assertThat(deployment.path("workflows").get(0).path("file").asText()).isEqualTo("workflows/daily_sales_etl.py");
        assertThat(deployment.path("requestedAt").asText()).isEqualTo("2025-11-04T12:30:00Z");
        assertThat(deployment.path("metadata").path("gitCommit").asText()).isEqualTo("a3f1c9e");
        assertThat(deployment.path("metadata").path("gitRepository").asText()).isEqualTo("https://github.com/org/repo");
        assertThat(outcome.executionName()).startsWith("s3-MyPipeline-prod-").hasSizeLessThanOrEqualTo(80);
    }

    @Test
    void handle_whenObjectMetadataNamesTheTarget_deploysThatTarget() {
        BundleTrigger.Outcome outcome = trigger.handle(upload("drop/bundle.zip", TestBundles.valid(),
                Map.of(BundleTrigger.TARGET_METADATA, "prod")));

        assertThat(outcome.status()).isEqualTo("STARTED");
        JsonNode input = Json.read(sfn.describeExecution(b -> b.executionArn(outcome.executionArn())).input());
        assertThat(input.path("deployment").path("target").path("name").asText()).isEqualTo("prod");
    }

    @Test
    void handle_whenUploadedBySmusCli_startsNothing() {
        BundleTrigger.Outcome outcome = trigger.handle(upload("MyPipeline/prod/0a1b.zip", TestBundles.valid(),
                Map.of(BundleTrigger.ORIGIN_METADATA, BundleTrigger.ORIGIN_CLI)));

        assertThat(outcome.status()).isEqualTo("IGNORED");
        assertThat(executions()).isEmpty();
        assertThat(publishers.published()).isEmpty();
    }

    @Test
    void handle_whenKeyIsNotAZip_startsNothing() {
        BundleTrigger.Outcome outcome = trigger.handle(upload("MyPipeline/prod/notes.txt",
                "hello".getBytes(StandardCharsets.UTF_8), Map.of()));

        assertThat(outcome.status()).isEqualTo("IGNORED");
        assertThat(executions()).isEmpty();
        assertThat(publishers.published()).isEmpty();
    }

    @Test
    void handle_whenObjectWasDeletedBeforeReading_startsNothing() {
        ObjectNode event = upload("MyPipeline/prod/bundle.zip", TestBundles.valid(), Map.of());
        s3.deleteObject(b -> b.bucket(BUCKET).key("MyPipeline/prod/bundle.zip"));

        assertThat(trigger.handle(event).status()).isEqualTo("IGNORED");
        assertThat(executions()).isEmpty();
    }

    static Stream<Arguments> badBundles() {
        byte[] bomb = new byte[(int) MAX_BYTES + 1];
        return Stream.of(
                Arguments.of("not a zip", "MyPipeline/prod/bundle.zip",
                        "PK this is not a zip".getBytes(StandardCharsets.UTF_8), "BUNDLE_INVALID", DEFAULT_BUS),
                Arguments.of("entry escaping the root", "MyPipeline/prod/bundle.zip",
                        TestBundles.raw(TestBundles.entries("pipeline.yaml", TestBundles.resource("pipeline.yaml"),
                                "../../etc/cron.d/evil", "* * * * * root sh")), "BUNDLE_INVALID", DEFAULT_BUS),
                Arguments.of("absolute entry", "MyPipeline/prod/bundle.zip",
                        TestBundles.raw(TestBundles.entries("/etc/passwd", "root:x:0:0")), "BUNDLE_INVALID", DEFAULT_BUS),
                Arguments.of("too large uncompressed", "MyPipeline/prod/bundle.zip",
                        TestBundles.raw(TestBundles.entries("pipeline.yaml", TestBundles.resource("pipeline.yaml"),
                                "storage/code/zeros.bin", bomb)), "BUNDLE_TOO_LARGE", DEFAULT_BUS),
                Arguments.of("no manifest", "MyPipeline/prod/bundle.zip",
                        TestBundles.raw(TestBundles.entries("storage/code/a.py", "x = 1")), "MANIFEST_MISSING",
                        DEFAULT_BUS),
                Arguments.of("invalid manifest", "MyPipeline/prod/bundle.zip",
                        TestBundles.withManifest(TestBundles.resource("pipeline-invalid.yaml")), "MANIFEST_INVALID",
                        DEFAULT_BUS),
                Arguments.of("manifest not UTF-8", "MyPipeline/prod/bundle.zip",
                        TestBundles.withManifest("pipelineName: Caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1)),
                        "MANIFEST_INVALID", DEFAULT_BUS),
                Arguments.of("unknown target", "MyPipeline/staging/bundle.zip", TestBundles.valid(), "TARGET_UNKNOWN",
                        "smus-deployments"),
                Arguments.of("no target named", "bundle.zip", TestBundles.valid(), "TARGET_UNKNOWN", "smus-deployments"),
                Arguments.of("execution input over what the state machine can hold", "MyPipeline/prod/bundle.zip",
                        TestBundles.withManifest(manifestWithAssets(64, 4000)), "MANIFEST_INVALID", "smus-deployments"),
                Arguments.of("workflow file missing", "MyPipeline/prod/bundle.zip",
                        TestBundles.raw(TestBundles.entries("pipeline.yaml", TestBundles.resource("pipeline.yaml"))),
                        "BUNDLE_INVALID", "smus-deployments"),
                Arguments.of("a zip of the project's folders", "MyPipeline/prod/bundle.zip", projectFolders(),
                        "BUNDLE_INVALID", "smus-deployments"),
                Arguments.of("a storage folder of no storage item", "MyPipeline/prod/bundle.zip",
                        TestBundles.raw(TestBundles.entries("pipeline.yaml", TestBundles.resource("pipeline.yaml"),
                                "storage/docs/readme.md", "# docs", "workflows/daily_sales_etl.py", "# dag")),
                        "BUNDLE_INVALID", "smus-deployments"));
    }

    /** What {@code zip -r bundle.zip pipeline.yaml src workflows} makes of a project: its folders, not a bundle. */
    private static byte[] projectFolders() {
        return TestBundles.raw(TestBundles.entries("pipeline.yaml", TestBundles.resource("pipeline.yaml"),
                "src/", "", "src/etl/transform.py", "def transform(): pass", "workflows/daily_sales_etl.py", "# dag"));
    }

    @Test
    void handle_whenTheZipHoldsTheProjectsFoldersInsteadOfABundle_rejectsItSayingHowToPackOne() {
        BundleTrigger.Outcome outcome = trigger.handle(upload("MyPipeline/prod/bundle.zip", projectFolders(), Map.of()));

        assertThat(outcome.status()).isEqualTo("REJECTED");
        assertThat(outcome.message()).contains("entry 'src/etl/transform.py'", "outside a bundle's layout",
                "storage/<storage name>/", "smus-cli bundle");
        assertThat(executions()).isEmpty();
    }

    @Test
    void userMetadataFor_isReadBackAsTheSameMetadata() {
        Metadata metadata = new Metadata("ci-bot", "0123456789abcdef0123456789abcdef01234567", "main",
                "https://github.com/example/sales-analytics", "github-actions", "42",
                "https://github.com/example/sales-analytics/actions/runs/42", "2026-11-27T03:00:00Z");

        Map<String, String> userMetadata = BundleTrigger.userMetadataFor(metadata);

        assertThat(userMetadata).containsEntry("smus-git-commit", metadata.gitCommit())
                .containsEntry("smus-commit-timestamp", metadata.commitTimestamp()).hasSize(8);
        assertThat(BundleTrigger.metadataOf(userMetadata)).isEqualTo(metadata);
        // S3 sends user metadata as HTTP headers: a value that is not printable ASCII stays out
        assertThat(BundleTrigger.userMetadataFor(new Metadata("caf\u00e9", null, null, null, null, null, null, null)))
                .isEmpty();
    }

    /** The test manifest with {@code count} catalog assets whose reasons are {@code reasonLength} characters (each within its limits). */
    private static byte[] manifestWithAssets(int count, int reasonLength) {
        StringBuilder yaml = new StringBuilder(new String(TestBundles.resource("pipeline.yaml"), StandardCharsets.UTF_8))
                .append("\ncatalog:\n  assets:\n");
        for (int i = 0; i < count; i++) {
            yaml.append("    - name: asset_").append(i).append("\n      permission: READ\n      reason: \"").append("r".repeat(reasonLength))
                    .append("\"\n");
        }
        return yaml.toString().getBytes(StandardCharsets.UTF_8);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badBundles")
    void handle_whenBundleIsBad_startsNothingAndEmitsOneDeployFailed(String description, String key, byte[] zip,
                                                                    String code, String bus) {
        BundleTrigger.Outcome outcome = trigger.handle(upload(key, zip, Map.of()));

        assertThat(outcome.status()).isEqualTo("REJECTED");
        assertThat(outcome.errorCode()).isEqualTo(code);
        assertThat(outcome.message()).isNotBlank();
        assertThat(executions()).isEmpty();
        assertThat(publishers.published()).singleElement().satisfies(published -> {
            assertThat(published.bus()).isEqualTo(bus);
            DeploymentEvent event = published.event();
            assertThat(event.detailType()).isEqualTo("SMUS-CICD-Deploy-Failed");
            assertThat(event.detail().error().code()).isEqualTo(code);
            assertThat(event.detail().deploymentId()).isEqualTo(outcome.deploymentId());
            assertThat(event.resources()).containsExactly("arn:aws:s3:::" + BUCKET + "/" + key);
            assertThat(EventContract.validateDetail(Json.tree(event.detail()))).isEmpty();
        });
    }

    @Test
    void handle_whenTheExecutionInputWouldBeTooLarge_saysSoAndNamesTheLargestPart() {
        BundleTrigger.Outcome small = trigger.handle(upload("MyPipeline/prod/small.zip",
                TestBundles.withManifest(manifestWithAssets(2, 4000)), Map.of()));
        BundleTrigger.Outcome large = trigger.handle(upload("MyPipeline/prod/large.zip",
                TestBundles.withManifest(manifestWithAssets(64, 4000)), Map.of()));

        assertThat(small.status()).isEqualTo("STARTED");
        assertThat(large.status()).isEqualTo("REJECTED");
        assertThat(large.message()).contains("execution input would be").contains("catalog.assets");
    }

    @Test
    void handle_whenObjectIsLargerThanTheLimit_rejectsWithoutDownloading() {
        ObjectNode event = upload("MyPipeline/prod/bundle.zip", TestBundles.valid(), Map.of());
        ((ObjectNode) event.path("detail").path("object")).put("size", MAX_BYTES + 1);
        s3.deleteObject(b -> b.bucket(BUCKET).key("MyPipeline/prod/bundle.zip"));
        s3.putObject(b -> b.bucket(BUCKET).key("MyPipeline/prod/bundle.zip"), RequestBody.fromString("still there"));

        BundleTrigger.Outcome outcome = trigger.handle(event);

        assertThat(outcome.errorCode()).isEqualTo("BUNDLE_TOO_LARGE");
        assertThat(publishers.published()).hasSize(1);
    }

    @Test
    void handle_whenTheManifestsBusIsNotOneTheFunctionsMayPublishTo_rejectsItAndTellsTheDefaultBus() {
        // the bundle's manifest names smus-deployments
        BundleTrigger allowing = trigger.allowingBuses(PublishableBuses.of(
                "other-bus,arn:aws:events:us-east-1:210987654321:event-bus/smus-deployments", stateMachineArn));

        BundleTrigger.Outcome outcome = allowing.handle(upload("MyPipeline/prod/bundle.zip", TestBundles.valid(), Map.of()));

        assertThat(outcome.status()).isEqualTo("REJECTED");
        assertThat(outcome.errorCode()).isEqualTo("EVENT_BUS_NOT_ALLOWED");
        assertThat(outcome.message()).contains("eventBusName 'smus-deployments'")
                .contains("(other-bus, arn:aws:events:us-east-1:210987654321:event-bus/smus-deployments)")
                .contains("-c eventBusNames=other-bus,arn:aws:events:us-east-1:210987654321:event-bus/smus-deployments,"
                        + "smus-deployments");
        assertThat(executions()).isEmpty();
        // the manifest's bus would deny it: the default bus gets it, with the target the manifest names
        assertThat(publishers.published()).singleElement().satisfies(published -> {
            assertThat(published.bus()).isEqualTo(DEFAULT_BUS);
            assertThat(published.event().detailType()).isEqualTo("SMUS-CICD-Deploy-Failed");
            assertThat(published.event().detail().target().stage()).isEqualTo("PROD");
            assertThat(EventContract.validateDetail(Json.tree(published.event().detail()))).isEmpty();
        });
    }

    @Test
    void handle_whenABundleIsRejectedForAnotherReasonAndItsBusIsNotAllowed_tellsTheDefaultBus() {
        BundleTrigger allowing = trigger.allowingBuses(PublishableBuses.of("other-bus", stateMachineArn));

        // no target "nosuch" in the manifest, whose bus is smus-deployments
        BundleTrigger.Outcome outcome = allowing.handle(upload("MyPipeline/nosuch/bundle.zip", TestBundles.valid(),
                Map.of()));

        assertThat(outcome.errorCode()).isEqualTo("TARGET_UNKNOWN");
        assertThat(publishers.published()).singleElement()
                .satisfies(published -> assertThat(published.bus()).isEqualTo(DEFAULT_BUS));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "by name | other-bus,smus-deployments",
        "by ARN in the orchestrator's account and region | arn:aws:events:us-east-1:123456789012:event-bus/smus-deployments",
    })
    void handle_whenTheManifestsBusIsOneTheFunctionsMayPublishTo_startsTheDeployment(String how, String buses) {
        BundleTrigger allowing = trigger.allowingBuses(PublishableBuses.of(buses, stateMachineArn));

        BundleTrigger.Outcome outcome = allowing.handle(upload("MyPipeline/prod/bundle.zip", TestBundles.valid(), Map.of()));

        assertThat(outcome.status()).isEqualTo("STARTED");
        assertThat(executions()).hasSize(1);
    }

    @Test
    void handle_whenTheManifestTurnsEventsOff_doesNotCheckItsBus() {
        BundleTrigger allowing = trigger.allowingBuses(PublishableBuses.of("other-bus", stateMachineArn));

        BundleTrigger.Outcome outcome = allowing.handle(upload("QuietPipeline/prod/bundle.zip", BundleArchive.write(
                new TreeMap<>(Map.of(BundleArchive.MANIFEST_ENTRY, TestBundles.resource("pipeline-events-off.yaml")))),
                Map.of()));

        assertThat(outcome.status()).as(outcome.message()).isEqualTo("STARTED");
        assertThat(publishers.published()).isEmpty();
    }

    @Test
    void handle_whenManifestTurnsEventsOff_rejectsWithoutAnEvent() {
        BundleTrigger.Outcome outcome = trigger.handle(upload("QuietPipeline/staging/bundle.zip",
                TestBundles.withManifest(TestBundles.resource("pipeline-events-off.yaml")), Map.of()));

        assertThat(outcome.status()).isEqualTo("REJECTED");
        assertThat(outcome.errorCode()).isEqualTo("TARGET_UNKNOWN");
        assertThat(outcome.message()).contains("known targets: prod");
        assertThat(executions()).isEmpty();
        assertThat(publishers.published()).isEmpty();
    }

    @Test
    void handle_whenTheSameBadEventIsDeliveredTwice_bothEventsCarryTheSameDeploymentIdAndSequence() {
        ObjectNode event = upload("MyPipeline/prod/bundle.zip", "nope".getBytes(StandardCharsets.UTF_8), Map.of());

        trigger.handle(event);
        trigger.handle(event);

        List<RecordingPublishers.Published> published = publishers.published();
        assertThat(published).hasSize(2);
        assertThat(published.get(1).event().detail().deploymentId())
                .isEqualTo(published.get(0).event().detail().deploymentId());
        assertThat(published.get(1).event().detail().sequence()).isEqualTo(published.get(0).event().detail().sequence());
    }

    @Test
    void handle_logsOneJsonLinePerEvent() {
        trigger.handle(upload("MyPipeline/prod/bundle.zip", TestBundles.valid(), Map.of()));

        assertThat(log).singleElement().satisfies(line ->
                assertThat(Json.read(line).path("outcome").path("status").asText()).isEqualTo("STARTED"));
    }

    /** Puts the object and returns its Object Created event, with the object's real ETag and size. */
    /** Uploads and answers the event S3 sends for it; with the version id when the bucket is versioned, as S3 does. */
    private ObjectNode upload(String key, byte[] content, Map<String, String> metadata) {
        PutObjectResponse put = s3.putObject(b -> b.bucket(BUCKET).key(key).metadata(metadata), RequestBody.fromBytes(content));
        String etag = put.eTag().replace("\"", "");
        ObjectNode event = (ObjectNode) Json.read(new String(TestBundles.resource("object-created.json"),
                StandardCharsets.UTF_8));
        ObjectNode object = (ObjectNode) event.path("detail").path("object");
        object.put("key", key).put("size", content.length).put("etag", etag);
        if (put.versionId() != null && !put.versionId().isEmpty()) {
            object.put("version-id", put.versionId());
        }
        ((ObjectNode) event.path("detail").path("bucket")).put("name", BUCKET);
        return event;
    }

    private List<ExecutionListItem> executions() {
        return sfn.listExecutions(b -> b.stateMachineArn(stateMachineArn)).executions();
    }
}
