package com.smuscicd.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.smuscicd.json.Json;
import com.smuscicd.testsupport.MotoLogsTimestampInterceptor;
import com.smuscicd.testsupport.MotoServerExtension;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.FilteredLogEvent;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.RuleState;
import software.amazon.awssdk.services.eventbridge.model.Target;

/**
 * {@code deploy --local --events-to-aws}: a local run whose events go to the real EventBridge API,
 * here moto reached through the SDK's standard {@code AWS_ENDPOINT_URL} setting, so users can test
 * their real rules from a laptop.
 */
class DeployLocalEventsToAwsIT {

    @RegisterExtension
    static final MotoServerExtension MOTO = MotoServerExtension.create();

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @TempDir
    Path stateDir;

    @Test
    void deployLocal_withEventsToAws_deliversTheTenEventsToTheRealRuleAndLogGroup() throws Exception {
        String logGroup = "/aws/events/smus-laptop-test";
        try (EventBridgeClient events = MOTO.configure(EventBridgeClient.builder())
                .httpClient(UrlConnectionHttpClient.create()).build();
             CloudWatchLogsClient logs = MOTO.configure(CloudWatchLogsClient.builder())
                     .httpClient(UrlConnectionHttpClient.create())
                     .overrideConfiguration(c -> c.addExecutionInterceptor(new MotoLogsTimestampInterceptor()))
                     .build()) {
            logs.createLogGroup(r -> r.logGroupName(logGroup));
            events.putRule(r -> r.name("smus-capture").state(RuleState.ENABLED)
                    .eventPattern("{\"source\":[\"com.amazon.smus.cicd\"],\"detail-type\":[{\"prefix\":\"SMUS-CICD-\"}]}"));
            events.putTargets(r -> r.rule("smus-capture").targets(Target.builder().id("1")
                    .arn("arn:aws:logs:us-east-1:123456789012:log-group:" + logGroup).build()));

            Process process = deploy(MOTO.endpoint().toString());
            String output = Files.readString(stateDir.resolve("cli.log"));
            assertThat(process.exitValue()).as(output).isZero();
            assertThat(output).contains("EventBridge bus 'default'");

            List<FilteredLogEvent> delivered = logs.filterLogEvents(r -> r.logGroupName(logGroup)).events();
            List<String> types = delivered.stream().sorted(Comparator.comparing(FilteredLogEvent::timestamp))
                    .map(e -> Json.read(e.message())).sorted(Comparator.comparingInt(
                            (JsonNode e) -> e.path("detail").path("sequence").asInt()))
                    .map(e -> e.path("detail-type").asText()).toList();
            assertThat(types).hasSize(10).startsWith("SMUS-CICD-Deploy-Started").endsWith("SMUS-CICD-Deploy-Completed");
            assertThat(stateDir.resolve("archive")).as("no local archive when sent to AWS").doesNotExist();
        }
    }

    @Test
    void deployLocal_withEventsToAwsWhenEventBridgeRefusesConnections_deploysAndLogsEveryEventWhole()
            throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }

        Process process = deploy("http://127.0.0.1:" + closedPort);

        String output = Files.readString(stateDir.resolve("cli.log"));
        // the deployment itself does not depend on its events: it succeeds and says what was lost
        assertThat(process.exitValue()).as(output).isZero();
        assertThat(output).contains("SUCCEEDED")
                .contains("0 of 10 events written to EventBridge bus 'default', 10 undelivered (each logged whole to stderr)");
        List<JsonNode> logged = output.lines().filter(line -> line.startsWith("{"))
                .map(Json::read).filter(line -> "event not delivered".equals(line.path("message").asText())).toList();
        assertThat(logged).hasSize(10).allSatisfy(line -> {
            assertThat(line.path("attempts").asInt()).isEqualTo(5);
            assertThat(line.path("event").path("detail").path("deploymentId").asText()).isNotEmpty();
        });
        assertThat(logged).extracting(line -> line.path("event").path("detail").path("sequence").asInt())
                .containsExactlyInAnyOrderElementsOf(IntStream.rangeClosed(1, 10).boxed().toList());
    }

    /** Runs {@code deploy --local --events-to-aws} of the example with the SDK pointed at {@code endpoint}; output in cli.log. */
    private Process deploy(String endpoint) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("java", "-jar", Path.of("target", "smus-cli.jar").toAbsolutePath()
                .toString(), "deploy", "--local", "--events-to-aws", "--targets", "dev", "--pipeline",
                "examples/basic_pipeline/pipeline.yaml", "--state-dir", stateDir.toString())
                .directory(ROOT.toFile())
                .redirectErrorStream(true)
                .redirectOutput(stateDir.resolve("cli.log").toFile());
        Map<String, String> env = pb.environment();
        env.put("AWS_ENDPOINT_URL", endpoint);
        env.put("AWS_REGION", MOTO.region());
        env.put("AWS_ACCESS_KEY_ID", "testing");
        env.put("AWS_SECRET_ACCESS_KEY", "testing");
        Process process = pb.start();
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("deploy ended").isTrue();
        return process;
    }
}
