package com.smuscicd.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.smuscicd.json.Json;
import com.smuscicd.testsupport.AwsTestCredentials;
import com.smuscicd.testsupport.MotoServerExtension;
import com.smuscicd.testsupport.TestTrees;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sfn.SfnClient;

/**
 * {@code smus-cli deploy} as CI runs it: a fresh JVM whose only connection to the emulator is the
 * SDK's standard {@code AWS_ENDPOINT_URL} setting (and test credentials in the environment).
 */
class CloudDeploySubprocessTest {

    @RegisterExtension
    static final MotoServerExtension MOTO = MotoServerExtension.create().resetBeforeEach();

    private S3Client s3;
    private SfnClient sfn;
    private String stateMachineArn;

    private record Result(int exit, String out, String err) {
    }

    @BeforeEach
    void orchestrator() {
        s3 = CloudDeployTest.clients(MOTO).s3(Region.US_EAST_1);
        sfn = CloudDeployTest.clients(MOTO).sfn(Region.US_EAST_1);
        s3.createBucket(b -> b.bucket(CloudDeployTest.BUCKET));
        stateMachineArn = CloudDeployTest.createStateMachine(sfn);
    }

    @Test
    void deploy_runTwiceForTheSameCiRun_startsOneExecutionThroughAwsEndpointUrl() throws Exception {
        Map<String, String> ci = Map.of("GITHUB_ACTIONS", "true", "GITHUB_RUN_ID", "4242");
        String[] args = {"deploy", "--targets", "prod", "--pipeline", CloudDeployTest.MANIFEST.toString(),
            "--state-machine-arn", stateMachineArn, "--bundle-bucket", CloudDeployTest.BUCKET, "--output", "json"};

        Result first = cli(ci, args);
        Result retried = cli(ci, args);

        assertThat(first.exit()).as(first.err()).isZero();
        JsonNode started = Json.read(first.out());
        assertThat(started.path("status").asText()).isEqualTo("RUNNING");
        assertThat(started.path("executionArn").asText()).startsWith(stateMachineArn
                .replace(":stateMachine:", ":execution:") + ":MyPipeline-prod-");
        assertThat(first.err()).contains("console   https://us-east-1.console.aws.amazon.com/states/home");
        assertThat(retried.exit()).as(retried.err()).isZero();
        JsonNode again = Json.read(retried.out());
        assertThat(again.path("status").asText()).isEqualTo("ALREADY_STARTED");
        assertThat(again.path("executionArn").asText()).isEqualTo(started.path("executionArn").asText());
        assertThat(sfn.listExecutions(b -> b.stateMachineArn(stateMachineArn)).executions()).hasSize(1);
        assertThat(s3.listObjectsV2(b -> b.bucket(CloudDeployTest.BUCKET)).contents()).hasSize(1);
    }

    @Test
    void deploy_withNothingSayingWhereToDeploy_exits2WithAClearMessageAndStartsNothing() throws Exception {
        Result result = cli(Map.of(), "deploy", "--targets", "prod", "--pipeline", CloudDeployTest.MANIFEST.toString());

        assertThat(result.exit()).as(result.out() + result.err()).isEqualTo(SmusCli.EXIT_BAD_INPUT);
        assertThat(result.err()).contains("error: no state machine ARN (--state-machine-arn, SMUS_STATE_MACHINE_ARN)")
                .contains("stack 'smus-cicd-orchestrator' was not found")
                .doesNotContain("Exception");
        assertThat(s3.listObjectsV2(b -> b.bucket(CloudDeployTest.BUCKET)).contents()).isEmpty();
        assertThat(sfn.listExecutions(b -> b.stateMachineArn(stateMachineArn)).executions()).isEmpty();
    }

    @Test
    void deploy_withNoRegionAnywhere_exits2AskingForARegionInsteadOfTheSdkProviderChain() throws Exception {
        Map<String, String> noRegion = new HashMap<>();
        noRegion.put("AWS_REGION", null);

        Result result = cli(noRegion, "deploy", "--targets", "prod", "--pipeline", CloudDeployTest.MANIFEST.toString());

        assertThat(result.exit()).as(result.out() + result.err()).isEqualTo(SmusCli.EXIT_BAD_INPUT);
        assertThat(result.err()).contains("error: no AWS region: set AWS_REGION or pass --region")
                .doesNotContain("provider").doesNotContain("Exception");
        assertThat(sfn.listExecutions(b -> b.stateMachineArn(stateMachineArn)).executions()).isEmpty();
    }

