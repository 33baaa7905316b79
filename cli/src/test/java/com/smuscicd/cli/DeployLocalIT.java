package com.smuscicd.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.smuscicd.events.schema.EventContract;
import com.smuscicd.json.Json;
import com.smuscicd.local.LocalRuntime;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The README's main command, run as a user runs it: the packaged jar in a fresh JVM, from the
 * repository root, on the bundled example.
 */
class DeployLocalIT {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path JAR = Path.of("target", "smus-cli.jar").toAbsolutePath();

    @TempDir
    Path stateDir;

    private record Result(int exit, String out, String err) {
    }

    private Result cli(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("java", "-jar", JAR.toString()));
        command.addAll(List.of(args));
        Path out = Files.createTempFile("smus-out", ".txt");
        Path err = Files.createTempFile("smus-err", ".txt");
        Process process = new ProcessBuilder(command).directory(ROOT.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("finished in time").isTrue();
        return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
    }

    @Test
    void deployLocal_onTheExample_succeedsAndLeavesEventsInTheArchiveLayout() throws Exception {
        Result result = cli("deploy", "--local", "--targets", "dev", "--pipeline",
                "examples/basic_pipeline/pipeline.yaml", "--state-dir", stateDir.toString());

        assertThat(result.exit()).as(result.out() + result.err()).isZero();
        assertThat(result.out()).contains("ProjectInitialization", "BundleUpload", "WorkflowCreation",
                "CatalogAssets", "SUCCEEDED", "10 events");
        List<JsonNode> archived = new ArrayList<>();
        try (Stream<Path> files = Files.walk(stateDir.resolve("archive"))) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                assertThat(stateDir.resolve("archive").relativize(file).toString())
                        .matches("smus-events/\\d{4}/\\d{2}/\\d{2}/[0-9a-f-]{36}\\.json");
                archived.add(Json.read(Files.readString(file, StandardCharsets.UTF_8)));
            }
        }
        assertThat(archived).hasSize(10);
        assertThat(archived).allSatisfy(e -> assertThat(EventContract.validateEnvelope(e)).isEmpty());
        Path logGroup = stateDir.resolve("logs").resolve("aws_events_smus-deploy.jsonl");
        assertThat(Files.readAllLines(logGroup)).hasSize(10);
    }

    @ParameterizedTest(name = "--output {0} {1}")
    @CsvSource({"json, --emit-events", "text, --emit-events", "json, --no-events"})
    void deployLocal_whenStoppedDuringARetryWait_endsPromptlyAndPrintsTheAbortedOutcome(String output, String events,
                                                                                        @TempDir Path work)
            throws Exception {
        // every BundleUpload attempt is throttled; the state machine's retry waits, at ten times
        // their length, are seconds to a minute long
        Path out = work.resolve("out.txt");
        Path err = work.resolve("err.txt");
        Process process = new ProcessBuilder("java", "-jar", JAR.toString(), "deploy", "--local",
                "--targets", "dev,prod", "--pipeline", "examples/basic_pipeline/pipeline.yaml",
                "--state-dir", stateDir.toString(), "--simulate-failure", "bundle-upload:THROTTLED",
                "--retry-delay-scale", "10", "--output", output, events)
                .directory(ROOT.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        Path progress = output.equals("json") ? err : out;
        while (!Files.readString(progress).contains("attempt 1 failed (THROTTLED)") && System.nanoTime() < until) {
            Thread.sleep(50);
        }
        assertThat(Files.readString(progress)).contains("attempt 1 failed (THROTTLED)");

        process.destroy(); // SIGTERM, as a cancelled CI job gets
        // before: the stop settled the deployment after the stop's wait, and the process ended
        // without the outcome while the run still slept through the retry delay
        assertThat(process.waitFor(LocalRuntime.STOP_BUDGET.toSeconds(), TimeUnit.SECONDS)).isTrue();

        if (output.equals("json")) {
            JsonNode results = Json.read(Files.readString(out));
            assertThat(results).hasSize(2);
            assertThat(results.get(0).path("status").asText()).isEqualTo("ABORTED");
            assertThat(results.get(0).path("failedPhase").asText()).isEqualTo("bundle-upload");
            // the code the events carry (or would, with events off), not the execution's error name
            assertThat(results.get(0).path("error").path("code").asText()).isEqualTo("EXECUTION_ABORTED");
            assertThat(results.get(1).path("status").asText()).isEqualTo("SKIPPED");
        } else {
            assertThat(Files.readString(out)).contains("ABORTED ", "6 events written to",
                    "SKIPPED prod: not deployed after dev did not succeed");
        }
    }

    @Test
    void deployLocal_afterARunWasKilled_settlesItsDeploymentBeforeDeploying(@TempDir Path work) throws Exception {
        Path out = work.resolve("out.txt");
        Process killed = new ProcessBuilder("java", "-jar", JAR.toString(), "deploy", "--local", "--targets", "dev",
                "--pipeline", "examples/basic_pipeline/pipeline.yaml", "--state-dir", stateDir.toString(),
                "--simulate-failure", "bundle-upload:THROTTLED", "--retry-delay-scale", "10")
                .directory(ROOT.toFile()).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.readString(out).contains("attempt 1 failed (THROTTLED)") && System.nanoTime() < until) {
            Thread.sleep(50);
        }
        String killedId = Files.readString(out).lines().filter(line -> line.startsWith("  deployment "))
                .findFirst().orElseThrow().substring("  deployment ".length()).trim();
        killed.destroyForcibly(); // SIGKILL: no shutdown hook runs
        assertThat(killed.waitFor(30, TimeUnit.SECONDS)).isTrue();

        Result next = cli("deploy", "--local", "--targets", "dev", "--pipeline",
                "examples/basic_pipeline/pipeline.yaml", "--state-dir", stateDir.toString(), "--output", "json");

        assertThat(next.exit()).as(next.err()).isZero();
        assertThat(next.err()).contains("note: deployment " + killedId + " (MyPipeline to dev) was left unfinished");
        List<JsonNode> events = new ArrayList<>();
        try (Stream<Path> files = Files.walk(stateDir.resolve("archive"))) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Files.readAllLines(file).forEach(line -> events.add(Json.read(line)));
            }
        }
        List<String> killedEvents = events.stream()
                .filter(e -> e.path("detail").path("deploymentId").asText().equals(killedId))
                .sorted(java.util.Comparator.comparingInt(e -> e.path("detail").path("sequence").asInt()))
                .map(e -> e.path("detail-type").asText()).toList();
        // every Started phase ended, and one terminal event
        assertThat(killedEvents).containsExactly("SMUS-CICD-Deploy-Started",
                "SMUS-CICD-Deploy-ProjectInitialization-Started", "SMUS-CICD-Deploy-ProjectInitialization-Completed",
                "SMUS-CICD-Deploy-BundleUpload-Started", "SMUS-CICD-Deploy-BundleUpload-Failed",
                "SMUS-CICD-Deploy-Failed");
        assertThat(events).filteredOn(e -> e.path("detail-type").asText().equals("SMUS-CICD-Deploy-Failed"))
                .singleElement().satisfies(e -> assertThat(e.path("detail").path("error").path("code").asText())
                        .isEqualTo("EXECUTION_ABORTED"));
        assertThat(stateDir.resolve("running")).isEmptyDirectory();

        // settled once: the run after that has nothing to say
        Result third = cli("deploy", "--local", "--targets", "dev", "--pipeline",
                "examples/basic_pipeline/pipeline.yaml", "--state-dir", stateDir.toString());
        assertThat(third.err()).doesNotContain("left unfinished");
    }

    @Test
    void deployLocal_onTheBrokenTarget_exitsOneWithFailureEvents() throws Exception {
        Result result = cli("deploy", "--local", "--targets", "broken", "--pipeline",
                "examples/basic_pipeline/pipeline.yaml", "--state-dir", stateDir.toString(), "--output", "json");

        assertThat(result.exit()).as(result.err()).isEqualTo(1);
        JsonNode outcome = Json.read(result.out());
        assertThat(outcome.path("status").asText()).isEqualTo("FAILED");
        assertThat(outcome.path("failedPhase").asText()).isEqualTo("project-init");
        assertThat(outcome.path("error").path("code").asText()).isEqualTo("PROJECT_NOT_FOUND");
        assertThat(outcome.path("events")).extracting(JsonNode::asText).containsExactly(
                "SMUS-CICD-Deploy-Started", "SMUS-CICD-Deploy-ProjectInitialization-Started",
                "SMUS-CICD-Deploy-ProjectInitialization-Failed", "SMUS-CICD-Deploy-Failed");
        Path failures = stateDir.resolve("targets").resolve("sns.jsonl");
        assertThat(Files.readAllLines(failures)).as("any-failure rule delivered both failures").hasSize(2);
    }

    @Test
    void deployLocal_withAnUnknownTarget_exitsTwoAndListsTheKnownOnes() throws Exception {
        Result result = cli("deploy", "--local", "--targets", "prdo", "--pipeline",
                "examples/basic_pipeline/pipeline.yaml", "--state-dir", stateDir.toString());

        assertThat(result.exit()).isEqualTo(2);
        assertThat(result.err()).contains("prdo").contains("dev").contains("prod");
        assertThat(stateDir.resolve("archive")).doesNotExist();
    }

    @Test
    void eventsQuery_fromThePackagedJar_loadsDuckDbFromBesideTheJar() throws Exception {
        Result deploy = cli("deploy", "--local", "--targets", "dev", "--pipeline",
                "examples/basic_pipeline/pipeline.yaml", "--state-dir", stateDir.toString());
        assertThat(deploy.exit()).as(deploy.err()).isZero();

        Result query = cli("events", "query", "--archive", stateDir.resolve("archive").toString(), "--no-cache",
                "-o", "csv", "SELECT count(*) AS n, max(sequence) AS last FROM smus_events");

        assertThat(query.exit()).as(query.err()).isZero();
        assertThat(query.out().lines().toList()).containsExactly("n,last", "10,10");
        // the engine's native library is not inside the jar (DuckDB would copy it to a temp file on
        // every run) but next to it, for the platforms DuckDB ships
        try (java.util.zip.ZipFile jar = new java.util.zip.ZipFile(JAR.toFile())) {
            assertThat(jar.stream().map(java.util.zip.ZipEntry::getName)).noneMatch(n -> n.startsWith("libduckdb_java"));
        }
        try (Stream<Path> siblings = Files.list(JAR.getParent())) {
            assertThat(siblings.map(p -> p.getFileName().toString())).contains("libduckdb_java.so_linux_amd64",
                    "libduckdb_java.so_linux_arm64", "libduckdb_java.so_osx_universal");
        }
    }

    @Test
    void eventsQuery_fromACopyOfTheJarAlone_saysWhereTheNativeLibraryIsMissing(@TempDir Path elsewhere)
            throws Exception {
        Path lonely = Files.copy(JAR, elsewhere.resolve("smus-cli.jar"));
        Files.createDirectories(stateDir.resolve("archive"));
        List<String> command = List.of("java", "-jar", lonely.toString(), "events", "query", "--archive",
                stateDir.resolve("archive").toString(), "--no-cache", "SELECT 1");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();

        assertThat(process.exitValue()).isEqualTo(1);
        assertThat(output).contains("libduckdb_java.so_", elsewhere.toString(), "copy them along with the jar")
                .doesNotContain("UnsatisfiedLinkError");
    }

    @Test
    void version_printsTheProjectVersion() throws Exception {
        Result result = cli("--version");

        assertThat(result.exit()).isZero();
        assertThat(result.out()).startsWith("smus-cli 0.1.0");
    }
}
