package com.smuscicd.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.smuscicd.events.Metadata;
import com.smuscicd.local.StateDirLock;
import com.smuscicd.testsupport.TestTrees;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** Bad flags and bad local inputs of {@code smus-cli deploy}: a clear message, exit 2, nothing deployed. */
class DeployCommandTest {

    private static final String EXAMPLE = "../examples/basic_pipeline/pipeline.yaml";

    @TempDir
    Path stateDir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int deploy(String... args) {
        CommandLine cli = SmusCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        String[] all = Stream.concat(Stream.of("deploy", "--local", "--state-dir", stateDir.toString()),
                Stream.of(args)).toArray(String[]::new);
        return cli.execute(all);
    }

    private void assertNothingDeployed() {
        assertThat(stateDir.resolve("archive")).doesNotExist();
        assertThat(stateDir.resolve("account.json")).doesNotExist();
    }

    @Test
    void deploy_whenEmitAndNoEventsBothGiven_exitsTwo() {
        int exit = deploy("--targets", "dev", "--pipeline", EXAMPLE, "--emit-events", "--no-events");

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("--emit-events and --no-events cannot be used together");
        assertNothingDeployed();
    }

    @Test
    void deploy_whenARequiredOptionIsMisspelled_namesTheUnknownOptionAndTheCloseOne() {
        int exit = deploy("--target", "dev", "--pipeline=" + EXAMPLE, "--retry-delay-scale", "-1");

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString().lines().limit(2)).containsExactly("Unknown options: '--target', 'dev'",
                "Possible solutions: --targets");
        assertNothingDeployed();
    }

    @ParameterizedTest
    @ValueSource(strings = {"--retry-delay-scale=-.5", "--pipeline=-odd.yaml", "--output=json"})
    void deploy_whenARequiredOptionIsMissingAndEveryArgumentIsValid_saysWhichIsMissing(String valid) {
        int exit = deploy(valid.split("=", 2)[0], valid.split("=", 2)[1]);

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).startsWith("Missing required option: '--targets=TARGET");
        assertNothingDeployed();
    }

    @Test
    void deploy_whenEventBusNameInvalid_namesTheFlagValue() {
        int exit = deploy("--targets", "dev", "--pipeline", EXAMPLE, "--event-bus-name", "bad bus!");

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("bad bus!");
        assertNothingDeployed();
    }

    @Test
    void deploy_whenOutputFormatUnknown_listsTheValidOnes() {
        int exit = deploy("--targets", "dev", "--pipeline", EXAMPLE, "--output", "yaml");

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("yaml").contains("text").contains("json");
        assertNothingDeployed();
    }

    @Test
    void deploy_whenRetryDelayScaleNegative_exitsTwo() {
        int exit = deploy("--targets", "dev", "--pipeline", EXAMPLE, "--retry-delay-scale", "-1");

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("--retry-delay-scale");
        assertNothingDeployed();
    }

    @ParameterizedTest
    @ValueSource(strings = {"NaN", "Infinity", "1e400", "1e12", "1000.5"})
    void deploy_whenRetryDelayScaleIsNotAFiniteNumber_exitsTwo(String scale) {
        int exit = deploy("--targets", "dev", "--pipeline", EXAMPLE, "--retry-delay-scale", scale);

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).startsWith("error: --retry-delay-scale must be a number from 0 to 1000, got ");
        assertNothingDeployed();
    }

    @Test
    void deploy_whenEventsToAwsWithoutLocal_exitsTwo() {
        CommandLine cli = SmusCli.commandLine();
        cli.setErr(new PrintWriter(err, true));

        int exit = cli.execute("deploy", "--targets", "dev", "--pipeline", EXAMPLE, "--events-to-aws");

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("--events-to-aws only applies with --local");
    }

    @Test
    void deploy_whenACloudFlagIsGivenWithLocal_exitsTwoNamingIt() {
        int exit = deploy("--targets", "dev", "--pipeline", EXAMPLE, "--wait");

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("--wait only applies without --local");
        assertNothingDeployed();
    }

    @Test
    void deploy_whenALocalFlagIsGivenWithoutLocal_exitsTwoNamingIt() {
        CommandLine cli = SmusCli.commandLine();
        cli.setErr(new PrintWriter(err, true));

        int exit = cli.execute("deploy", "--targets", "dev", "--pipeline", EXAMPLE, "--rules", "rules");

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("--rules only applies with --local");
    }

    @Test
    void deploy_whenTheRunJournalsCannotBeKept_exitsTwoBeforeDeploying() throws IOException {
        Files.writeString(stateDir.resolve("running"), "a file where the journals' directory goes");

        int exit = deploy("--targets", "dev", "--pipeline", EXAMPLE);

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("error: cannot create " + stateDir.resolve("running"))
                .doesNotContain("\tat ");
        assertThat(stateDir.resolve("archive")).doesNotExist();
    }

    @Test
    void deploy_whenATargetIsNamedTwice_exitsTwoAndDeploysNothing() {
        int exit = deploy("--targets", "dev,prod,dev", "--pipeline", EXAMPLE);

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("--targets names 'dev' twice");
        assertNothingDeployed();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "not a phase | deploy | --simulate-failure: 'deploy' is not a phase",
        "attempts of a failure that is not retried | workflow-creation:ACCESS_DENIED:1 | only a retryable code",
        "bad attempts | bundle-upload:THROTTLED:-1 | ATTEMPTS must be from 1 to 100, got -1",
    })
    void deploy_whenASimulatedFailureIsBad_exitsTwoAndDeploysNothing(String name, String failure, String message) {
        int exit = deploy("--targets", "dev", "--pipeline", EXAMPLE, "--simulate-failure", failure);

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains(message);
        assertNothingDeployed();
    }

    @Test
    void deploy_whenTheSeedBesideTheManifestChangedAfterTheStateDirectoryCopy_saysTheCopyIsUsed() throws IOException {
        Path project = stateDir.resolveSibling(stateDir.getFileName() + "-project");
        TestTrees.copy(Path.of(EXAMPLE).getParent(), project);
        String pipeline = project.resolve("pipeline.yaml").toString();
        assertThat(deploy("--targets", "dev", "--pipeline", pipeline)).isZero();
        assertThat(err.toString()).doesNotContain("note:");
        Path seed = project.resolve("local-account.json");
        Files.writeString(seed, Files.readString(seed).replace("\"domains\"", "\"domains\" "));
        Files.setLastModifiedTime(seed, FileTime.from(Instant.now().plusSeconds(60)));

        assertThat(deploy("--targets", "dev", "--pipeline", pipeline)).isZero();

        assertThat(err.toString()).contains("note: " + seed + " was changed after " + stateDir.resolve("account.json")
                + " was last written; that copy is used");
    }

    @Test
    void deploy_whenTheRulesAreOnAnotherBus_saysSoAndTheyMatchNothing() {
        // the example's rules name no bus: they are on the default bus, as in EventBridge
        int exit = deploy("--targets", "dev", "--pipeline", EXAMPLE, "--event-bus-name", "deployments");

        assertThat(exit).isZero();
        assertThat(err.toString()).contains("rule(s) are on another bus than the deployment's 'deployments' in ",
                "smus-all-events (on default)");
        assertThat(out.toString()).contains("SUCCEEDED").doesNotContain("rules matched");
    }

    @Test
    void deploy_whenAnEarlierTargetFails_saysWhichTargetsWereSkipped() {
        int exit = deploy("--targets", "broken,dev,prod", "--pipeline", EXAMPLE, "--output", "text");

        assertThat(exit).isEqualTo(1);
        assertThat(out.toString()).contains("SKIPPED dev, prod: not deployed after broken did not succeed");
    }

    @Test
    void deploy_whenTargetsMissing_exitsTwoWithUsage() {
        CommandLine cli = SmusCli.commandLine();
        cli.setErr(new PrintWriter(err, true));

        int exit = cli.execute("deploy", "--local", "--pipeline", EXAMPLE);

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("--targets");
    }

    @Test
    void deploy_whenARuleFileHasAnInvalidPattern_namesTheFileAndDeploysNothing() throws IOException {
        Path rules = Files.createDirectories(stateDir.resolveSibling(stateDir.getFileName() + "-rules"));
        Files.writeString(rules.resolve("broken.json"), """
                {"Name": "broken", "EventPattern": {"detail-type": [{"suffx": "-Failed"}]},
                 "Targets": [{"Id": "1", "Arn": "arn:aws:sns:us-east-1:123456789012:alerts"}]}
                """);

        int exit = deploy("--targets", "dev", "--pipeline", EXAMPLE, "--rules", rules.toString());

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("broken.json").contains("suffx");
        assertThat(stateDir.resolve("archive")).doesNotExist();
    }

    @Test
    void deploy_whenAWebhookRefusesADelivery_saysHowManyWentToTheDeadLetterFile() throws Exception {
        com.sun.net.httpserver.HttpServer hook = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        hook.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(400, -1); // a revoked hook: not retried
            exchange.close();
        });
        hook.start();
        try {
            Path rules = Files.createDirectories(stateDir.resolveSibling(stateDir.getFileName() + "-hooks"));
            Files.writeString(rules.resolve("hook.json"), """
                    {"Name": "hook", "EventPattern": {"detail-type": ["SMUS-CICD-Deploy-Completed"]},
                     "Targets": [{"Id": "1", "HttpEndpoint": "http://127.0.0.1:%d/hook"}]}
                    """.formatted(hook.getAddress().getPort()));

            int exit = deploy("--targets", "dev", "--pipeline", EXAMPLE, "--rules", rules.toString());
            String text = out.toString();
            out.getBuffer().setLength(0);
            int jsonExit = deploy("--targets", "dev", "--pipeline", EXAMPLE, "--rules", rules.toString(),
                    "--output", "json");

            assertThat(exit).as(err.toString()).isZero();
            assertThat(text).contains("failed deliveries: 1, written whole to " + stateDir.resolve("dead-letter.jsonl"));
            assertThat(jsonExit).isZero();
            assertThat(out.toString()).contains("\"failedDeliveries\":1");
        } finally {
            hook.stop(0);
        }
    }

    @Test
    void deploy_whenRulesPathMissing_exitsTwo() {
        int exit = deploy("--targets", "dev", "--pipeline", EXAMPLE, "--rules", "no-such-dir");

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("no-such-dir");
        assertNothingDeployed();
    }

    @Test
    void deploy_whenNoEvents_deploysAndEmitsNothing() {
        int exit = deploy("--targets", "dev", "--pipeline", EXAMPLE, "--no-events");

        assertThat(exit).as(err.toString()).isZero();
        assertThat(out.toString()).contains("SUCCEEDED").contains("0 events").contains("events disabled");
        assertThat(stateDir.resolve("archive")).doesNotExist();
    }

    @Test
    void deploy_whenEventBusNameOverridden_eventsStillFlowLocally() {
        int exit = deploy("--targets", "dev", "--pipeline", EXAMPLE, "--event-bus-name", "team-bus", "--output", "json");

        assertThat(exit).as(err.toString()).isZero();
        assertThat(out.toString()).contains("\"eventCount\":10");
    }

    @Test
    void deploy_whenSeveralTargetsAndOneFails_jsonHasOneEntryPerRequestedTargetWithSkipped() {
        int exit = deploy("--targets", "broken,dev", "--pipeline", EXAMPLE, "--output", "json");

        assertThat(exit).isEqualTo(1);
        com.fasterxml.jackson.databind.JsonNode json = com.smuscicd.json.Json.read(out.toString());
        assertThat(json.isArray()).isTrue();
        assertThat(json).hasSize(2);
        assertThat(json.get(0).path("status").asText()).isEqualTo("FAILED");
        assertThat(json.get(1).path("target").asText()).isEqualTo("dev");
        assertThat(json.get(1).path("status").asText()).isEqualTo("SKIPPED");
    }

    @Test
    void deploy_whenTheStateDirectoryCannotBeCreated_exitsTwoWithoutAStackTrace() {
        CommandLine cli = SmusCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));

        int exit = cli.execute("deploy", "--local", "--targets", "dev", "--pipeline", EXAMPLE,
                "--state-dir", "/dev/null/state");

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).startsWith("error: ").doesNotContain("\tat ");
    }

    @Test
    void deploy_whenTheStateDirectoryIsAFile_saysSoAndExitsTwo() throws IOException {
        Path file = Files.writeString(stateDir.resolve("state"), "not a directory");
        CommandLine cli = SmusCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));

        int exit = cli.execute("deploy", "--local", "--targets", "dev", "--pipeline", EXAMPLE,
                "--state-dir", file.toString());

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("error: --state-dir " + file + " is a file, not a directory"
                + System.lineSeparator());
        assertThat(file).hasContent("not a directory");
    }

    @Test
    void deploy_whenTheStateDirectoryIsBelowAFile_namesTheFileAndExitsTwo() throws IOException {
        Path file = Files.writeString(stateDir.resolve("state"), "not a directory");
        CommandLine cli = SmusCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));

        int exit = cli.execute("deploy", "--local", "--targets", "dev", "--pipeline", EXAMPLE,
                "--state-dir", file.resolve("sub").toString());

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("error: --state-dir " + file.resolve("sub") + ": " + file
                + " is a file, not a directory" + System.lineSeparator());
    }

    @Test
    void deploy_whenTheAccountSeedIsBroken_namesTheSeedAndLeavesNoCopy() throws IOException {
        Path seed = Files.writeString(stateDir.resolveSibling(stateDir.getFileName() + "-seed.json"), "{\"domains\": 3}");

        int exit = deploy("--targets", "dev", "--pipeline", EXAMPLE, "--account", seed.toString());

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains(seed.toString()).contains("domains");
        assertThat(stateDir.resolve("account.json")).doesNotExist();
    }

    @Test
    void debug_whenEnabled_printsResolvedSettingsAndEveryEvent() {
        StringWriter captured = new StringWriter();
        Debug debug = Debug.of("debug", new PrintWriter(captured, true));

        debug.events(java.util.List.of(), 0);
        Debug.of(null, new PrintWriter(captured, true)).events(java.util.List.of(), 7);

        assertThat(captured.toString()).isEqualTo("debug: 0 events emitted, 0 undelivered" + System.lineSeparator());
    }

    @Test
    void bounded_whenTheMetadataNeverComes_givesTheFallback() {
        Metadata fallback = new Metadata("ci-user", null, null, null, "github-actions", "42", null, null);

        Metadata got = DeployCommand.bounded(new java.util.concurrent.CompletableFuture<>(),
                java.time.Duration.ofMillis(50), () -> fallback).join();

        assertThat(got).isSameAs(fallback);
    }

    @Test
    void bounded_whenTheMetadataIsCollected_givesIt() {
        Metadata collected = Metadata.empty();

        Metadata got = DeployCommand.bounded(java.util.concurrent.CompletableFuture.completedFuture(collected),
                java.time.Duration.ofSeconds(10), () -> {
                    throw new AssertionError("no fallback needed");
                }).join();

        assertThat(got).isSameAs(collected);
    }

    @Test
    void deploy_whenTwoLocalRunsWaitForOneStateDirectory_theyRunOneAfterTheOtherAndNeitherLosesTheOthersChanges()
            throws Exception {
        Path project = Files.createDirectories(stateDir.resolveSibling(stateDir.getFileName() + "-pipeline"));
        Files.copy(Path.of(EXAMPLE).resolveSibling("local-account.json"), project.resolve("local-account.json"));
        StringBuilder targets = new StringBuilder();
        for (String name : List.of("a", "b")) {
            targets.append("""
                      %s:
                        stage: DEV
                        domain: {name: analytics-dev, region: us-east-1}
                        project: {name: project-%s, create: true}
                    """.formatted(name, name));
        }
        Path manifest = Files.writeString(project.resolve("pipeline.yaml"),
                "pipelineName: Parallel\ntargets:\n" + targets);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        List<StringWriter> errs = List.of(new StringWriter(), new StringWriter());
        // held here until both runs wait for it: they then start at once, and one must wait for the other
        StateDirLock held = StateDirLock.acquire(stateDir, Duration.ZERO, note -> { });
        try {
            List<Future<Integer>> runs = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                String target = i == 0 ? "a" : "b";
                StringWriter runErr = errs.get(i);
                runs.add(pool.submit(() -> {
                    CommandLine cli = SmusCli.commandLine();
                    cli.setOut(new PrintWriter(new StringWriter(), true));
                    cli.setErr(new PrintWriter(runErr, true));
                    return cli.execute("deploy", "--local", "--state-dir", stateDir.toString(), "--targets", target,
                            "--pipeline", manifest.toString());
                }));
            }
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!errs.stream().allMatch(e -> e.toString().contains("note: waiting for another smus-cli using "
                    + stateDir)) && System.nanoTime() < until) {
                Thread.sleep(20);
            }
            assertThat(errs).allSatisfy(e -> assertThat(e.toString()).contains("note: waiting for another smus-cli"));
            held.close();
            for (Future<Integer> run : runs) {
                assertThat(run.get(60, TimeUnit.SECONDS)).isZero();
            }
        } finally {
            held.close();
            pool.shutdownNow();
        }

        String account = Files.readString(stateDir.resolve("account.json"));
        assertThat(account).contains("\"project-a\"", "\"project-b\"");
    }

    @Test
    void deploy_whenTheExecutionInputWouldBeTooLarge_exitsTwoBeforeAnythingRuns() throws IOException {
        Path project = Files.createDirectories(stateDir.resolveSibling(stateDir.getFileName() + "-big"));
        Files.copy(Path.of(EXAMPLE).resolveSibling("local-account.json"), project.resolve("local-account.json"));
        Path manifest = Files.writeString(project.resolve("pipeline.yaml"),
                ValidateCommandTest.manifestWithLargeAssets());

        int exit = deploy("--targets", "dev", "--pipeline", manifest.toString());

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).startsWith(manifest + " (target dev): the deployment's execution input would be ")
                .contains("catalog.assets");
        assertThat(out.toString()).doesNotContain("Started", "SUCCEEDED", "FAILED");
        assertNothingDeployed();
    }
}