    @Test
    void deploy_withACiWebIdentityTokenInsteadOfKeys_assumesTheRoleAndStarts() throws Exception {
        // What examples/ci/gitlab-ci.yml sets up: the SDK exchanges the token itself (STS is on the classpath).
        Path token = Files.createTempFile("web-identity", ".jwt");
        Files.writeString(token, "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJwcm9qZWN0X3BhdGg6Z3JvdXAvcHJvamVjdCJ9.c2ln");
        Map<String, String> oidc = new HashMap<>(Map.of(
                "GITLAB_CI", "true", "CI_PIPELINE_ID", "777",
                "AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/smus-cicd-deployer",
                "AWS_ROLE_SESSION_NAME", "smus-deploy-777",
                "AWS_WEB_IDENTITY_TOKEN_FILE", token.toString()));
        oidc.put("AWS_ACCESS_KEY_ID", null);
        oidc.put("AWS_SECRET_ACCESS_KEY", null);

        Result result = cli(oidc, "deploy", "--targets", "prod", "--pipeline", CloudDeployTest.MANIFEST.toString(),
                "--state-machine-arn", stateMachineArn, "--bundle-bucket", CloudDeployTest.BUCKET);

        Files.deleteIfExists(token);
        assertThat(result.exit()).as(result.out() + result.err()).isZero();
        assertThat(sfn.listExecutions(b -> b.stateMachineArn(stateMachineArn)).executions()).hasSize(1);
    }

    @Test
    void deploy_withCiTokensAroundAndATokenInTheGitRemote_printsAndSendsNoneOfThem(@TempDir Path work) throws Exception {
        String remoteToken = "ghp_RemoteTokenLeakProbe0123456789abcd";
        List<String> secrets = List.of(remoteToken, "ghs_GithubTokenLeakProbe0123456789abcdef",
                "ActionsOidcRequestTokenLeakProbe", "glpat-ServerUrlLeakProbe42");
        // the example in a repository of its own whose remote carries a token, as a CI checkout may
        Path repo = work.resolve("repo");
        TestTrees.copy(CloudDeployTest.MANIFEST.getParent(), repo);
        git(repo, "init", "-q");
        git(repo, "remote", "add", "origin", "https://x-access-token:" + remoteToken
                + "@github.com/example/sales-analytics.git");
        git(repo, "add", ".");
        git(repo, "-c", "user.name=ci", "-c", "user.email=ci@example.com", "commit", "-q", "-m", "release");
        Map<String, String> ci = Map.of("GITHUB_ACTIONS", "true", "GITHUB_RUN_ID", "4243",
                "GITHUB_REPOSITORY", "example/sales-analytics", "GITHUB_REF_NAME", "main",
                "GITHUB_SERVER_URL", "https://oauth2:" + secrets.get(3) + "@github.com",
                "GITHUB_TOKEN", secrets.get(1), "ACTIONS_ID_TOKEN_REQUEST_TOKEN", secrets.get(2),
                "SMUS_LOG_LEVEL", "DEBUG");

        Result result = cli(ci, "deploy", "--targets", "prod", "--pipeline", repo.resolve("pipeline.yaml").toString(),
                "--state-machine-arn", stateMachineArn, "--bundle-bucket", CloudDeployTest.BUCKET, "--output", "json");

        assertThat(result.exit()).as(result.err()).isZero();
        String executionArn = Json.read(result.out()).path("executionArn").asText();
        String input = sfn.describeExecution(b -> b.executionArn(executionArn)).input();
        // the metadata is there without its credentials, so the scan looks at real content
        assertThat(Json.read(input).path("deployment").path("metadata").path("gitRepository").asText())
                .isEqualTo("https://github.com/example/sales-analytics.git");
        assertThat(result.err()).contains("https://github.com/example/sales-analytics.git");
        String bundleKey = s3.listObjectsV2(b -> b.bucket(CloudDeployTest.BUCKET)).contents().get(0).key();
        String objectMetadata = s3.headObject(b -> b.bucket(CloudDeployTest.BUCKET).key(bundleKey)).metadata().toString();
        Map<String, String> seen = Map.of("stdout", result.out(), "stderr (DEBUG)", result.err(),
                "StartExecution input", input, "bundle object metadata", objectMetadata);
        seen.forEach((where, text) -> assertThat(secrets).allSatisfy(secret ->
                assertThat(text).as(where).doesNotContain(secret)));
    }

