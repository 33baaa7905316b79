package com.smuscicd.cli;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.head;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.client.ScenarioMappingBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.smuscicd.aws.AwsClients;
import com.smuscicd.aws.SfnExecutions;
import com.smuscicd.deploy.BundleArchive;
import com.smuscicd.deploy.BundlePackager;
import com.smuscicd.deploy.DeploymentInput;
import com.smuscicd.deploy.DeploymentInputs;
import com.smuscicd.deploy.EventOverrides;
import com.smuscicd.events.schema.EventContract;
import com.smuscicd.json.Json;
import com.smuscicd.manifest.ManifestLoader;
import com.smuscicd.manifest.PipelineManifest;
import com.smuscicd.statemachine.DeployStateMachine;
import com.smuscicd.testsupport.AwsTestCredentials;
import com.smuscicd.testsupport.RefusedConnections;
import com.smuscicd.testsupport.TestRetries;
import com.smuscicd.testsupport.MotoLogsTimestampInterceptor;
import com.smuscicd.testsupport.MotoServerExtension;
import com.smuscicd.trigger.BundleTrigger;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.IntPredicate;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProviderChain;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.RuleState;
import software.amazon.awssdk.services.eventbridge.model.Target;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.ExecutionListItem;

/**
 * The cloud path of {@code smus-cli deploy} up to a started execution, against moto (S3, Step
 * Functions with the real state machine definition, CloudFormation); {@code --wait} against a
 * wire-level Step Functions stub that plays back recorded execution histories.
 */
class CloudDeployTest {

    @RegisterExtension
    static final MotoServerExtension MOTO = MotoServerExtension.create().resetBeforeEach();

