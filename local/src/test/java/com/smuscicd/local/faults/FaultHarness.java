package com.smuscicd.local.faults;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.smuscicd.aws.AwsClients;
import com.smuscicd.aws.DataZoneClientGateway;
import com.smuscicd.aws.MwaaServerlessWorkflowGateway;
import com.smuscicd.aws.S3BundleStore;
import com.smuscicd.deploy.BundleArchive;
import com.smuscicd.deploy.BundlePackager;
import com.smuscicd.deploy.DeployFunctions;
import com.smuscicd.deploy.DeploymentInput;
import com.smuscicd.deploy.DeploymentInputs;
import com.smuscicd.deploy.EventOverrides;
import com.smuscicd.deploy.S3Location;
import com.smuscicd.events.DeploymentEvent;
import com.smuscicd.events.EventBridgePublisher;
import com.smuscicd.events.EventPublisher;
import com.smuscicd.events.Metadata;
import com.smuscicd.json.Json;
import com.smuscicd.local.CountingPublisher;
import com.smuscicd.local.asl.ExecutionListener;
import com.smuscicd.local.asl.ExecutionResult;
import com.smuscicd.local.asl.LocalStateMachineRunner;
import com.smuscicd.local.asl.StateMachineDefinition;
import com.smuscicd.manifest.ManifestLoader;
import com.smuscicd.manifest.PipelineManifest;
import com.smuscicd.statemachine.DeployStateMachine;
import com.smuscicd.testsupport.AwsTestCredentials;
import com.smuscicd.testsupport.TestRetries;
import com.smuscicd.testsupport.MotoLogsTimestampInterceptor;
import com.smuscicd.testsupport.MotoServerExtension;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.FilteredLogEvent;
import software.amazon.awssdk.services.datazone.DataZoneClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.RuleState;
import software.amazon.awssdk.services.eventbridge.model.Target;
import software.amazon.awssdk.services.mwaaserverless.MwaaServerlessClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Runs the deployment state machine file through the local runner over the real AWS adapters,
 * talking HTTP to: moto for S3 and EventBridge (an EventBridge rule sends every event to a
 * CloudWatch Logs group, read back to prove delivery), and WireMock for DataZone and MWAA
 * Serverless. Every dependency is reached through its own WireMock server, so a fault can be put
 * in front of it; S3 and EventBridge requests that are not faulted are proxied to moto.
 *
 * <p>The wiring is the Lambda functions' ({@code AwsPorts}): the same adapters, the SDK's standard
 * retry strategy (3 attempts) for S3, DataZone and MWAA, no SDK retries under the EventBridge
 * publisher (5 attempts of its own), workflows run as the project's user role. Only delays differ:
 * the state machine's retry delays are scaled to 0, SDK and publisher backoff is immediate, and the
 * faulted dependency's client times out quickly, so the whole matrix runs in seconds.
 *
 * <p>One harness per test class ({@link #start} in {@code @BeforeAll}, {@link #reset} in
 * {@code @BeforeEach} after the {@link MotoServerExtension} has reset moto).
 */
final class FaultHarness implements AutoCloseable {

    static final String REGION = "us-east-1";
    static final String ACCOUNT = "123456789012";
    static final String TARGET = "dev";
    static final String BUNDLE_BUCKET = "smus-cicd-bundles-" + ACCOUNT;
    static final String PROJECT_BUCKET = "amazon-sagemaker-123456789012-us-east-1-faults";
    static final String PROJECT_PREFIX = "dzd_faults/prj_faults/dev/";
    static final String LOG_GROUP = "/aws/events/smus-cicd-faults";
    static final String PROJECT_PROFILE = "pp_all_capabilities";
    static final Path EXAMPLE = Path.of("..", "examples", "basic_pipeline", "pipeline.yaml");
    /** How late a late answer is: well past any fault-time socket timeout. */
    static final Duration LATE_BY = Duration.ofMillis(2_000);
    static final Metadata METADATA = new Metadata("ci-bot", "0123456789abcdef0123456789abcdef01234567", "main",
            "https://github.com/example/sales-analytics", "github-actions", "42",
            "https://github.com/example/sales-analytics/actions/runs/42", "2026-11-27T03:00:00Z");

    private static final String CAPTURE_PATTERN =
            "{\"source\":[\"com.amazon.smus.cicd\"],\"detail-type\":[{\"prefix\":\"SMUS-CICD-\"}]}";
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(10);
    // A persistent timeout answers nothing in time, so its client may give up at once; after a
    // transient one the answers must come in time even from moto on a loaded machine.
    private static final Duration PERSISTENT_FAULT_SOCKET_TIMEOUT = Duration.ofMillis(50);
    private static final Duration TRANSIENT_FAULT_SOCKET_TIMEOUT = Duration.ofSeconds(1);
    private static final Duration READ_BACK_WAIT = Duration.ofSeconds(5);

    private final MotoServerExtension moto;
    private final Map<Dependency, WireMockServer> servers = new EnumMap<>(Dependency.class);
    private final PipelineManifest manifest;
    private final BundlePackager.PackedBundle bundle;
    private final String bundleHex;
    private final S3Location bundleLocation;
    private final Map<String, String> definitionShas;
    private final StateMachineDefinition definition;
    private final S3Client motoS3;
    private final EventBridgeClient motoEvents;
    private final CloudWatchLogsClient motoLogs;

    private FaultHarness(MotoServerExtension moto) {
        this.moto = moto;
        for (Dependency dependency : Dependency.values()) {
            WireMockServer server = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1")
                    // Late answers wait on a scheduler, not on a request thread.
                    .asynchronousResponseEnabled(true).asynchronousResponseThreads(8));
            server.start();
            servers.put(dependency, server);
        }
        this.manifest = ManifestLoader.create().load(EXAMPLE);
        this.bundle = BundlePackager.pack(manifest, BundleArchive.DEFAULT_MAX_BYTES);
        this.bundleHex = bundle.digest().substring("sha256:".length());
        // Where the CLI puts it: <bucket>/<pipeline>/<target>/<sha256>.zip
        this.bundleLocation = new S3Location(BUNDLE_BUCKET,
                manifest.pipelineName() + "/" + TARGET + "/" + bundleHex + ".zip");
        Map<String, byte[]> entries = BundleArchive.read(new ByteArrayInputStream(bundle.zip()),
                BundleArchive.DEFAULT_MAX_BYTES).stream()
                .collect(Collectors.toMap(BundleArchive.Entry::name, BundleArchive.Entry::content));
        this.definitionShas = Map.of(
                "dailySalesEtlSha256", BundleArchive.sha256Hex(entries.get("workflows/daily_sales_etl.py")),
                "weeklyReportSha256", BundleArchive.sha256Hex(entries.get("workflows/weekly_report.py")));
        this.definition = StateMachineDefinition.parse(DeployStateMachine.definition());
        this.motoS3 = moto.configure(S3Client.builder()).httpClient(UrlConnectionHttpClient.create()).build();
        this.motoEvents = moto.configure(EventBridgeClient.builder()).httpClient(UrlConnectionHttpClient.create())
                .build();
        this.motoLogs = moto.configure(CloudWatchLogsClient.builder())
                .httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(c -> c.addExecutionInterceptor(new MotoLogsTimestampInterceptor()))
                .build();
    }

    /** Starts the stub servers; moto must be running (its extension's beforeAll has run). */
    static FaultHarness start(MotoServerExtension moto) {
        return new FaultHarness(moto);
    }

    /**
     * Forgets every stub, scenario and request, stubs the services' normal behaviour, and sets up
     * moto as the orchestrator and monitoring stacks would: the bundle bucket holding the bundle the
     * CLI uploaded, the project bucket, and the rule sending every SMUS-CICD event to a log group.
     */
    void reset() {
        servers.values().forEach(WireMockServer::resetAll);
        WireStubs.dataZone(server(Dependency.DATA_ZONE));
        WireStubs.workflows(server(Dependency.WORKFLOWS), definitionShas);
        WireStubs.proxy(server(Dependency.S3), moto.endpoint());
        WireStubs.proxy(server(Dependency.EVENT_BRIDGE), moto.endpoint());

        motoS3.createBucket(b -> b.bucket(BUNDLE_BUCKET));
        motoS3.createBucket(b -> b.bucket(PROJECT_BUCKET));
        S3BundleStore.create(motoS3).put(bundleLocation, bundle.zip(), bundleHex, Map.of("origin", "cli"));
        motoLogs.createLogGroup(b -> b.logGroupName(LOG_GROUP));
        motoEvents.putRule(b -> b.name("smus-cicd-all-events").eventBusName("default").eventPattern(CAPTURE_PATTERN)
                .state(RuleState.ENABLED));
        motoEvents.putTargets(b -> b.rule("smus-cicd-all-events").eventBusName("default").targets(Target.builder()
                .id("log-group").arn("arn:aws:logs:" + REGION + ":" + ACCOUNT + ":log-group:" + LOG_GROUP)
                // The whole event, as without a transformer; spelled out because moto evaluates each
                // input path with a freshly built JSONPath parser (~90 ms an event with its default eight).
                .inputTransformer(t -> t.inputPathsMap(Map.of("id", "$.id")).inputTemplate("<aws.events.event.json>"))
                .build()));
        // Loads moto's EventBridge-to-Logs path before anything is timed (it matches no rule).
        motoEvents.putEvents(b -> b.entries(PutEventsRequestEntry.builder().source("com.example.warmup")
                .detailType("warm-up").detail("{}").build()));
    }

    /** The stub server in front of a dependency (for scenario-specific stubs and request counts). */
    WireMockServer server(Dependency dependency) {
        return servers.get(dependency);
    }

    /**
     * The endpoint of a dependency's stub server. An IP address, not {@code localhost}: the S3
     * client then addresses buckets by path, as it does with moto.
     */
    URI endpoint(Dependency dependency) {
        return URI.create("http://127.0.0.1:" + server(dependency).port());
    }

    /** Deploys the {@code dev} target of the example with nothing injected. */
    FaultRun deploy() {
        return deploy(Injection.none());
    }

    /** Deploys the {@code dev} target of the example with {@code injection} in place. */
    FaultRun deploy(Injection injection) {
        return deploy(injection, METADATA);
    }

    /** Deploys the {@code dev} target of the example with {@code injection} in place and this metadata. */
    FaultRun deploy(Injection injection, Metadata metadata) {
        List<AutoCloseable> resources = new ArrayList<>();
        try {
            return run(injection, metadata, resources);
        } finally {
            for (AutoCloseable resource : resources) {
                try {
                    resource.close();
                } catch (Exception e) {
                    // a client or forwarder that does not close cleanly does not change the outcome
                }
            }
        }
    }

    private FaultRun run(Injection injection, Metadata metadata, List<AutoCloseable> resources) {
        Map<Dependency, Map<String, AtomicInteger>> attempts = new EnumMap<>(Dependency.class);
        Map<Dependency, URI> endpoints = new EnumMap<>(Dependency.class);
        for (Dependency dependency : Dependency.values()) {
            attempts.put(dependency, new ConcurrentHashMap<>());
            endpoints.put(dependency, endpoint(dependency));
        }
        Map<Dependency, Runnable> beforeAttempt = new EnumMap<>(Dependency.class);
        if (injection.dependency() != null) {
            Dependency faulted = injection.dependency();
            if (injection.fault() == Fault.CONNECTION_REFUSED) {
                ClosedPort closed = new ClosedPort(endpoint(faulted).toString());
                resources.add(closed);
                endpoints.put(faulted, closed.uri());
                if (!injection.persistent()) {
                    AtomicInteger made = new AtomicInteger();
                    // The dependency comes back after `times` refused attempts.
                    beforeAttempt.put(faulted, () -> {
                        if (made.incrementAndGet() == injection.times() + 1) {
                            closed.open();
                        }
                    });
                }
            } else {
                WireStubs.inject(server(faulted), WireStubs.faultResponse(faulted, injection.fault(), LATE_BY),
                        injection.times());
            }
        }

        S3Client s3 = client(S3Client.builder().crossRegionAccessEnabled(true), Dependency.S3, injection, endpoints,
                attempts, beforeAttempt, resources);
        DataZoneClient dataZoneClient = client(DataZoneClient.builder(), Dependency.DATA_ZONE, injection, endpoints,
                attempts, beforeAttempt, resources);
        MwaaServerlessClient mwaa = client(MwaaServerlessClient.builder(), Dependency.WORKFLOWS, injection, endpoints,
                attempts, beforeAttempt, resources);
        EventBridgeClient eventBridge = client(EventBridgeClient.builder(), Dependency.EVENT_BRIDGE, injection,
                endpoints, attempts, beforeAttempt, resources);

        List<String> undeliveredLog = new CopyOnWriteArrayList<>();
        // One publisher per bus, as the Lambda functions have; each remembers what went through it.
        Map<String, CountingPublisher> byBus = new ConcurrentHashMap<>();
        Function<String, EventPublisher> publisherForBus = bus -> byBus.computeIfAbsent(bus == null ? "" : bus,
                name -> new CountingPublisher(EventBridgePublisher.builder()
                        .client(eventBridge)
                        .eventBusName(name)
                        .baseDelay(Duration.ZERO)
                        .maxDelay(Duration.ZERO)
                        .logSink(undeliveredLog::add)
                        .build()));
        DataZoneClientGateway dataZone = DataZoneClientGateway.create(region -> dataZoneClient, PROJECT_PROFILE,
                DataZoneClientGateway.DEFAULT_READY_TIMEOUT);
        // as WorkflowCreationHandler wires it: the project's role comes from ProjectInitialization's output
        MwaaServerlessWorkflowGateway workflows = MwaaServerlessWorkflowGateway.create(mwaa,
                MwaaServerlessWorkflowGateway.workflowRole(Map.of()));
        DeployFunctions functions = new DeployFunctions(publisherForBus, dataZone, S3BundleStore.create(s3), workflows,
                Clock.systemUTC(), BundleArchive.DEFAULT_MAX_BYTES);

        String deploymentId = UUID.randomUUID().toString();
        DeploymentInput input = DeploymentInputs.of(manifest, ManifestLoader.requireTarget(manifest, TARGET),
                EventOverrides.NONE, metadata, deploymentId, Clock.systemUTC().instant(),
                new DeploymentInput.BundleRef(bundleLocation.toString(), bundle.digest(), bundle.bytes()),
                bundle.workflows());
        LocalStateMachineRunner runner = new LocalStateMachineRunner(definition, functions.byPlaceholder(),
                new LocalStateMachineRunner.Options(0.0, Clock.systemUTC(), Math::random, "smus-cicd-deploy"));
        FailureRecorder failures = new FailureRecorder();
        ExecutionResult result = runner.run(deploymentId, Json.tree(Map.of("deployment", input)), failures);

        assertThat(byBus).as("buses published to").containsOnlyKeys(manifest.monitoring().eventBusName());
        CountingPublisher emitted = byBus.get(manifest.monitoring().eventBusName());
        Map<Dependency, Map<String, Integer>> counted = new EnumMap<>(Dependency.class);
        attempts.forEach((dependency, byOperation) -> counted.put(dependency, byOperation.entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().get()))));
        return new FaultRun(deploymentId, result, emitted.events(), undeliveredLog, emitted.undelivered(), counted,
                failures.byState());
    }

    /**
     * A client of one dependency configured like the Lambda functions' ({@link AwsClients#configure}),
     * with immediate SDK backoff, a short socket timeout when its dependency is timing out, and an
     * interceptor counting every attempt.
     */
    private <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C extends SdkClient> C client(
            B builder, Dependency dependency, Injection injection, Map<Dependency, URI> endpoints,
            Map<Dependency, Map<String, AtomicInteger>> attempts, Map<Dependency, Runnable> beforeAttempt,
            List<AutoCloseable> resources) {
        AwsClients.configure(builder, Region.of(REGION), endpoints.get(dependency), AwsTestCredentials.provider());
        Duration socketTimeout = !injection.at(dependency, Fault.TIMEOUT) ? SOCKET_TIMEOUT
                : injection.persistent() ? PERSISTENT_FAULT_SOCKET_TIMEOUT : TRANSIENT_FAULT_SOCKET_TIMEOUT;
        // The EventBridge publisher retries by itself; SDK retries underneath would multiply its attempts.
        RetryStrategy retries = dependency == Dependency.EVENT_BRIDGE ? AwsRetryStrategy.doNotRetry()
                : TestRetries.standardWithoutBackoff();
        Map<String, AtomicInteger> counts = attempts.get(dependency);
        Runnable hook = beforeAttempt.getOrDefault(dependency, () -> { });
        builder.httpClientBuilder(UrlConnectionHttpClient.builder()
                        .connectionTimeout(CONNECT_TIMEOUT)
                        .socketTimeout(socketTimeout))
                .overrideConfiguration(c -> c.retryStrategy(retries).addExecutionInterceptor(
                        TestRetries.countingAttempts(operation -> {
                            counts.computeIfAbsent(operation, k -> new AtomicInteger()).incrementAndGet();
                            hook.run();
                        })));
        C client = builder.build();
        resources.add(client);
        return client;
    }

    /**
     * Asserts that no event of the run was lost: each emitted event was either accepted by
     * EventBridge exactly once (and, when moto accepted it, reached the rule's log group unchanged)
     * or written whole to the publisher's log sink exactly once, never both.
     */
    void assertNoEventLost(FaultRun run) {
        List<AcceptedEntry> accepted = acceptedEntries(run.deploymentId());
        List<JsonNode> logged = run.undeliveredLog().stream().map(line -> Json.read(line).get("event")).toList();
        for (DeploymentEvent event : run.events()) {
            JsonNode detail = Json.read(Json.write(event.detail()));
            long delivered = accepted.stream()
                    .filter(a -> a.detailType().equals(event.detailType()) && a.detail().equals(detail)).count();
            long loggedWhole = logged.stream().filter(l -> loggedWhole(l, event, detail)).count();
            assertThat(delivered + loggedWhole).as(event.detailType() + ": delivered once or logged whole once"
                    + " (delivered " + delivered + ", logged " + loggedWhole + ")").isEqualTo(1);
        }
        assertThat(accepted.size() + logged.size()).as("accepted + logged").isEqualTo(run.events().size());
        assertThat(run.undelivered()).as("undelivered reported").isEqualTo(logged.size());

        List<JsonNode> viaMoto = accepted.stream().filter(AcceptedEntry::proxied).map(AcceptedEntry::detail).toList();
        List<JsonNode> inLogGroup = readBack(run.deploymentId(), viaMoto.size()).stream()
                .map(envelope -> envelope.get("detail")).toList();
        assertThat(inLogGroup).as("events in the rule's log group").containsExactlyInAnyOrderElementsOf(viaMoto);
    }

    private static boolean loggedWhole(JsonNode logged, DeploymentEvent event, JsonNode detail) {
        return event.detailType().equals(logged.path("detail-type").asText())
                && event.source().equals(logged.path("source").asText())
                && event.time().toString().equals(logged.path("time").asText())
                && Json.tree(event.resources()).equals(logged.get("resources"))
                && detail.equals(logged.get("detail"));
    }

    /** An entry EventBridge (moto through the proxy, or a stub) answered with an EventId. */
    record AcceptedEntry(String detailType, JsonNode detail, boolean proxied) {
    }

    /** The PutEvents entries of this deployment that EventBridge accepted, read from the requests and their answers. */
    List<AcceptedEntry> acceptedEntries(String deploymentId) {
        List<AcceptedEntry> accepted = new ArrayList<>();
        for (ServeEvent served : servedPutEvents()) {
            if (served.getResponse() == null || served.getResponse().getStatus() != 200) {
                continue;
            }
            JsonNode sent = Json.read(served.getRequest().getBodyAsString()).path("Entries");
            JsonNode results = Json.read(served.getResponse().getBodyAsString()).path("Entries");
            for (int i = 0; i < sent.size(); i++) {
                JsonNode result = results.path(i);
                JsonNode detail = Json.read(sent.get(i).get("Detail").asText());
                if (result.hasNonNull("EventId") && !result.hasNonNull("ErrorCode")
                        && deploymentId.equals(detail.path("deploymentId").asText())) {
                    accepted.add(new AcceptedEntry(sent.get(i).get("DetailType").asText(), detail,
                            served.getResponseDefinition().isProxyResponse()));
                }
            }
        }
        return accepted;
    }

    /** The PutEvents requests that reached the EventBridge stub server, oldest first. */
    List<ServeEvent> servedPutEvents() {
        List<ServeEvent> served = new ArrayList<>(server(Dependency.EVENT_BRIDGE).getAllServeEvents());
        Collections.reverse(served);
        return served.stream()
                .filter(e -> "AWSEvents.PutEvents".equals(e.getRequest().getHeader("X-Amz-Target")))
                .toList();
    }

    /** The events of a deployment the rule delivered to the log group, waiting briefly for {@code expected} of them. */
    List<JsonNode> readBack(String deploymentId, int expected) {
        long deadline = System.nanoTime() + READ_BACK_WAIT.toNanos();
        List<JsonNode> delivered = logGroupEvents(deploymentId);
        while (delivered.size() < expected && System.nanoTime() < deadline) {
            pause();
            delivered = logGroupEvents(deploymentId);
        }
        return delivered;
    }

    /** Every message in the rule's log group, as text. */
    List<String> logGroupMessages() {
        return motoLogs.filterLogEventsPaginator(b -> b.logGroupName(LOG_GROUP)).events().stream()
                .map(FilteredLogEvent::message)
                .toList();
    }

    private List<JsonNode> logGroupEvents(String deploymentId) {
        return motoLogs.filterLogEventsPaginator(b -> b.logGroupName(LOG_GROUP)).events().stream()
                .map(FilteredLogEvent::message)
                .map(Json::read)
                .filter(e -> deploymentId.equals(e.at("/detail/deploymentId").asText()))
                .toList();
    }

    /** The project's objects in moto: key to (ETag, last modified, sha256 metadata). */
    Map<String, String> projectObjects() {
        Map<String, String> objects = new LinkedHashMap<>();
        for (S3Object object : motoS3.listObjectsV2Paginator(b -> b.bucket(PROJECT_BUCKET).prefix(PROJECT_PREFIX))
                .contents()) {
            HeadObjectResponse head = motoS3.headObject(b -> b.bucket(PROJECT_BUCKET).key(object.key()));
            objects.put(object.key(), head.eTag() + " " + head.lastModified() + " "
                    + head.metadata().get(S3BundleStore.SHA256_METADATA));
        }
        return objects;
    }

    @Override
    public void close() {
        servers.values().forEach(WireMockServer::stop);
        motoS3.close();
        motoEvents.close();
        motoLogs.close();
    }

    private static void pause() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Records the failed attempts of each task. */
    private static final class FailureRecorder implements ExecutionListener {

        private final Map<String, List<FaultRun.TaskFailure>> failures = new ConcurrentHashMap<>();

        @Override
        public void taskFailed(String state, String error, String cause, int attempt, Duration retryIn) {
            failures.computeIfAbsent(state, s -> new CopyOnWriteArrayList<>())
                    .add(new FaultRun.TaskFailure(error, attempt, retryIn));
        }

        Map<String, List<FaultRun.TaskFailure>> byState() {
            return failures.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> List.copyOf(e.getValue())));
        }
    }

    /**
     * A local port nothing listens on, so connections are refused, until {@link #open} starts a
     * server there that forwards to the dependency's usual endpoint: the dependency is back.
     */
    private static final class ClosedPort implements AutoCloseable {

        private final int port;
        private final String forwardTo;
        private WireMockServer forwarder;

        ClosedPort(String forwardTo) {
            this.forwardTo = Objects.requireNonNull(forwardTo);
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                this.port = socket.getLocalPort();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        URI uri() {
            return URI.create("http://127.0.0.1:" + port);
        }

        void open() {
            forwarder = new WireMockServer(options().port(port).bindAddress("127.0.0.1"));
            forwarder.start();
            forwarder.stubFor(any(anyUrl()).willReturn(aResponse().proxiedFrom(forwardTo).withRemoveRequestHeader("Expect")));
        }

        @Override
        public void close() {
            if (forwarder != null) {
                forwarder.stop();
            }
        }
    }

    /** For the log: what the run's counters say, to read when an assertion fails. */
    static String describe(FaultRun run) {
        return run.execution().status() + " " + run.detailTypes() + " attempts=" + run.attempts()
                + " failures=" + run.taskFailures().entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().size()));
    }
}