    @Test
    void deploy_withWaitWhenTheJobIsCancelled_saysTheDeploymentGoesOnAndHowToStopIt(@TempDir Path work)
            throws Exception {
        Path out = work.resolve("out.txt");
        ProcessBuilder builder = process(Map.of("GITHUB_ACTIONS", "true", "GITHUB_RUN_ID", "4244"), "deploy",
                "--targets", "prod", "--pipeline", CloudDeployTest.MANIFEST.toString(), "--state-machine-arn",
                stateMachineArn, "--bundle-bucket", CloudDeployTest.BUCKET, "--wait");
        Process process = builder.redirectErrorStream(true).redirectOutput(out.toFile()).start();
        // moto never runs the execution's tasks: it stays RUNNING while the CLI follows it
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.readString(out).contains("console ") && System.nanoTime() < until) {
            Thread.sleep(100);
        }
        Thread.sleep(1000); // following, past the console line
        String executionArn = sfn.listExecutions(b -> b.stateMachineArn(stateMachineArn)).executions().get(0)
                .executionArn();

        process.destroy(); // SIGTERM, as a cancelled job gets
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();

        assertThat(Files.readString(out)).contains("smus-cli stopped following", "the deployment goes on in AWS",
                "aws stepfunctions stop-execution --execution-arn " + executionArn);
        assertThat(sfn.describeExecution(b -> b.executionArn(executionArn)).statusAsString()).isEqualTo("RUNNING");
    }

    private static void git(Path repo, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("git", "-C", repo.toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as("git %s: %s", String.join(" ", args), output).isZero();
    }

    @Test
    void deploy_whenTheJobIsCancelledWhileStartExecutionIsOut_saysTheExecutionMayHaveStarted(@TempDir Path work)
            throws Exception {
        Path out = work.resolve("out.txt");
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            // Step Functions accepts the connection and never answers; S3 is moto
            ProcessBuilder builder = process(Map.of("GITHUB_ACTIONS", "true", "GITHUB_RUN_ID", "4245",
                    "AWS_ENDPOINT_URL_SFN", "http://127.0.0.1:" + silent.getLocalPort()), "deploy", "--targets", "prod",
                    "--pipeline", CloudDeployTest.MANIFEST.toString(), "--state-machine-arn", stateMachineArn,
                    "--bundle-bucket", CloudDeployTest.BUCKET);
            Process process = builder.redirectErrorStream(true).redirectOutput(out.toFile()).start();
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (s3.listObjectsV2(b -> b.bucket(CloudDeployTest.BUCKET)).contents().isEmpty()
                    && System.nanoTime() < until) {
                Thread.sleep(100);
            }
            Thread.sleep(1000); // the StartExecution request is out

            process.destroy(); // SIGTERM, as a cancelled job gets
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }

        assertThat(Files.readString(out)).contains("smus-cli stopped while starting execution "
                        + stateMachineArn.replace(":stateMachine:", ":execution:") + ":MyPipeline-prod-",
                "it may have started all the same", "aws stepfunctions stop-execution --execution-arn");
    }

    private Result cli(Map<String, String> extraEnv, String... args) throws IOException, InterruptedException {
        ProcessBuilder builder = process(extraEnv, args);
        Path out = Files.createTempFile("smus-out", ".txt");
        Path err = Files.createTempFile("smus-err", ".txt");
        Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("finished in time").isTrue();
        Result result = new Result(process.exitValue(), Files.readString(out), Files.readString(err));
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
        return result;
    }

    /** {@code smus-cli args} in a fresh JVM with only what a CI job would set in its environment. */
    private ProcessBuilder process(Map<String, String> extraEnv, String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), SmusCli.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        Map<String, String> env = builder.environment();
        // Only what a CI job would set: no inherited AWS profile, CI markers or region.
        env.keySet().removeIf(k -> !k.equals("PATH") && !k.equals("HOME"));
        env.put("AWS_ENDPOINT_URL", MOTO.endpoint().toString());
        env.put("AWS_REGION", MOTO.region());
        env.put("AWS_ACCESS_KEY_ID", AwsTestCredentials.ACCESS_KEY_ID);
        env.put("AWS_SECRET_ACCESS_KEY", AwsTestCredentials.SECRET_ACCESS_KEY);
        env.put("AWS_EC2_METADATA_DISABLED", "true");
        env.put("AWS_CONFIG_FILE", "/nonexistent/aws-config");
        env.put("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/aws-credentials");
        extraEnv.forEach((name, value) -> {
            if (value == null) {
                env.remove(name);
            } else {
                env.put(name, value);
            }
        });
        return builder;
    }
}
