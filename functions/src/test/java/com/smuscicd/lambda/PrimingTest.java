package com.smuscicd.lambda;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.smuscicd.aws.AwsClients;
import com.smuscicd.aws.AwsClientsForTests;
import com.smuscicd.deploy.TaskFunction;
import com.smuscicd.events.EventPublisher;
import com.smuscicd.json.Json;
import com.smuscicd.trigger.BundleTrigger;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * SnapStart priming: each handler runs its task on its sample input over dry-run clients. Every
 * AWS endpoint here is one WireMock server (also the EventBridge publisher's, through the SDK's
 * {@code aws.endpointUrl} setting), so a request that escaped the dry run would be counted.
 */
class PrimingTest {

    @RegisterExtension
    static final WireMockExtension ENDPOINT = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort())
            .build();

    private static final Map<String, String> ENV = Map.of(
            "STATE_MACHINE_ARN", "arn:aws:states:us-east-1:123456789012:stateMachine:smus-cicd-deploy",
            "EVENT_BUS_NAME", "smus-deployments");

    private final PrintStream originalOut = System.out;
    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();

    @BeforeEach
    void pointEverySdkClientAtTheStub() {
        System.setProperty("aws.region", "us-east-1");
        System.setProperty("aws.endpointUrl", ENDPOINT.baseUrl());
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setOut(originalOut);
        System.clearProperty("aws.region");
        System.clearProperty("aws.endpointUrl");
    }

    static Stream<Arguments> handlers() {
        BiFunction<AwsClients, Function<String, EventPublisher>, TaskFunction> trigger = (clients, publishers) -> {
            // as BundleTriggerHandler.beforeCheckpoint wires it: outcomes logged nowhere
            BundleTrigger dry = BundleTriggerHandler.wire(ENV, clients, publishers, line -> { });
            return event -> Json.tree(dry.handle(event));
        };
        Consumer<AwsClients> none = dry -> { };
        return Stream.of(
                Arguments.of("DeployLifecycleHandler", wiring(DeployLifecycleHandler::wire), none, Set.of()),
                Arguments.of("ProjectInitializationHandler", wiring(ProjectInitializationHandler::wire), none,
                        Set.of("datazone")),
                Arguments.of("BundleUploadHandler", wiring(BundleUploadHandler::wire), none, Set.of("s3")),
                Arguments.of("WorkflowCreationHandler", wiring(WorkflowCreationHandler::wire),
                        WorkflowCreationHandler.MORE_PRIMING, Set.of("s3", "mwaaserverless")),
                Arguments.of("CatalogAssetsHandler", wiring(CatalogAssetsHandler::wire), none, Set.of("datazone")),
                Arguments.of("BundleTriggerHandler", trigger, BundleTriggerHandler.MORE_PRIMING,
                        Set.of("s3", "sfn")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("handlers")
    void prime_sendsNothingPrintsNothingAndBuildsTheClientsTheTaskUses(
            String handler, BiFunction<AwsClients, Function<String, EventPublisher>, TaskFunction> wiring,
            Consumer<AwsClients> moreCalls, Set<String> services) {
        AwsClients clients = AwsClientsForTests.endpoint(URI.create(ENDPOINT.baseUrl()));

        Priming.prime(clients, handler, wiring, moreCalls);

        ENDPOINT.verify(0, anyRequestedFor(anyUrl()));
        assertThat(printed.toString(StandardCharsets.UTF_8)).isEmpty();
        assertThat(clients.servicesUsed()).isEqualTo(services);
    }

    @Test
    void sample_everyHandlerShipsAnInputThatParses() {
        for (String handler : FunctionJarsIT.jars().stream().map(FunctionJarsIT.FunctionJar::handler).toList()) {
            assertThat(Json.read(new String(Priming.sample(handler), StandardCharsets.UTF_8)).isObject())
                    .as(handler).isTrue();
        }
    }

    @Test
    void prime_whenTheWiringItselfFails_doesNotThrow() {
        AwsClients clients = AwsClientsForTests.endpoint(URI.create(ENDPOINT.baseUrl()));

        Priming.prime(clients, "BundleTriggerHandler", (c, p) -> {
            throw new IllegalStateException("STATE_MACHINE_ARN is not set");
        }, dry -> { });

        ENDPOINT.verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void beforeCheckpoint_ofEachPhaseHandlerAsLambdaBuildsIt_sendsNothingAndPrintsNothing() throws Exception {
        // the no-arg constructors, as the Lambda runtime calls them: clients from the environment
        // (here the aws.region and aws.endpointUrl settings), the hook registered with CRaC
        for (org.crac.Resource handler : new org.crac.Resource[] {new DeployLifecycleHandler(),
                new ProjectInitializationHandler(), new BundleUploadHandler(), new WorkflowCreationHandler(),
                new CatalogAssetsHandler()}) {
            handler.beforeCheckpoint(null);
            handler.afterRestore(null);
        }

        ENDPOINT.verify(0, anyRequestedFor(anyUrl()));
        assertThat(printed.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    private static BiFunction<AwsClients, Function<String, EventPublisher>, TaskFunction> wiring(
            Wire wire) {
        return (clients, publishers) -> wire.apply(ENV, clients, publishers);
    }

    @FunctionalInterface
    private interface Wire {
        TaskFunction apply(Map<String, String> env, AwsClients clients, Function<String, EventPublisher> publishers);
    }
}