    @RegisterExtension
    static final WireMockExtension SFN_STUB = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort())
            .build();

    /** In front of moto for S3 and CloudFormation: faults where a test puts them, everything else proxied. */
    @RegisterExtension
    static final WireMockExtension AWS_STUB = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort())
            .build();

    static final Path MANIFEST = Path.of("..", "examples", "basic_pipeline", "pipeline.yaml").toAbsolutePath()
            .normalize();
    static final Path ASL_FILE = Path.of("..", "statemachine", "src", "main", "resources", "statemachine",
            "deploy.asl.json");
    static final String BUCKET = "smus-cicd-bundles-123456789012";
    /** The state machine the Step Functions stub answers for. */
    private static final String STUBBED_STATE_MACHINE =
            "arn:aws:states:us-east-1:123456789012:stateMachine:smus-cicd-deploy";

    private final StringWriter printed = new StringWriter();
    private final ProgressPrinter progress = new ProgressPrinter(new PrintWriter(printed, true));
    private final List<Duration> sleeps = new ArrayList<>();
    private final Map<String, String> env = new HashMap<>();
    private final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
    private S3Client s3;
    private SfnClient sfn;
    private String stateMachineArn;

    @BeforeEach
    void orchestrator() {
        s3 = motoClients().s3(Region.US_EAST_1);
        sfn = motoClients().sfn(Region.US_EAST_1);
        s3.createBucket(b -> b.bucket(BUCKET));
        stateMachineArn = createStateMachine(sfn);
    }

    @Test
    void deploy_withFlags_uploadsTheBundleAndStartsOneExecution() {
        CloudOptions options = options(stateMachineArn, BUCKET);
        DeploymentInput input = input("prod");
        BundlePackager.PackedBundle bundle = bundle();

        DeployOutcome outcome = cloudDeploy(options, motoClients()).deploy(input, bundle, progress);

        assertThat(outcome.status()).isEqualTo("RUNNING");
        assertThat(outcome.ok()).isTrue();
        String key = "MyPipeline/prod/" + bundle.digest().substring("sha256:".length()) + ".zip";
        assertThat(s3.listObjectsV2(b -> b.bucket(BUCKET)).contents()).extracting(S3Object::key).containsExactly(key);
        assertThat(s3.headObject(b -> b.bucket(BUCKET).key(key)).metadata())
                .containsEntry(BundleTrigger.ORIGIN_METADATA, BundleTrigger.ORIGIN_CLI);
        assertThat(executions()).singleElement().satisfies(e -> assertThat(e.executionArn())
                .isEqualTo(outcome.executionArn()));
        JsonNode deployment = Json.read(sfn.describeExecution(b -> b.executionArn(outcome.executionArn())).input())
                .path("deployment");
        assertThat(deployment.path("deploymentId").asText()).isEqualTo(input.deploymentId());
        assertThat(deployment.path("bundle").path("location").asText()).isEqualTo("s3://" + BUCKET + "/" + key);
        assertThat(deployment.path("bundle").path("digest").asText()).isEqualTo(bundle.digest());
        assertThat(deployment.path("workflows")).hasSize(2);
        assertThat(outcome.consoleUrl()).isEqualTo(SfnExecutions.consoleUrl(outcome.executionArn()));
        assertThat(printed.toString()).contains(outcome.executionArn(), outcome.consoleUrl());
    }

    @Test
    void deploy_whenTheSameCiRunIsRetried_reportsAlreadyStartedAndStartsNothingNew() {
        env.putAll(Map.of("GITHUB_ACTIONS", "true", "GITHUB_RUN_ID", "9001", "GITHUB_REPOSITORY", "org/repo",
                "GITHUB_SERVER_URL", "https://github.com"));
        CloudOptions options = options(stateMachineArn, BUCKET);
        DeployOutcome first = cloudDeploy(options, motoClients()).deploy(input("prod"), bundle(), progress);

        // A retried job: new process, new deployment id, same run id and content.
        DeployOutcome retried = cloudDeploy(options, motoClients()).deploy(input("prod"), bundle(), progress);

        assertThat(retried.status()).isEqualTo("ALREADY_STARTED");
        assertThat(retried.ok()).isTrue();
        assertThat(retried.executionArn()).isEqualTo(first.executionArn());
        assertThat(retried.deploymentId()).isEqualTo(first.deploymentId());
        assertThat(executions()).hasSize(1);
        assertThat(printed.toString()).contains("was already started");
    }

    /**
     * A CI platform's retry of the same run: GitHub's "Re-run jobs" (the same run id, the next
     * attempt) and GitLab's "Retry" on a job (a new job in the same pipeline).
     */
    static Stream<Arguments> ciRetries() {
        return Stream.of(
                Arguments.of(Map.of("GITHUB_ACTIONS", "true", "GITHUB_RUN_ID", "9001", "GITHUB_RUN_ATTEMPT", "1"),
                        "GITHUB_RUN_ATTEMPT", "2"),
                Arguments.of(Map.of("GITLAB_CI", "true", "CI_PIPELINE_ID", "4711", "CI_JOB_ID", "100"),
                        "CI_JOB_ID", "101"));
    }

    @ParameterizedTest
    @MethodSource("ciRetries")
    void deploy_whenTheCiPlatformRetriesTheRun_findsTheDeploymentOfTheFirstAttempt(Map<String, String> ci,
                                                                                  String changed, String value) {
        env.putAll(ci);
        CloudOptions options = options(stateMachineArn, BUCKET);
        DeployOutcome first = cloudDeploy(options, motoClients()).deploy(input("prod"), bundle(), progress);
        env.put(changed, value);

        DeployOutcome retried = cloudDeploy(options, motoClients()).deploy(input("prod"), bundle(), progress);

        assertThat(retried.status()).isEqualTo("ALREADY_STARTED");
        assertThat(retried.executionArn()).isEqualTo(first.executionArn());
        assertThat(retried.deploymentId()).isEqualTo(first.deploymentId());
        assertThat(executions()).hasSize(1);
    }

    @Test
    void deploy_whenANewGitLabPipelineDeploysTheSameContent_startsANewExecution() {
        env.putAll(Map.of("GITLAB_CI", "true", "CI_PIPELINE_ID", "4711", "CI_JOB_ID", "100"));
        cloudDeploy(options(stateMachineArn, BUCKET), motoClients()).deploy(input("prod"), bundle(), progress);
        env.putAll(Map.of("CI_PIPELINE_ID", "4712", "CI_JOB_ID", "102"));

        DeployOutcome next = cloudDeploy(options(stateMachineArn, BUCKET), motoClients())
                .deploy(input("prod"), bundle(), progress);

        assertThat(next.status()).isEqualTo("RUNNING");
        assertThat(executions()).hasSize(2);
    }

    @Test
    void deploy_whenANewCiRunDeploysTheSameContent_startsANewExecution() {
        env.putAll(Map.of("GITHUB_ACTIONS", "true", "GITHUB_RUN_ID", "9001"));
        cloudDeploy(options(stateMachineArn, BUCKET), motoClients()).deploy(input("prod"), bundle(), progress);
        env.put("GITHUB_RUN_ID", "9002");

        DeployOutcome next = cloudDeploy(options(stateMachineArn, BUCKET), motoClients())
                .deploy(input("prod"), bundle(), progress);

        assertThat(next.status()).isEqualTo("RUNNING");
        assertThat(executions()).hasSize(2);
    }

    @Test
    void deploy_withAnExecutionNameAndSeveralTargets_startsOneExecutionPerTarget() {
        CloudOptions options = options(stateMachineArn, BUCKET);
        options.executionName = "hotfix-1";

        DeployOutcome prod = cloudDeploy(options, motoClients()).deploy(input("prod"), bundle(), progress);
        DeployOutcome dev = cloudDeploy(options, motoClients()).deploy(input("dev"), bundle(), progress);

        assertThat(prod.status()).isEqualTo("RUNNING");
        assertThat(dev.status()).isEqualTo("RUNNING");
        assertThat(executions()).extracting(ExecutionListItem::name)
                .containsExactlyInAnyOrder("hotfix-1-prod", "hotfix-1-dev");
    }

    @Test
    void deploy_whenTheExecutionNameWithTheTargetIsTooLong_failsBeforeUploadingAnything() {
        CloudOptions options = options(stateMachineArn, BUCKET);
        options.executionName = "n".repeat(78);

        assertThatThrownBy(() -> cloudDeploy(options, motoClients()).deploy(input("prod"), bundle(), progress))
                .isInstanceOf(CloudSetupException.class)
                .hasMessageContaining("too long")
                .hasMessageContaining("use at most 75 characters");
        assertThat(s3.listObjectsV2(b -> b.bucket(BUCKET)).contents()).isEmpty();
        assertThat(executions()).isEmpty();
    }

    @Test
    void deploy_whenTheExecutionNameWasUsedForOtherContent_failsAsAUsageError() {
        CloudOptions options = options(stateMachineArn, BUCKET);
        options.executionName = "release";
        BundlePackager.PackedBundle earlier = bundle();
        cloudDeploy(options, motoClients()).deploy(input("prod"), earlier, progress);

        assertThatThrownBy(() -> cloudDeploy(options, motoClients()).deploy(input("prod"), changed(earlier), progress))
                .isInstanceOf(CloudSetupException.class)
                .hasMessage("execution name release-prod already used by a deployment of MyPipeline/prod/"
                        + earlier.digest() + "; pass another --execution-name");
        assertThat(executions()).hasSize(1);
    }

    @Test
    void command_whenTheExecutionNameIsTooLongOnlyForALaterTarget_startsNothingAndExitsTwo() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        // 76 characters: "-dev" fits in the 80 Step Functions allows, "-broken" does not.
        int exit = deployCommand(out, err, "--targets", "dev,broken", "--execution-name", "n".repeat(76),
                "--output", "json");

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("--execution-name", "too long", "n".repeat(76) + "-broken");
        assertThat(out.toString()).isEmpty();
        assertThat(s3.listObjectsV2(b -> b.bucket(BUCKET)).contents()).isEmpty();
        assertThat(executions()).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiterString = " => ", value = {
        "--wait --wait-timeout 0 => --wait-timeout must be more than 0 and at most 31622400 seconds",
        "--wait --wait-timeout -5 => --wait-timeout must be more than 0 and at most 31622400 seconds",
        "--wait --wait-timeout 99999999999 => --wait-timeout must be more than 0 and at most 31622400 seconds",
        "--execution-name rel/1 => --execution-name 'rel/1' may only contain letters, digits",
        "--execution-name release.1 => --execution-name 'release.1' may only contain letters, digits",
    })
    void command_whenAFlagValueIsBad_startsNothingAndExitsTwoNamingIt(String args, String message) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> all = new ArrayList<>(List.of("--targets", "dev"));
        all.addAll(List.of(args.split(" ")));

        int exit = deployCommand(out, err, all.toArray(String[]::new));

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains(message);
        assertThat(s3.listObjectsV2(b -> b.bucket(BUCKET)).contents()).isEmpty();
        assertThat(executions()).isEmpty();
    }

    @Test
    void command_whenALaterTargetCannotStartAfterAnEarlierOneDid_reportsBothInJsonAndExitsOne() {
        sfn.startExecution(b -> b.stateMachineArn(stateMachineArn).name("release-prod").input("""
                {"deployment": {"pipelineName": "Other", "target": {"name": "prod"}, "bundle": {"digest": "sha256:00"}}}"""));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();

        int exit = deployCommand(out, err, "--targets", "dev,prod,broken", "--execution-name", "release",
                "--output", "json");

        assertThat(exit).isEqualTo(1);
        assertThat(err.toString()).contains("execution name release-prod already used by a deployment of Other/prod");
        JsonNode json = Json.read(out.toString());
        assertThat(json).hasSize(3);
        assertThat(json.get(0).path("target").asText()).isEqualTo("dev");
        assertThat(json.get(0).path("status").asText()).isEqualTo("RUNNING");
        assertThat(json.get(0).path("executionArn").asText()).endsWith(":release-dev");
        assertThat(json.get(1).path("target").asText()).isEqualTo("prod");
        assertThat(json.get(1).path("status").asText()).isEqualTo("NOT_STARTED");
        assertThat(json.get(1).path("error").path("code").asText()).isEqualTo("BAD_INPUT");
        assertThat(json.get(2).path("status").asText()).isEqualTo("SKIPPED");
        assertThat(executions()).extracting(ExecutionListItem::name)
                .containsExactlyInAnyOrder("release-prod", "release-dev");
    }

    @Test
    void deploy_whenTheSameCiRunIsRetriedAfterTheExecutionWasAborted_reportsAbortedAndHowToDeployAgain() {
        env.putAll(Map.of("GITHUB_ACTIONS", "true", "GITHUB_RUN_ID", "9001"));
        CloudOptions options = options(stateMachineArn, BUCKET);
        DeployOutcome first = cloudDeploy(options, motoClients()).deploy(input("prod"), bundle(), progress);
        sfn.stopExecution(b -> b.executionArn(first.executionArn()));

        DeployOutcome retried = cloudDeploy(options, motoClients()).deploy(input("prod"), bundle(), progress);

        assertThat(retried.status()).isEqualTo("ABORTED");
        assertThat(retried.ok()).isFalse();
        assertThat(retried.executionArn()).isEqualTo(first.executionArn());
        assertThat(retried.error()).containsEntry("code", "EXECUTION_ABORTED");
        assertThat(printed.toString()).contains("the earlier deployment with execution name")
                .contains("ended ABORTED").contains("start a new workflow run").contains("github.run_attempt")
                .doesNotContain("was already started");
        assertThat(executions()).hasSize(1);
    }

    @Test
    void deploy_whenTheExecutionAlreadySucceeded_reportsSucceededAndWhichExecutionDeployedIt() {
        BundlePackager.PackedBundle bundle = bundle();
        stubExisting("describe-existing-succeeded.json", bundle);
        CloudOptions options = options(STUBBED_STATE_MACHINE, BUCKET);

        DeployOutcome outcome = cloudDeploy(options, withStubbedSfn()).deploy(input("prod"), bundle, progress);

        assertThat(outcome.status()).isEqualTo("SUCCEEDED");
        assertThat(outcome.ok()).isTrue();
        assertThat(outcome.deploymentId()).isEqualTo("d-earlier");
        assertThat(outcome.durationMs()).isEqualTo(9500);
        assertThat(printed.toString()).contains("already deployed by " + outcome.executionArn());
    }

    @Test
    void deploy_whenTheExecutionAlreadyFailed_reportsFailedWithItsErrorAndHowToDeployAgain() {
        BundlePackager.PackedBundle bundle = bundle();
        stubExisting("describe-existing-failed.json", bundle);
        CloudOptions options = options(STUBBED_STATE_MACHINE, BUCKET);

        DeployOutcome outcome = cloudDeploy(options, withStubbedSfn()).deploy(input("prod"), bundle, progress);

        assertThat(outcome.status()).isEqualTo("FAILED");
        assertThat(outcome.ok()).isFalse();
        assertThat(outcome.error()).containsEntry("code", "DeploymentFailed");
        assertThat(printed.toString()).contains("ended FAILED").contains("--execution-name")
                .doesNotContain("start a new workflow run");
    }

    @Test
    void deploy_withoutFlags_readsTheEnvironment() {
        env.put("SMUS_STATE_MACHINE_ARN", stateMachineArn);
        env.put("SMUS_BUNDLE_BUCKET", BUCKET);

        DeployOutcome outcome = cloudDeploy(options(null, null), motoClients()).deploy(input("prod"), bundle(), progress);

        assertThat(outcome.status()).isEqualTo("RUNNING");
        assertThat(executions()).hasSize(1);
    }

    @Test
    void deploy_withoutFlagsOrEnvironment_readsTheOrchestratorStackOutputs() {
        try (CloudFormationClient cloudFormation = motoClients().cloudFormation(Region.US_EAST_1)) {
            cloudFormation.createStack(b -> b.stackName(CloudOptions.DEFAULT_STACK_NAME).templateBody("""
                    {"Resources": {"Topic": {"Type": "AWS::SNS::Topic"}},
                     "Outputs": {"StateMachineArn": {"Value": "%s"}, "BundleBucketName": {"Value": "%s"}}}
                    """.formatted(stateMachineArn, BUCKET)));
        }
        CloudOptions options = options(null, null);
        options.region = "us-east-1";

        DeployOutcome outcome = cloudDeploy(options, motoClients()).deploy(input("prod"), bundle(), progress);

        assertThat(outcome.status()).isEqualTo("RUNNING");
        assertThat(executions()).hasSize(1);
    }

    @Test
    void deploy_whenTheStackDoesNotLetItsFunctionsPublishToTheDeploymentsBus_failsBeforeUploadingAnything() {
        // the example names the bus "default"; this stack's functions may publish to two others
        createStackWithBuses("smus-bus,arn:aws:events:us-east-1:210987654321:event-bus/central");
        CloudOptions options = options(null, null);
        options.region = "us-east-1";

        assertThatThrownBy(() -> cloudDeploy(options, motoClients()).deploy(input("prod"), bundle(), progress))
                .isInstanceOf(CloudSetupException.class)
                .hasMessageContaining("bus 'default'")
                .hasMessageContaining("monitoring.eventbridge.eventBusName, or --event-bus-name")
                .hasMessageContaining("may only publish to smus-bus, arn:aws:events:us-east-1:210987654321:event-bus/central")
                .hasMessageContaining("-c eventBusNames=smus-bus,arn:aws:events:us-east-1:210987654321:event-bus/central,default");
        assertThat(s3.listObjectsV2(b -> b.bucket(BUCKET)).contents()).isEmpty();
        assertThat(executions()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "the bus by name, allowed by name | smus-bus | other,smus-bus",
        "the bus by ARN, allowed by name | arn:aws:events:us-east-1:123456789012:event-bus/smus-bus | smus-bus",
        "the bus by name, allowed by ARN | smus-bus | arn:aws:events:us-east-1:123456789012:event-bus/smus-bus",
        "another account's bus by ARN | arn:aws:events:us-east-1:210987654321:event-bus/central"
                + " | default,arn:aws:events:us-east-1:210987654321:event-bus/central",
    })
    void deploy_whenTheStackLetsItsFunctionsPublishToTheDeploymentsBus_startsTheExecution(
            String name, String bus, String allowed) {
        createStackWithBuses(allowed);
        CloudOptions options = options(null, null);
        options.region = "us-east-1";

        DeployOutcome outcome = cloudDeploy(options, motoClients()).deploy(input("prod", bus), bundle(), progress);

        assertThat(outcome.status()).isEqualTo("RUNNING");
        assertThat(executions()).hasSize(1);
    }

    @Test
    void command_whenTheDeploymentsBusIsNotTheStacks_exitsTwoAndSaysWhichBusesItMayUse() {
        createStackWithBuses("smus-bus");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();

        DeployCommand command = new DeployCommand();
        command.cloudDeploys = options -> cloudDeploy(options, motoClients());
        picocli.CommandLine cli = new picocli.CommandLine(command);
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));

        // no --state-machine-arn or --bundle-bucket: the stack is read
        int exit = cli.execute("--pipeline", MANIFEST.toString(), "--targets", "prod", "--region", "us-east-1");

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("bus 'default'").contains("may only publish to smus-bus");
        assertThat(executions()).isEmpty();
    }

    @Test
    void deploy_whenTheStackMustBeReadWithoutCredentials_saysNoneWereFoundInOneLine() {
        CloudDeploy.ClientFactory motoClients = motoClients();
        CloudDeploy.ClientFactory noCredentials = clientsOf(motoClients::s3, motoClients::sfn,
                region -> AwsClients.configure(CloudFormationClient.builder(), region, MOTO.endpoint(),
                        AwsCredentialsProviderChain.builder().credentialsProviders(ProfileCredentialsProvider.builder()
                                .profileName("smus-no-such-profile").build()).build()).build());
        CloudOptions options = options(null, null);
        options.region = "us-east-1";

        assertThatThrownBy(() -> cloudDeploy(options, noCredentials).deploy(input("prod"), bundle(), progress))
                .isInstanceOf(CloudSetupException.class)
                .hasMessageStartingWith("no AWS credentials found (")
                .hasMessageContaining("needed to read the outputs of stack '" + CloudOptions.DEFAULT_STACK_NAME + "'")
                .hasMessageNotContaining("ProviderChain");
        assertThat(executions()).isEmpty();
    }

    @Test
    void deploy_whenNothingSaysWhereToDeploy_failsBeforeUploadingAnything() {
        CloudOptions options = options(null, null);
        options.region = "us-east-1";

        assertThatThrownBy(() -> cloudDeploy(options, motoClients()).deploy(input("prod"), bundle(), progress))
                .isInstanceOf(CloudSetupException.class)
                .hasMessageContaining("--state-machine-arn")
                .hasMessageContaining("SMUS_BUNDLE_BUCKET")
                .hasMessageContaining("stack '" + CloudOptions.DEFAULT_STACK_NAME + "' was not found");
        assertThat(s3.listObjectsV2(b -> b.bucket(BUCKET)).contents()).isEmpty();
        assertThat(executions()).isEmpty();
    }

    @Test
    void deploy_whenTheStackMustBeReadAndNoRegionIsSet_failsWithAClearMessage() {
        CloudOptions options = options(null, null);

        assertThatThrownBy(() -> cloudDeploy(options, motoClients()).deploy(input("prod"), bundle(), progress))
                .isInstanceOf(CloudSetupException.class)
                .hasMessageStartingWith("no AWS region: set AWS_REGION or pass --region")
                .hasMessageNotContaining("provider");
        assertThat(s3.listObjectsV2(b -> b.bucket(BUCKET)).contents()).isEmpty();
    }

    @Test
    void deploy_withAwsRegionInTheEnvironment_readsTheStackInThatRegion() {
        try (CloudFormationClient cloudFormation = motoClients().cloudFormation(Region.EU_WEST_1)) {
            cloudFormation.createStack(b -> b.stackName(CloudOptions.DEFAULT_STACK_NAME).templateBody("""
                    {"Resources": {"Topic": {"Type": "AWS::SNS::Topic"}},
                     "Outputs": {"StateMachineArn": {"Value": "%s"}, "BundleBucketName": {"Value": "%s"}}}
                    """.formatted(stateMachineArn, BUCKET)));
        }
        env.put("AWS_REGION", "eu-west-1");

        DeployOutcome outcome = cloudDeploy(options(null, null), motoClients())
                .deploy(input("prod"), bundle(), progress);

        assertThat(outcome.status()).isEqualTo("RUNNING");
        assertThat(executions()).hasSize(1);
    }

    @Test
    void deploy_whenTheArnFlagIsNotAStateMachineArn_failsBeforeUploadingAnything() {
        CloudOptions options = options("arn:aws:lambda:us-east-1:123456789012:function:deploy", BUCKET);

        assertThatThrownBy(() -> cloudDeploy(options, motoClients()).deploy(input("prod"), bundle(), progress))
                .isInstanceOf(CloudSetupException.class)
                .hasMessageContaining("is not a state machine ARN");
        assertThat(s3.listObjectsV2(b -> b.bucket(BUCKET)).contents()).isEmpty();
    }

    @Test
    void deploy_whenTheBucketDoesNotExist_failsWithoutStartingAnything() {
        CloudOptions options = options(stateMachineArn, "no-such-bundle-bucket");

        assertThatThrownBy(() -> cloudDeploy(options, motoClients()).deploy(input("prod"), bundle(), progress))
                .isInstanceOf(CloudSetupException.class)
                .hasMessageContaining("BUCKET_NOT_FOUND")
                .hasMessageContaining("--bundle-bucket");
        assertThat(executions()).isEmpty();
    }

    @Test
    void deploy_whenTheStateMachineDoesNotExist_failsWithoutStartingAnything() {
        CloudOptions options = options(stateMachineArn.replace("smus-cicd-deploy", "gone"), BUCKET);

        assertThatThrownBy(() -> cloudDeploy(options, motoClients()).deploy(input("prod"), bundle(), progress))
                .isInstanceOf(CloudSetupException.class)
                .hasMessageContaining("STATE_MACHINE_NOT_FOUND");
        assertThat(executions()).isEmpty();
    }

    @Test
    void deploy_withWait_printsEachPhaseOnceAndSucceeds() {
        stubSfn("start-execution.json", "history-succeeded-partial.json", "history-succeeded.json",
                "describe-succeeded.json");
        CloudOptions options = waitingOptions();

        DeployOutcome outcome = cloudDeploy(options, withStubbedSfn()).deploy(input("prod"), bundle(), progress);

        assertSucceededWithEveryPhase(outcome);
        assertThat(outcome.ok()).isTrue();
        assertThat(outcome.durationMs()).isEqualTo(9500);
        String text = printed.toString();
        assertThat(text).containsOnlyOnce("ok   ProjectInitialization").containsOnlyOnce("ok   BundleUpload")
                .containsOnlyOnce("ok   WorkflowCreation").containsOnlyOnce("ok   CatalogAssets")
                .contains("attempt 1 failed (THROTTLED)")
                .contains("project prj_1 in domain dzd_prod")
                .contains("12 files, 47.1 KiB, 3 uploaded, 9 unchanged")
                .contains("SUCCEEDED");
        assertThat(text.indexOf("ProjectInitialization")).isLessThan(text.indexOf("CatalogAssets"));
        assertThat(sleeps).hasSize(1);
    }

    @Test
    void deploy_withWaitWhenAPhaseFails_reportsThePhaseAndItsErrorCode() {
        stubSfn("start-execution.json", "history-failed.json", "history-failed.json", "describe-failed.json");
        CloudOptions options = waitingOptions();

        DeployOutcome outcome = cloudDeploy(options, withStubbedSfn()).deploy(input("prod"), bundle(), progress);

        assertThat(outcome.status()).isEqualTo("FAILED");
        assertThat(outcome.ok()).isFalse();
        assertThat(outcome.failedPhase()).isEqualTo("bundle-upload");
        assertThat(outcome.error()).containsEntry("code", "BUCKET_NOT_FOUND");
        assertThat(printed.toString()).contains("ok   ProjectInitialization").contains("FAIL BundleUpload")
                .contains("BUCKET_NOT_FOUND").doesNotContain("ok   BundleUpload");
    }

    @Test
    void deploy_withWaitWhenTheExecutionOutlastsTheTimeout_stopsFollowingAndFails() {
        stubSfn("start-execution.json", "history-succeeded-partial.json", "history-succeeded-partial.json",
                "describe-running.json");
        CloudOptions options = waitingOptions();
        options.waitTimeoutSeconds = 5;

        DeployOutcome outcome = cloudDeploy(options, withStubbedSfn()).deploy(input("prod"), bundle(), progress);

        assertThat(outcome.status()).isEqualTo("WAIT_TIMED_OUT");
        assertThat(outcome.ok()).isFalse();
        assertThat(printed.toString()).contains("still running after 5 s");
    }

    @Test
    void waitTimeoutDefault_outlastsTheStateMachinesOwnExecutionTimeoutByFiveMinutes() {
        JsonNode definition = Json.read(DeployStateMachine.definition());
        CloudOptions parsed = new CloudOptions();
        new CommandLine(parsed).parseArgs();

        assertThat(parsed.waitTimeoutSeconds).isEqualTo(definition.get("TimeoutSeconds").asLong() + 300);
    }

    @Test
    void deploy_withWaitWhenReadingTheHistoryIsDenied_reportsFollowFailedWithWhereToFollowIt() {
        SFN_STUB.stubFor(operation("StartExecution").willReturn(json(fixture("start-execution.json"))));
        SFN_STUB.stubFor(operation("GetExecutionHistory").willReturn(json(fixture("error-access-denied.json"))
                .withStatus(400)));
        CloudOptions options = waitingOptions();

        DeployOutcome outcome = cloudDeploy(options, withStubbedSfn()).deploy(input("prod"), bundle(), progress);

        assertThat(outcome.status()).isEqualTo("FOLLOW_FAILED");
        assertThat(outcome.ok()).isFalse();
        assertThat(outcome.error()).containsEntry("code", "ACCESS_DENIED");
        assertThat(outcome.executionArn()).endsWith(":execution:smus-cicd-deploy:MyPipeline-prod-wait");
        assertThat(printed.toString()).contains("error: could not follow execution " + outcome.executionArn())
                .contains(outcome.consoleUrl());
    }

    @Test
    void deploy_withWaitWhenTheLastHistoryReadIsThrottledOnce_readsItAgainAndSucceedsWithEveryPhase() {
        SFN_STUB.stubFor(operation("StartExecution").willReturn(json(fixture("start-execution.json"))));
        stubInSequence("DescribeExecution", json(fixture("describe-running.json")),
                json(fixture("describe-succeeded.json")));
        // The read after DescribeExecution said SUCCEEDED fails all 3 SDK attempts; the next read works.
        stubInSequence("GetExecutionHistory", json(fixture("history-succeeded-partial.json")),
                json(fixture("history-succeeded-partial.json")), throttled(), throttled(), throttled(),
                json(fixture("history-succeeded.json")));
        CloudOptions options = waitingOptions();

        DeployOutcome outcome = cloudDeploy(options, faultClients(MOTO.endpoint(), URI.create(SFN_STUB.baseUrl()),
                MOTO.endpoint(), SOCKET_TIMEOUT)).deploy(input("prod"), bundle(), progress);

        assertSucceededWithEveryPhase(outcome);
        assertThat(outcome.ok()).isTrue();
        assertThat(printed.toString()).containsOnlyOnce("ok   CatalogAssets").doesNotContain("FOLLOW_FAILED")
                .doesNotContain("may be incomplete");
        assertThat(sfnRequests("GetExecutionHistory")).isEqualTo(2 + 3 + 1);
        assertThat(sfnRequests("DescribeExecution")).isEqualTo(2);
    }

    @ParameterizedTest(name = "wait timeout {0} s")
    @CsvSource({"10, 6, 20", "3600, 62, 164"})
    void deploy_withWaitWhenTheHistoryStaysUnreadableAfterTheEnd_reportsTheStatusDescribeGaveWithANote(
            int waitTimeoutSeconds, int readsAfterTheEnd, int historyRequests) {
        SFN_STUB.stubFor(operation("StartExecution").willReturn(json(fixture("start-execution.json"))));
        stubInSequence("DescribeExecution", json(fixture("describe-running.json")),
                json(fixture("describe-succeeded.json")));
        stubInSequence("GetExecutionHistory", json(fixture("history-succeeded-partial.json")),
                json(fixture("history-succeeded-partial.json")), throttled());
        DeployOutcome outcome = followThroughFaultySfn(waitTimeoutSeconds);

        assertThat(outcome.status()).isEqualTo("SUCCEEDED");
        assertThat(outcome.ok()).isTrue();
        assertThat(outcome.durationMs()).isEqualTo(9500);
        assertThat(outcome.error()).isNull();
        assertThat(outcome.phases()).containsKey("project-init").doesNotContainKey("catalog-assets");
        assertThat(printed.toString()).contains("the phase lines above may be incomplete")
                .contains("could not be read (still unreadable: THROTTLED: states:GetExecutionHistory")
                .contains("SUCCEEDED " + outcome.deploymentId()).doesNotContain("FOLLOW_FAILED");
        // Read again every poll interval (2 s), from the end seen at 2 s, until the wait's deadline
        // (10 s: reads at 2, 4, ... 12 s) or 2 minutes after the end (reads at 2, 4, ... 124 s),
        // whichever comes first: one poll interval before the end, then one between reads.
        assertThat(sleeps).hasSize(readsAfterTheEnd);
        // 2 reads before the end, then 3 SDK attempts per read until the SDK's retry quota (500
        // tokens, 5 per throttled retry) is spent after 50 reads, then 1.
        assertThat(sfnRequests("GetExecutionHistory")).isEqualTo(historyRequests);
        assertThat(sfnRequests("DescribeExecution")).isEqualTo(2);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "throttled, 400, error-throttling.json, THROTTLED, 3",
        "5xx, 500, error-internal.json, SERVICE_UNAVAILABLE, 3",
        "too many running executions, 400, error-execution-limit-exceeded.json, THROTTLED, 1",
    })
    void command_whenStartExecutionFails_exitsOneWithoutClaimingNothingStartedAndARerunFindsTheExecution(
            String fault, int status, String body, String code, int attempts) {
        SFN_STUB.stubFor(operation("StartExecution").willReturn(json(fixture(body)).withStatus(status)));
        captureEvents();
        CloudDeploy.ClientFactory clients = faultClients(MOTO.endpoint(), URI.create(SFN_STUB.baseUrl()),
                MOTO.endpoint(), SOCKET_TIMEOUT);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();

        int exit = deployCommand(out, err, clients, "--targets", "prod", "--output", "json");

        JsonNode json = failedWith(exit, out, code);
        assertThat(json.path("executionArn").textValue()).isNull();
        // A 5xx can come after Step Functions started the execution: the message must not say nothing was.
        assertThat(err.toString()).contains("may have started").contains("run the same command again")
                .doesNotContain("nothing was started");
        assertThat(sfnRequests("StartExecution")).isEqualTo(attempts);
        // the execution may exist and will send its own events: a CLI Deploy-Failed would be a second terminal event
        assertThat(json.path("eventCount").asInt()).isZero();
        assertThat(err.toString()).doesNotContain("Deploy-Failed");
        assertThat(captured()).isEmpty();

        // The re-run: Step Functions has the execution of that name (the lost one) and says so.
        SFN_STUB.resetAll();
        stubExisting("describe-existing-running.json", bundle());
        StringWriter again = new StringWriter();

        int rerun = deployCommand(again, new StringWriter(), clients, "--targets", "prod", "--output", "json");

        assertThat(rerun).isZero();
        assertThat(Json.read(again.toString()).path("status").asText()).isEqualTo("ALREADY_STARTED");
        assertThat(sfnRequests("StartExecution")).isEqualTo(1);
        assertThat(captured()).isEmpty();
    }

    @Test
    void command_whenTheStartResponseIsLostAfterTheExecutionStarted_exitsOneAndARerunReportsAlreadyStarted() {
        // Every attempt reaches moto, which starts the execution (and answers the repeats with it),
        // but each answer comes after the client's socket timeout.
        SFN_STUB.stubFor(operation("StartExecution").willReturn(aResponse().proxiedFrom(MOTO.endpoint().toString())
                .withFixedDelay((int) SLOW.toMillis())));
        captureEvents();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();

        int exit = deployCommand(out, err, faultClients(MOTO.endpoint(), URI.create(SFN_STUB.baseUrl()),
                MOTO.endpoint(), SHORT_SOCKET_TIMEOUT), "--targets", "prod", "--output", "json");

        JsonNode json = failedWith(exit, out, "NETWORK_ERROR");
        assertThat(err.toString()).contains("may have started").doesNotContain("nothing was started");
        assertThat(attempts.get("StartExecution")).hasValue(3);
        assertThat(executions()).hasSize(1);
        // the execution started and tells its own end: a CLI Deploy-Failed would be a second terminal event
        assertThat(json.path("eventCount").asInt()).isZero();
        assertThat(err.toString()).doesNotContain("Deploy-Failed");
        assertThat(captured()).isEmpty();

        StringWriter again = new StringWriter();
        int rerun = deployCommand(again, new StringWriter(), "--targets", "prod", "--output", "json");

        assertThat(rerun).isZero();
        JsonNode rerunJson = Json.read(again.toString());
        assertThat(rerunJson.path("status").asText()).isEqualTo("ALREADY_STARTED");
        assertThat(rerunJson.path("executionArn").asText()).isEqualTo(executions().get(0).executionArn());
        assertThat(executions()).hasSize(1);
    }

    @Test
    void command_whenStartExecutionHangs_givesUpWithinTheCallTimeoutAndSaysTheExecutionMayHaveStarted() {
        // Each answer comes well within the socket timeout (10 s) but after the attempt timeout.
        SFN_STUB.stubFor(operation("StartExecution").willReturn(aResponse().proxiedFrom(MOTO.endpoint().toString())
                .withFixedDelay((int) SLOW.toMillis())));
        captureEvents();
        CloudDeploy.ClientFactory faults = faultClients(MOTO.endpoint(), URI.create(SFN_STUB.baseUrl()),
                MOTO.endpoint(), SOCKET_TIMEOUT);
        // what the CLI adds to its Step Functions client, with shorter limits
        CloudDeploy.ClientFactory clients = withSfn(faults, region -> CloudDeploy.bounded(faultyBuilder(
                SfnClient.builder(), region, URI.create(SFN_STUB.baseUrl()), SOCKET_TIMEOUT),
                Duration.ofMillis(1000), Duration.ofMillis(2500)).build());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();

        int exit = deployCommand(out, err, clients, "--targets", "prod", "--output", "json");

        JsonNode json = failedWith(exit, out, "TIMEOUT");
        assertThat(err.toString()).contains("may have started").doesNotContain("nothing was started");
        // attempts at 0, 1 and 2 s (immediate backoff), the call ended at 2.5 s
        assertThat(attempts.get("StartExecution")).hasValue(3);
        assertThat(json.path("eventCount").asInt()).isZero();
        assertThat(captured()).isEmpty();
    }

    @Test
    void standardClients_giveStepFunctionsAndCloudFormationCallsTheCliTimeLimitsAndKeepTheRetryStrategy() {
        CloudDeploy.ClientFactory standard = CloudDeploy.ClientFactory.standard();
        try (SfnClient sfn = standard.sfn(Region.US_EAST_1);
             CloudFormationClient cloudFormation = standard.cloudFormation(Region.US_EAST_1)) {
            for (var config : List.of(sfn.serviceClientConfiguration().overrideConfiguration(),
                    cloudFormation.serviceClientConfiguration().overrideConfiguration())) {
                assertThat(config.apiCallAttemptTimeout()).contains(CloudDeploy.CALL_ATTEMPT_TIMEOUT);
                assertThat(config.apiCallTimeout()).contains(CloudDeploy.CALL_TIMEOUT);
                // AwsClients' standard strategy (3 attempts), not the SDK's default for the service (4)
                assertThat(config.retryStrategy()).get().extracting(strategy -> strategy.maxAttempts())
                        .isEqualTo(AwsRetryStrategy.standardRetryStrategy().maxAttempts());
            }
        }
    }

    @Test
    void command_whenStepFunctionsRefusesConnections_exitsOneAfterThreeAttemptsAndARerunStartsOneExecution() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        URI closed = URI.create("http://127.0.0.1:" + RefusedConnections.closedPort());

        int exit = deployCommand(out, err, faultClients(MOTO.endpoint(), closed, MOTO.endpoint(), SOCKET_TIMEOUT),
                "--targets", "prod", "--output", "json");

        JsonNode json = failedWith(exit, out, "NETWORK_ERROR");
        assertThat(attempts.get("StartExecution")).hasValue(3);
        assertThat(executions()).isEmpty();

        StringWriter again = new StringWriter();
        int rerun = deployCommand(again, new StringWriter(), "--targets", "prod", "--output", "json");

        assertThat(rerun).isZero();
        assertThat(Json.read(again.toString()).path("status").asText()).isEqualTo("RUNNING");
        assertThat(executions()).hasSize(1);
    }

    @Test
    void deploy_withWaitWhenPollsAreThrottledForAWhile_keepsFollowingAndSucceeds() {
        SFN_STUB.stubFor(operation("StartExecution").willReturn(json(fixture("start-execution.json"))));
        stubInSequence("GetExecutionHistory", json(fixture("history-succeeded-partial.json")), throttled(),
                throttled(), throttled(), json(fixture("history-succeeded.json")));
        stubInSequence("DescribeExecution", json(fixture("describe-running.json")), throttled(), throttled(),
                throttled(), json(fixture("describe-succeeded.json")));
        CloudOptions options = waitingOptions();

        DeployOutcome outcome = cloudDeploy(options, faultClients(MOTO.endpoint(), URI.create(SFN_STUB.baseUrl()),
                MOTO.endpoint(), SOCKET_TIMEOUT)).deploy(input("prod"), bundle(), progress);

        assertSucceededWithEveryPhase(outcome);
        assertThat(printed.toString()).containsOnlyOnce("ok   CatalogAssets");
        // Polls: running; history throttled (3 attempts); describe throttled (3 attempts); ended.
        assertThat(sfnRequests("GetExecutionHistory")).isEqualTo(1 + 3 + 1 + 1);
        assertThat(sfnRequests("DescribeExecution")).isEqualTo(1 + 3 + 1);
        assertThat(sleeps).hasSize(3);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "GetExecutionHistory, 15, 0",
        "DescribeExecution, 5, 15",
    })
    void deploy_withWaitWhenAPollStaysThrottled_stopsAtTheWaitTimeoutWithWaitTimedOut(String throttledOperation,
                                                                                      int historyRequests,
                                                                                      int describeRequests) {
        SFN_STUB.stubFor(operation("StartExecution").willReturn(json(fixture("start-execution.json"))));
        SFN_STUB.stubFor(operation("GetExecutionHistory").willReturn(json(fixture("history-succeeded-partial.json"))));
        SFN_STUB.stubFor(operation("DescribeExecution").willReturn(json(fixture("describe-running.json"))));
        SFN_STUB.stubFor(operation(throttledOperation).atPriority(1).willReturn(throttled()));
        DeployOutcome outcome = followThroughFaultySfn(6);

        assertThat(outcome.status()).isEqualTo("WAIT_TIMED_OUT");
        assertThat(outcome.ok()).isFalse();
        assertThat(outcome.executionArn()).endsWith(":MyPipeline-prod-wait");
        assertThat(printed.toString()).contains("WAIT_TIMED_OUT").contains(outcome.consoleUrl())
                .contains("status unknown after 6 s, the last polls failed (THROTTLED: states:" + throttledOperation)
                .doesNotContain("still running");
        // Polls at 0, 2, 4, 6 and 8 s (past the 6 s deadline), 3 SDK attempts for each throttled call.
        assertThat(sfnRequests("GetExecutionHistory")).isEqualTo(historyRequests);
        assertThat(sfnRequests("DescribeExecution")).isEqualTo(describeRequests);
        assertThat(sleeps).hasSize(4);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(SfnFault.class)
    void deploy_withWaitWhenPollsFailForAWhile_keepsFollowingAndSucceedsWithEveryPhase(SfnFault fault) {
        SFN_STUB.stubFor(operation("StartExecution").willReturn(json(fixture("start-execution.json"))));
        stubInSequence(fault, "GetExecutionHistory", json(fixture("history-succeeded-partial.json")), FAULT, FAULT,
                FAULT, json(fixture("history-succeeded.json")));
        stubInSequence(fault, "DescribeExecution", json(fixture("describe-running.json")), FAULT, FAULT, FAULT,
                FAULT, FAULT, FAULT, json(fixture("describe-succeeded.json")));
        CloudOptions options = waitingOptions();

        DeployOutcome outcome = cloudDeploy(options, sfnFaultClients()).deploy(input("prod"), bundle(), progress);

        assertSucceededWithEveryPhase(outcome);
        assertThat(outcome.ok()).isTrue();
        assertThat(outcome.durationMs()).isEqualTo(9500);
        assertThat(printed.toString()).containsOnlyOnce("ok   ProjectInitialization")
                .containsOnlyOnce("ok   BundleUpload").containsOnlyOnce("ok   WorkflowCreation")
                .containsOnlyOnce("ok   CatalogAssets").contains("SUCCEEDED " + outcome.deploymentId())
                .doesNotContain("WAIT_TIMED_OUT").doesNotContain("FOLLOW_FAILED").doesNotContain("may be incomplete");
        // Polls: running; the history read fails (3 SDK attempts); DescribeExecution fails twice
        // (3 attempts each); ended.
        assertThat(attemptsOf("GetExecutionHistory")).isEqualTo(1 + 3 + 1 + 1 + 1);
        assertThat(attemptsOf("DescribeExecution")).isEqualTo(1 + 3 + 3 + 1);
        assertThat(sleeps).hasSize(4);
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "DescribeExecution, INTERNAL_ERROR, SERVICE_UNAVAILABLE, 3, 9",
        "DescribeExecution, UNAVAILABLE, SERVICE_UNAVAILABLE, 3, 9",
        "DescribeExecution, TIMEOUT, TIMEOUT, 3, 9",
        "DescribeExecution, REFUSED, NETWORK_ERROR, 3, 9",
        "GetExecutionHistory, INTERNAL_ERROR, SERVICE_UNAVAILABLE, 9, 0",
        "GetExecutionHistory, UNAVAILABLE, SERVICE_UNAVAILABLE, 9, 0",
        "GetExecutionHistory, TIMEOUT, TIMEOUT, 9, 0",
        "GetExecutionHistory, REFUSED, NETWORK_ERROR, 9, 0",
    })
    void deploy_withWaitWhenAPollKeepsFailing_stopsAtTheWaitTimeoutWithWaitTimedOutAndTheLastFailure(
            String failingOperation, SfnFault fault, String code, int historyAttempts, int describeAttempts) {
        SFN_STUB.stubFor(operation("StartExecution").willReturn(json(fixture("start-execution.json"))));
        for (String poll : List.of("GetExecutionHistory", "DescribeExecution")) {
            if (poll.equals(failingOperation)) {
                stubInSequence(fault, poll, FAULT);
            } else {
                SFN_STUB.stubFor(operation(poll).willReturn(running(poll)));
            }
        }
        CloudOptions options = waitingOptions();
        options.waitTimeoutSeconds = 2;

        DeployOutcome outcome = cloudDeploy(options, sfnFaultClients()).deploy(input("prod"), bundle(), progress);

        assertThat(outcome.status()).isEqualTo("WAIT_TIMED_OUT");
        assertThat(outcome.ok()).isFalse();
        assertThat(outcome.executionArn()).endsWith(":MyPipeline-prod-wait");
        assertThat(printed.toString()).contains("WAIT_TIMED_OUT " + outcome.deploymentId())
                .contains("status unknown after 2 s, the last polls failed (" + code + ": states:" + failingOperation)
                .contains(outcome.consoleUrl()).doesNotContain("still running").doesNotContain("FOLLOW_FAILED");
        // Polls at 0, 2 and 4 s (past the 2 s deadline), 3 SDK attempts for each failing call.
        assertThat(attemptsOf("GetExecutionHistory")).isEqualTo(historyAttempts);
        assertThat(attemptsOf("DescribeExecution")).isEqualTo(describeAttempts);
        assertThat(sleeps).hasSize(2);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(SfnFault.class)
    void deploy_withWaitWhenTheLastHistoryReadFailsOnce_readsItAgainAndSucceedsWithEveryPhase(SfnFault fault) {
        SFN_STUB.stubFor(operation("StartExecution").willReturn(json(fixture("start-execution.json"))));
        stubInSequence("DescribeExecution", json(fixture("describe-running.json")),
                json(fixture("describe-succeeded.json")));
        // The read after DescribeExecution said SUCCEEDED fails all 3 SDK attempts; the next read works.
        stubInSequence(fault, "GetExecutionHistory", json(fixture("history-succeeded-partial.json")),
                json(fixture("history-succeeded-partial.json")), FAULT, FAULT, FAULT,
                json(fixture("history-succeeded.json")));
        CloudOptions options = waitingOptions();

        DeployOutcome outcome = cloudDeploy(options, sfnFaultClients()).deploy(input("prod"), bundle(), progress);

        assertSucceededWithEveryPhase(outcome);
        assertThat(outcome.ok()).isTrue();
        assertThat(printed.toString()).containsOnlyOnce("ok   WorkflowCreation").containsOnlyOnce("ok   CatalogAssets")
                .contains("SUCCEEDED " + outcome.deploymentId()).doesNotContain("FOLLOW_FAILED")
                .doesNotContain("may be incomplete");
        assertThat(attemptsOf("GetExecutionHistory")).isEqualTo(2 + 3 + 1);
        assertThat(attemptsOf("DescribeExecution")).isEqualTo(2);
        assertThat(sleeps).hasSize(2);
    }

    @ParameterizedTest(name = "{0}, wait timeout {2} s")
    @CsvSource({
        "INTERNAL_ERROR, SERVICE_UNAVAILABLE, 4, 3, 11",
        "UNAVAILABLE, SERVICE_UNAVAILABLE, 4, 3, 11",
        "TIMEOUT, TIMEOUT, 4, 3, 11",
        "REFUSED, NETWORK_ERROR, 4, 3, 11",
        "INTERNAL_ERROR, SERVICE_UNAVAILABLE, 3600, 62, 164",
        "REFUSED, NETWORK_ERROR, 3600, 62, 164",
    })
    void deploy_withWaitWhenTheHistoryKeepsFailingAfterTheEnd_reportsTheStatusDescribeGaveWithANote(
            SfnFault fault, String code, int waitTimeoutSeconds, int readsAfterTheEnd, int historyAttempts) {
        SFN_STUB.stubFor(operation("StartExecution").willReturn(json(fixture("start-execution.json"))));
        stubInSequence("DescribeExecution", json(fixture("describe-running.json")),
                json(fixture("describe-succeeded.json")));
        stubInSequence(fault, "GetExecutionHistory", json(fixture("history-succeeded-partial.json")),
                json(fixture("history-succeeded-partial.json")), FAULT);
        CloudOptions options = waitingOptions();
        options.waitTimeoutSeconds = waitTimeoutSeconds;

        DeployOutcome outcome = cloudDeploy(options, sfnFaultClients()).deploy(input("prod"), bundle(), progress);

        assertThat(outcome.status()).isEqualTo("SUCCEEDED");
        assertThat(outcome.ok()).isTrue();
        assertThat(outcome.durationMs()).isEqualTo(9500);
        assertThat(outcome.error()).isNull();
        assertThat(outcome.phases()).containsKey("project-init").doesNotContainKey("catalog-assets");
        assertThat(printed.toString()).contains("the phase lines above may be incomplete")
                .contains("could not be read (still unreadable: " + code + ": states:GetExecutionHistory")
                .contains("SUCCEEDED " + outcome.deploymentId()).doesNotContain("FOLLOW_FAILED")
                .doesNotContain("WAIT_TIMED_OUT");
        // Read again every poll interval (2 s) from the end seen at 2 s, until the wait's deadline
        // (4 s: reads at 2, 4 and 6 s) or 2 minutes after the end (reads at 2, 4, ... 124 s).
        assertThat(sleeps).hasSize(readsAfterTheEnd);
        // 2 reads before the end, then 3 SDK attempts per read until the SDK's retry quota (500
        // tokens, 5 per retry) is spent after 50 reads, then 1.
        assertThat(attemptsOf("GetExecutionHistory")).isEqualTo(historyAttempts);
        assertThat(attemptsOf("DescribeExecution")).isEqualTo(2);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "throttled, 503, s3-slow-down.xml, THROTTLED",
        "5xx, 500, s3-internal-error.xml, SERVICE_UNAVAILABLE",
    })
    void command_whenTheBundleUploadFails_exitsOneAfterThreeAttemptsWithNothingStarted(String fault, int status,
                                                                                     String body, String code) {
        failBundleUploads(status, body);
        captureEvents();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();

        int exit = deployCommand(out, err, faultClients(awsStub(), MOTO.endpoint(),
                MOTO.endpoint(), SOCKET_TIMEOUT), "--targets", "prod", "--output", "json");

        JsonNode json = failedWith(exit, out, code);
        assertThat(json.path("executionArn").textValue()).isNull();
        assertThat(err.toString()).contains("uploading the bundle to s3://" + BUCKET + "/")
                .contains("nothing was started");
        assertThat(AWS_STUB.findAll(putRequestedFor(urlPathMatching("/" + BUCKET + "/.*")))).hasSize(3);
        assertThat(s3.listObjectsV2(b -> b.bucket(BUCKET)).contents()).isEmpty();
        assertThat(executions()).isEmpty();
        // no execution will tell it: the CLI emits the deployment's one event itself, so failure rules fire
        assertThat(err.toString()).contains("Deploy-Failed sent to EventBridge bus 'default'");
        assertThat(json.path("eventCount").asInt()).isEqualTo(1);
        assertThat(captured()).singleElement().satisfies(event -> assertCliDeployFailed(event, json, code));
    }

    @Test
    void command_whenS3RefusesConnections_exitsOneAfterThreeAttemptsWithNothingStartedAndSendsOneDeployFailed() {
        captureEvents();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        URI closed = URI.create("http://127.0.0.1:" + RefusedConnections.closedPort());

        int exit = deployCommand(out, err, faultClients(closed, MOTO.endpoint(), MOTO.endpoint(), SOCKET_TIMEOUT),
                "--targets", "prod", "--output", "json");

        JsonNode json = failedWith(exit, out, "NETWORK_ERROR");
        assertThat(err.toString()).contains("nothing was started");
        // The upload starts by asking whether the same content is there already: that is what fails.
        assertThat(attempts.get("HeadObject")).hasValue(3);
        assertThat(attempts).doesNotContainKeys("PutObject", "StartExecution");
        assertThat(executions()).isEmpty();
        assertThat(err.toString()).contains("Deploy-Failed sent to EventBridge bus 'default'");
        assertThat(json.path("eventCount").asInt()).isEqualTo(1);
        assertThat(captured()).singleElement().satisfies(event -> assertCliDeployFailed(event, json, "NETWORK_ERROR"));
    }

    @Test
    void command_whenTheBundleUploadTimesOut_exitsOneAfterThreeAttemptsWithNothingStartedAndSendsOneDeployFailed() {
        proxyAwsStubToMoto();
        // every upload is answered after the client's socket timeout: none completes
        AWS_STUB.stubFor(put(urlPathMatching("/" + BUCKET + "/.*")).atPriority(1).willReturn(aResponse()
                .withStatus(200).withFixedDelay((int) SLOW.toMillis())));
        captureEvents();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();

        int exit = deployCommand(out, err, faultClients(awsStub(), MOTO.endpoint(), MOTO.endpoint(),
                SHORT_SOCKET_TIMEOUT), "--targets", "prod", "--output", "json");

        JsonNode json = failedWith(exit, out, "NETWORK_ERROR");
        assertThat(err.toString()).contains("uploading the bundle to s3://" + BUCKET + "/")
                .contains("nothing was started");
        assertThat(attempts.get("HeadObject")).hasValue(1);
        assertThat(attempts.get("PutObject")).hasValue(3);
        assertThat(AWS_STUB.findAll(putRequestedFor(urlPathMatching("/" + BUCKET + "/.*")))).hasSize(3);
        assertThat(attempts).doesNotContainKey("StartExecution");
        assertThat(s3.listObjectsV2(b -> b.bucket(BUCKET)).contents()).isEmpty();
        assertThat(executions()).isEmpty();
        assertThat(json.path("eventCount").asInt()).isEqualTo(1);
        assertThat(captured()).singleElement().satisfies(event -> assertCliDeployFailed(event, json, "NETWORK_ERROR"));
    }

    @Test
    void command_whenTheUploadFailsAndEventBridgeIsDown_logsTheDeployFailedWholeOnStderrAndStillExitsOne() {
        failBundleUploads(503, "s3-slow-down.xml");
        URI closed = URI.create("http://127.0.0.1:" + RefusedConnections.closedPort());
        CloudDeploy.ClientFactory clients = withEventBridge(faultClients(awsStub(), MOTO.endpoint(), MOTO.endpoint(),
                SOCKET_TIMEOUT), region -> AwsClients.configure(EventBridgeClient.builder(), region, closed,
                AwsTestCredentials.provider()).build());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        PrintStream original = System.err;
        int exit;
        System.setErr(new PrintStream(stderr, true, StandardCharsets.UTF_8));
        try {
            exit = deployCommand(out, err, clients, "--targets", "prod", "--output", "json");
        } finally {
            System.setErr(original);
        }

        JsonNode json = failedWith(exit, out, "THROTTLED");
        assertThat(err.toString()).contains("nothing was started")
                .contains("the Deploy-Failed event could not be sent (logged whole on stderr)")
                .doesNotContain("Deploy-Failed sent to");
        List<JsonNode> logged = stderr.toString(StandardCharsets.UTF_8).lines().filter(line -> line.startsWith("{"))
                .map(Json::read).toList();
        assertThat(logged).singleElement().satisfies(line -> {
            assertThat(line.path("message").asText()).isEqualTo("event not delivered");
            assertThat(line.path("eventBusName").asText()).isEqualTo("default");
            assertCliDeployFailed(line.path("event"), json, "THROTTLED");
        });
        assertThat(executions()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "throttled, 400, error-throttling.json",
        "5xx, 500, error-internal.json",
        "access denied, 400, error-access-denied.json",
    })
    void command_whenTheUploadFailsAndStepFunctionsCannotSayWhetherTheExecutionExists_sendsNoEvent(
            String fault, int status, String body) {
        failBundleUploads(503, "s3-slow-down.xml");
        SFN_STUB.stubFor(operation("DescribeExecution").willReturn(json(fixture(body)).withStatus(status)));
        captureEvents();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();

        int exit = deployCommand(out, err, faultClients(awsStub(), URI.create(SFN_STUB.baseUrl()), MOTO.endpoint(),
                SOCKET_TIMEOUT), "--targets", "prod", "--output", "json");

        JsonNode json = failedWith(exit, out, "THROTTLED");
        assertThat(err.toString()).contains("nothing was started")
                .contains("whether an earlier run started this deployment could not be read, so no event was sent")
                .doesNotContain("Deploy-Failed");
        assertThat(json.path("eventCount").asInt()).isZero();
        assertThat(sfnRequests("DescribeExecution")).isPositive();
        assertThat(sfnRequests("StartExecution")).isZero();
        assertThat(captured()).isEmpty();
    }

    @Test
    void command_whenReadingTheStackIsThrottled_exitsOneNotTwoWithNothingStarted() {
        proxyAwsStubToMoto();
        captureEvents();
        AWS_STUB.stubFor(post(urlEqualTo("/")).withRequestBody(containing("Action=DescribeStacks")).atPriority(1)
                .willReturn(aResponse().withStatus(400).withHeader("Content-Type", "text/xml")
                        .withBody(fixture("cfn-throttling.xml"))));
        DeployCommand command = new DeployCommand();
        command.cloudDeploys = options -> cloudDeploy(options, faultClients(MOTO.endpoint(), MOTO.endpoint(),
                awsStub(), SOCKET_TIMEOUT));
        CommandLine cli = new CommandLine(command);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));

        // No ARN or bucket flags: they come from the stack's outputs.
        int exit = cli.execute("--pipeline", MANIFEST.toString(), "--targets", "prod", "--region", "us-east-1",
                "--output", "json");

        JsonNode json = failedWith(exit, out, "THROTTLED");
        assertThat(err.toString()).contains("stack '" + CloudOptions.DEFAULT_STACK_NAME + "'")
                .contains("nothing was started").doesNotContain("error:");
        assertThat(AWS_STUB.findAll(postRequestedFor(urlEqualTo("/"))
                .withRequestBody(containing("Action=DescribeStacks")))).hasSize(3);
        assertThat(s3.listObjectsV2(b -> b.bucket(BUCKET)).contents()).isEmpty();
        assertThat(executions()).isEmpty();
        // without the state machine, whether this deployment's execution exists cannot be told: no event
        assertThat(captured()).isEmpty();
    }

    @Test
    void command_whenTheUploadFailsAndTheExecutionNameIsAnotherDeployments_stillSendsTheDeployFailed() {
        // --execution-name rel names the execution rel-prod; another deployment used that name before
        sfn.startExecution(b -> b.stateMachineArn(stateMachineArn).name("rel-prod").input("{\"deployment\":"
                + " {\"pipelineName\": \"Other\", \"target\": {\"name\": \"prod\"}, \"bundle\": {\"digest\":"
                + " \"sha256:00\"}}}"));
        failBundleUploads(503, "s3-slow-down.xml");
        captureEvents();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();

        int exit = deployCommand(out, err, faultClients(awsStub(), MOTO.endpoint(), MOTO.endpoint(), SOCKET_TIMEOUT),
                "--targets", "prod", "--execution-name", "rel", "--output", "json");

        assertThat(exit).isEqualTo(1);
        assertThat(err.toString()).doesNotContain("of this deployment exists");
        assertThat(captured()).singleElement().satisfies(event -> assertThat(event.path("detail-type").asText())
                .isEqualTo("SMUS-CICD-Deploy-Failed"));
    }

    @Test
    void command_whenARerunsUploadFailsAfterTheFirstRunStartedTheDeployment_sendsNoDeployFailed() {
        assertThat(deployCommand(new StringWriter(), new StringWriter(), "--targets", "prod")).isZero();
        String started = executions().get(0).executionArn();
        proxyAwsStubToMoto();
        AWS_STUB.stubFor(head(urlPathMatching("/" + BUCKET + "/.*")).atPriority(1).willReturn(aResponse()
                .withStatus(503)));
        captureEvents();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();

        // the same command again (a re-run job): its upload check fails
        int exit = deployCommand(out, err, faultClients(awsStub(), MOTO.endpoint(), MOTO.endpoint(), SOCKET_TIMEOUT),
                "--targets", "prod", "--output", "json");

        assertThat(exit).isEqualTo(1);
        assertThat(err.toString()).contains("execution " + started + " of this deployment exists (RUNNING): an earlier"
                + " run started it");
        assertThat(Json.read(out.toString()).path("eventCount").asInt()).isZero();
        assertThat(captured()).isEmpty();
        assertThat(executions()).hasSize(1);
    }

    // --- helpers ---

    /** {@code smus-cli deploy} (cloud) against moto, with this test's environment. */
    private int deployCommand(StringWriter out, StringWriter err, String... args) {
        return deployCommand(out, err, motoClients(), args);
    }

    /** {@code smus-cli deploy} (cloud) through {@code clients}, with this test's environment. */
    private int deployCommand(StringWriter out, StringWriter err, CloudDeploy.ClientFactory clients, String... args) {
        DeployCommand command = new DeployCommand();
        command.cloudDeploys = options -> cloudDeploy(options, clients);
        picocli.CommandLine cli = new picocli.CommandLine(command);
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        List<String> all = new ArrayList<>(List.of("--pipeline", MANIFEST.toString(),
                "--state-machine-arn", stateMachineArn, "--bundle-bucket", BUCKET));
        all.addAll(List.of(args));
        return cli.execute(all.toArray(String[]::new));
    }

    private CloudDeploy cloudDeploy(CloudOptions options, CloudDeploy.ClientFactory clients) {
        long[] now = {0};
        return new CloudDeploy(options, env, clients, d -> {
            // as Thread.sleep does: a thread left interrupted (by an SDK time limit, say) does not sleep
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            sleeps.add(d);
            now[0] += d.toNanos();
        }, Duration.ofSeconds(2), () -> now[0]);
    }

    static CloudOptions options(String arn, String bucket) {
        CloudOptions options = new CloudOptions();
        options.stateMachineArn = arn;
        options.bundleBucket = bucket;
        options.stackName = CloudOptions.DEFAULT_STACK_NAME;
        options.waitTimeoutSeconds = Long.parseLong(CloudOptions.DEFAULT_WAIT_TIMEOUT_SECONDS);
        return options;
    }

    static DeploymentInput input(String targetName) {
        return input(targetName, null);
    }

    /** The example's deployment of {@code targetName}, its events to {@code bus} (null: the manifest's). */
    static DeploymentInput input(String targetName, String bus) {
        PipelineManifest manifest = ManifestLoader.create().load(MANIFEST);
        return DeploymentInputs.of(manifest, ManifestLoader.requireTarget(manifest, targetName),
                bus == null ? EventOverrides.NONE : new EventOverrides(false, false, bus), null,
                UUID.randomUUID().toString(), Instant.parse("2025-11-04T12:29:58Z"), null, bundle().workflows());
    }

    /** The orchestrator stack in moto (us-east-1), its functions allowed to publish to {@code eventBusNames}. */
    private void createStackWithBuses(String eventBusNames) {
        try (CloudFormationClient cloudFormation = motoClients().cloudFormation(Region.US_EAST_1)) {
            cloudFormation.createStack(b -> b.stackName(CloudOptions.DEFAULT_STACK_NAME).templateBody("""
                    {"Resources": {"Topic": {"Type": "AWS::SNS::Topic"}},
                     "Outputs": {"StateMachineArn": {"Value": "%s"}, "BundleBucketName": {"Value": "%s"},
                                 "EventBusNames": {"Value": "%s"}}}
                    """.formatted(stateMachineArn, BUCKET, eventBusNames)));
        }
    }

    static BundlePackager.PackedBundle bundle() {
        return BundlePackager.pack(ManifestLoader.create().load(MANIFEST), BundleArchive.DEFAULT_MAX_BYTES);
    }

    /** The same bundle with other content: another digest. */
    private static BundlePackager.PackedBundle changed(BundlePackager.PackedBundle bundle) {
        byte[] zip = Arrays.copyOf(bundle.zip(), bundle.zip().length + 1);
        try {
            String digest = "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(zip));
            return new BundlePackager.PackedBundle(zip, digest, bundle.files(), bundle.contentBytes(),
                    bundle.workflows());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String createStateMachine(SfnClient sfn) {
        String definition;
        try {
            definition = Files.readString(ASL_FILE).replaceAll("\\$\\{([A-Za-z]+)}",
                    "arn:aws:lambda:us-east-1:123456789012:function:$1");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String asl = definition;
        return sfn.createStateMachine(b -> b.name("smus-cicd-deploy").definition(asl)
                .roleArn("arn:aws:iam::123456789012:role/smus-cicd-deploy")).stateMachineArn();
    }

    private List<ExecutionListItem> executions() {
        return sfn.listExecutions(b -> b.stateMachineArn(stateMachineArn)).executions();
    }

    private static CloudDeploy.ClientFactory motoClients() {
        return clients(MOTO);
    }

    /** Clients configured as the CLI configures them, pointed at a moto server. */
    static CloudDeploy.ClientFactory clients(MotoServerExtension moto) {
        return endpoints(moto.endpoint(), moto.endpoint());
    }

    /** Deploys prod with --wait and {@code waitTimeoutSeconds}, Step Functions at the stub, clients as in production. */
    private DeployOutcome followThroughFaultySfn(int waitTimeoutSeconds) {
        CloudOptions options = waitingOptions();
        options.waitTimeoutSeconds = waitTimeoutSeconds;
        return cloudDeploy(options, faultClients(MOTO.endpoint(), URI.create(SFN_STUB.baseUrl()), MOTO.endpoint(),
                SOCKET_TIMEOUT)).deploy(input("prod"), bundle(), progress);
    }

    private CloudDeploy.ClientFactory withStubbedSfn() {
        return endpoints(MOTO.endpoint(), URI.create(SFN_STUB.baseUrl()));
    }

    private static CloudDeploy.ClientFactory endpoints(URI awsEndpoint, URI sfnEndpoint) {
        return clientsOf(
                region -> AwsClients.configure(S3Client.builder(), region, awsEndpoint, AwsTestCredentials.provider())
                        .build(),
                region -> AwsClients.configure(SfnClient.builder(), region, sfnEndpoint, AwsTestCredentials.provider())
                        .build(),
                region -> AwsClients.configure(CloudFormationClient.builder(), region, awsEndpoint,
                        AwsTestCredentials.provider()).build());
    }

    /**
     * Clients of each kind from the given functions, no default region (never the machine's profile:
     * tests say where the region comes from), and the CLI's own events to moto.
     */
    private static CloudDeploy.ClientFactory clientsOf(Function<Region, S3Client> s3, Function<Region, SfnClient> sfn,
                                                       Function<Region, CloudFormationClient> cloudFormation) {
        return clientsOf(s3, sfn, cloudFormation, region -> motoEventBridge());
    }

    /** As {@link #clientsOf(Function, Function, Function)}, the CLI's own events through {@code eventBridge}. */
    private static CloudDeploy.ClientFactory clientsOf(Function<Region, S3Client> s3, Function<Region, SfnClient> sfn,
                                                       Function<Region, CloudFormationClient> cloudFormation,
                                                       Function<Region, EventBridgeClient> eventBridge) {
        return new CloudDeploy.ClientFactory() {
            @Override
            public S3Client s3(Region region) {
                return s3.apply(region);
            }

            @Override
            public SfnClient sfn(Region region) {
                return sfn.apply(region);
            }

            @Override
            public CloudFormationClient cloudFormation(Region region) {
                return cloudFormation.apply(region);
            }

            @Override
            public Optional<Region> defaultRegion() {
                return Optional.empty();
            }

            @Override
            public EventBridgeClient eventBridge(Region region) {
                return eventBridge.apply(region);
            }
        };
    }

    /** EventBridge in moto, where the CLI's own events go in these tests. */
    private static EventBridgeClient motoEventBridge() {
        return AwsClients.configure(EventBridgeClient.builder(), Region.US_EAST_1, MOTO.endpoint(),
                AwsTestCredentials.provider()).build();
    }

    /**
     * Every event put on moto's default bus from now on, as the logs of a capture rule hold them;
     * read them with {@link #captured}.
     */
    private static void captureEvents() {
        try (EventBridgeClient events = motoEventBridge();
             CloudWatchLogsClient logs = AwsClients.configure(CloudWatchLogsClient.builder(), Region.US_EAST_1,
                     MOTO.endpoint(), AwsTestCredentials.provider()).build()) {
            logs.createLogGroup(r -> r.logGroupName(CAPTURE_LOG_GROUP));
            events.putRule(r -> r.name("capture").state(RuleState.ENABLED)
                    .eventPattern("{\"source\":[\"com.amazon.smus.cicd\"]}"));
            events.putTargets(r -> r.rule("capture").targets(Target.builder().id("1")
                    .arn("arn:aws:logs:us-east-1:123456789012:log-group:" + CAPTURE_LOG_GROUP).build()));
        }
    }

    private static final String CAPTURE_LOG_GROUP = "/aws/events/cli-test";

    /** The events {@link #captureEvents} captured. */
    private static List<JsonNode> captured() {
        try (CloudWatchLogsClient logs = AwsClients.configure(CloudWatchLogsClient.builder(), Region.US_EAST_1,
                MOTO.endpoint(), AwsTestCredentials.provider())
                .overrideConfiguration(c -> c.addExecutionInterceptor(new MotoLogsTimestampInterceptor())).build()) {
            return logs.filterLogEvents(r -> r.logGroupName(CAPTURE_LOG_GROUP)).events().stream()
                    .map(e -> Json.read(e.message())).toList();
        }
    }

    /** The AWS stub's endpoint by IP address: S3 clients then address buckets by path, as with moto. */
    private static URI awsStub() {
        return URI.create("http://127.0.0.1:" + AWS_STUB.getPort());
    }

    /** S3 answers every bundle upload (PUT) with {@code status} and the fixture {@code body}; the rest goes to moto. */
    private static void failBundleUploads(int status, String body) {
        proxyAwsStubToMoto();
        AWS_STUB.stubFor(put(urlPathMatching("/" + BUCKET + "/.*")).atPriority(1).willReturn(aResponse()
                .withStatus(status).withHeader("Content-Type", "application/xml").withBody(fixture(body))));
    }

    /** The AWS stub passes every request it has no fault for to moto. */
    private static void proxyAwsStubToMoto() {
        AWS_STUB.stubFor(any(anyUrl()).atPriority(10).willReturn(aResponse().proxiedFrom(MOTO.endpoint().toString())));
    }

    /** {@code operation} answers {@code responses} in order, one request each, and the last one from then on. */
    private static void stubInSequence(String operation, ResponseDefinitionBuilder... responses) {
        for (int i = 0; i < responses.length; i++) {
            ScenarioMappingBuilder stub = operation(operation).inScenario(operation)
                    .whenScenarioStateIs(i == 0 ? Scenario.STARTED : operation + "-" + i).willReturn(responses[i]);
            SFN_STUB.stubFor(i == responses.length - 1 ? stub : stub.willSetStateTo(operation + "-" + (i + 1)));
        }
    }

    /** Step Functions' throttling answer, which the SDK retries. */
    private static ResponseDefinitionBuilder throttled() {
        return json(fixture("error-throttling.json")).withStatus(400);
    }

    /** How many requests the Step Functions stub received for {@code operation} (every SDK attempt counts). */
    private static int sfnRequests(String operation) {
        return SFN_STUB.findAll(postRequestedFor(urlEqualTo("/"))
                .withHeader("X-Amz-Target", equalTo("AWSStepFunctions." + operation))).size();
    }

    /** The fault clients' usual socket timeout: what moto and the stubs answer comes well within it. */
    static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(10);
    /** A socket timeout that a {@link #SLOW} answer misses. */
    static final Duration SHORT_SOCKET_TIMEOUT = Duration.ofSeconds(1);
    static final Duration SLOW = Duration.ofSeconds(3);

    /**
     * Clients as the CLI configures them ({@link AwsClients#configure}: 3 attempts a call), with
     * immediate SDK backoff so that retried faults cost no time, the given socket timeout, and every
     * attempt counted in {@link #attempts} by operation (a refused connection counts too).
     */
    private CloudDeploy.ClientFactory faultClients(URI s3Endpoint, URI sfnEndpoint, URI cloudFormationEndpoint,
                                                   Duration socketTimeout) {
        return clientsOf(region -> faulty(S3Client.builder(), region, s3Endpoint, socketTimeout),
                region -> faulty(SfnClient.builder(), region, sfnEndpoint, socketTimeout),
                region -> faulty(CloudFormationClient.builder(), region, cloudFormationEndpoint, socketTimeout));
    }

    private <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C faulty(
            B builder, Region region, URI endpoint, Duration socketTimeout) {
        return faultyBuilder(builder, region, endpoint, socketTimeout).build();
    }

    /** {@link #faulty}'s builder, before it is built. */
    private <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> B faultyBuilder(
            B builder, Region region, URI endpoint, Duration socketTimeout) {
        return faultyBuilder(builder, region, endpoint, UrlConnectionHttpClient.builder().socketTimeout(socketTimeout));
    }

    /** {@link #faultyBuilder(AwsClientBuilder, Region, URI, Duration)} with the HTTP client {@code http} builds. */
    private <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> B faultyBuilder(
            B builder, Region region, URI endpoint, SdkHttpClient.Builder<?> http) {
        AwsClients.configure(builder, region, endpoint, AwsTestCredentials.provider());
        builder.httpClientBuilder(http)
                .overrideConfiguration(c -> c.retryStrategy(TestRetries.standardWithoutBackoff())
                        .addExecutionInterceptor(TestRetries.countingAttempts(operation ->
                                attempts.computeIfAbsent(operation, k -> new AtomicInteger()).incrementAndGet())));
        return builder;
    }

    /** How a Step Functions attempt fails in the fault tests of {@code --wait}. */
    enum SfnFault {
        /** Answered 500 InternalFailure. */
        INTERNAL_ERROR,
        /** Answered 503 ServiceUnavailable. */
        UNAVAILABLE,
        /** Answered after the attempt's time limit ({@link #LATE}). */
        TIMEOUT,
        /** The connection is refused. */
        REFUSED
    }

    /** The CLI's time limits for Step Functions calls ({@link CloudDeploy#bounded}), 20 times shorter. */
    static final Duration ATTEMPT_LIMIT = CloudDeploy.CALL_ATTEMPT_TIMEOUT.dividedBy(20);
    static final Duration CALL_LIMIT = CloudDeploy.CALL_TIMEOUT.dividedBy(20);
    /** Later than {@link #ATTEMPT_LIMIT}, well within the socket timeout. */
    static final Duration LATE = ATTEMPT_LIMIT.multipliedBy(2);

    /** In {@link #stubInSequence(SfnFault, String, ResponseDefinitionBuilder...)}: an attempt that fails. */
    private static final ResponseDefinitionBuilder FAULT = aResponse();

    /** Which attempts of each operation {@link #sfnFaultClients()} refuses, by their number (from 1). */
    private final Map<String, IntPredicate> refused = new ConcurrentHashMap<>();

    /**
     * As {@link #stubInSequence(String, ResponseDefinitionBuilder...)}, each {@link #FAULT} an
     * attempt that fails with {@code fault}: answered 500 or 503; answered as while the execution
     * runs, but {@link #LATE}; or refused, through {@link #sfnFaultClients()} (a refused attempt
     * never reaches the stub). A {@link #FAULT} last fails every attempt from then on.
     */
    private void stubInSequence(SfnFault fault, String operation, ResponseDefinitionBuilder... answers) {
        List<ResponseDefinitionBuilder> reaching = new ArrayList<>();
        List<Integer> refusedAttempts = new ArrayList<>();
        for (int i = 0; i < answers.length; i++) {
            if (answers[i] != FAULT) {
                reaching.add(answers[i]);
                continue;
            }
            switch (fault) {
                case INTERNAL_ERROR -> reaching.add(json(fixture("error-internal.json")).withStatus(500));
                case UNAVAILABLE -> reaching.add(json(fixture("error-service-unavailable.json")).withStatus(503));
                case TIMEOUT -> reaching.add(running(operation).withFixedDelay((int) LATE.toMillis()));
                case REFUSED -> refusedAttempts.add(i + 1);
            }
        }
        int fromThenOn = answers[answers.length - 1] == FAULT ? answers.length : Integer.MAX_VALUE;
        refused.put(operation, attempt -> refusedAttempts.contains(attempt)
                || (fault == SfnFault.REFUSED && attempt >= fromThenOn));
        if (!reaching.isEmpty()) {
            stubInSequence(operation, reaching.toArray(ResponseDefinitionBuilder[]::new));
        }
    }

    /** Step Functions' answer to {@code operation} while the execution runs. */
    private static ResponseDefinitionBuilder running(String operation) {
        return json(fixture("DescribeExecution".equals(operation) ? "describe-running.json"
                : "history-succeeded-partial.json"));
    }

    /**
     * As {@link #faultClients}, Step Functions' at the stub with the CLI's time limits
     * ({@link CloudDeploy#bounded}, here {@link #ATTEMPT_LIMIT} and {@link #CALL_LIMIT}), the
     * attempts {@link #refused} names sent to a closed port.
     */
    private CloudDeploy.ClientFactory sfnFaultClients() {
        URI stub = URI.create(SFN_STUB.baseUrl());
        return withSfn(faultClients(MOTO.endpoint(), stub, MOTO.endpoint(), SOCKET_TIMEOUT),
                region -> CloudDeploy.bounded(faultyBuilder(SfnClient.builder(), region, stub,
                        RefusedConnections.refusing(UrlConnectionHttpClient.builder().socketTimeout(SOCKET_TIMEOUT),
                                (operation, attempt) -> refused.getOrDefault(operation, a -> false).test(attempt))),
                        ATTEMPT_LIMIT, CALL_LIMIT).build());
    }

    /** How many attempts the clients made of {@code operation}, refused ones included. */
    private int attemptsOf(String operation) {
        return attempts.getOrDefault(operation, new AtomicInteger()).get();
    }

    /** Options for the stubbed state machine with --wait. */
    private CloudOptions waitingOptions() {
        CloudOptions options = options(STUBBED_STATE_MACHINE, BUCKET);
        options.waitForCompletion = true;
        return options;
    }

    /** Asserts the outcome of a followed deployment that succeeded: SUCCEEDED, with each of the four phases. */
    private static void assertSucceededWithEveryPhase(DeployOutcome outcome) {
        assertThat(outcome.status()).isEqualTo("SUCCEEDED");
        assertThat(outcome.phases()).containsOnlyKeys("project-init", "bundle-upload", "workflow-creation",
                "catalog-assets");
    }

    /** Asserts a deploy command exited 1 with one FAILED outcome of {@code code} in JSON on {@code out}; that outcome. */
    private static JsonNode failedWith(int exit, StringWriter out, String code) {
        assertThat(exit).isEqualTo(1);
        JsonNode json = Json.read(out.toString());
        assertThat(json.path("status").asText()).isEqualTo("FAILED");
        assertThat(json.path("error").path("code").asText()).isEqualTo(code);
        return json;
    }

    /** {@code base}'s clients, but Step Functions' from {@code sfn}. */
    private static CloudDeploy.ClientFactory withSfn(CloudDeploy.ClientFactory base, Function<Region, SfnClient> sfn) {
        return clientsOf(base::s3, sfn, base::cloudFormation);
    }

    /**
     * Asserts {@code event} is the Deploy-Failed the CLI sends itself for the deployment of the JSON
     * outcome {@code outcome}, whose upload failed with {@code code}: before any phase (sequence 2),
     * nothing started, and valid by the event contract.
     */
    private static void assertCliDeployFailed(JsonNode event, JsonNode outcome, String code) {
        assertThat(event.path("detail-type").asText()).isEqualTo("SMUS-CICD-Deploy-Failed");
        JsonNode detail = event.path("detail");
        assertThat(detail.path("deploymentId").asText()).isEqualTo(outcome.path("deploymentId").asText());
        assertThat(detail.path("sequence").asInt()).isEqualTo(2);
        assertThat(detail.path("target").path("stage").asText()).isEqualTo("PROD");
        assertThat(detail.path("error").path("code").asText()).isEqualTo(code);
        assertThat(detail.path("error").path("message").asText()).startsWith("uploading the bundle to s3://" + BUCKET);
        assertThat(detail.path("details").path("notStarted").asBoolean()).isTrue();
        assertThat(EventContract.validateDetail(detail)).isEmpty();
    }

    /** {@code base}'s clients, but EventBridge's from {@code eventBridge}. */
    private static CloudDeploy.ClientFactory withEventBridge(CloudDeploy.ClientFactory base,
                                                             Function<Region, EventBridgeClient> eventBridge) {
        return clientsOf(base::s3, base::sfn, base::cloudFormation, eventBridge);
    }

    /** StartExecution, then two rounds of GetExecutionHistory + DescribeExecution (the first always still running). */
    private void stubSfn(String start, String firstHistory, String laterHistory, String finalDescribe) {
        SFN_STUB.stubFor(operation("StartExecution").willReturn(json(fixture(start))));
        SFN_STUB.stubFor(operation("GetExecutionHistory").inScenario("run").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(json(fixture(firstHistory))));
        SFN_STUB.stubFor(operation("DescribeExecution").inScenario("run").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(json(fixture("describe-running.json"))).willSetStateTo("later"));
        SFN_STUB.stubFor(operation("GetExecutionHistory").inScenario("run").whenScenarioStateIs("later")
                .willReturn(json(fixture(laterHistory))));
        SFN_STUB.stubFor(operation("DescribeExecution").inScenario("run").whenScenarioStateIs("later")
                .willReturn(json(fixture(finalDescribe))));
    }

    /** StartExecution finds the name taken; DescribeExecution tells that execution (of {@code bundle}). */
    private void stubExisting(String describe, BundlePackager.PackedBundle bundle) {
        SFN_STUB.stubFor(operation("StartExecution").willReturn(json(fixture("error-execution-already-exists.json"))
                .withStatus(400)));
        SFN_STUB.stubFor(operation("DescribeExecution").willReturn(json(fixture(describe)
                .replace("@DIGEST@", bundle.digest()))));
    }

    private static MappingBuilder operation(String name) {
        return post(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo("AWSStepFunctions." + name));
    }

    private static ResponseDefinitionBuilder json(String body) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/x-amz-json-1.0").withBody(body);
    }

    static String fixture(String name) {
        try (InputStream in = CloudDeployTest.class.getResourceAsStream("cloud/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
