package com.smuscicd.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ValidateCommandTest {

    private static final String VALID = """
            pipelineName: MyPipeline
            monitoring:
              eventbridge:
                enabled: true
            targets:
              dev:
                stage: DEV
                domain: {name: my-domain, region: us-east-1}
                project: {name: dev-project, create: true}
              prod:
                stage: PROD
                domain: {name: my-domain, region: us-east-1}
                project: {name: prod-project}
            """;

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private CommandLine cli;

    @BeforeEach
    void setUp() {
        cli = new CommandLine(new ValidateCommand());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
    }

    private Path write(String yaml) throws IOException {
        return Files.writeString(dir.resolve("pipeline.yaml"), yaml);
    }

    @Test
    void execute_whenManifestIsValid_printsOkWithEveryTargetAndExitsZero() throws IOException {
        Path file = write(VALID);

        int exit = cli.execute("--pipeline", file.toString());

        assertThat(exit).isZero();
        assertThat(out.toString()).isEqualTo("OK: " + file + ": pipeline 'MyPipeline', targets: dev, prod"
                + System.lineSeparator());
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void execute_whenTargetsAreKnown_printsOnlyThose() throws IOException {
        Path file = write(VALID);

        int exit = cli.execute("--pipeline", file.toString(), "--targets", "prod");

        assertThat(exit).isZero();
        assertThat(out.toString()).startsWith("OK: " + file + ": pipeline 'MyPipeline', targets: prod");
    }

    @Test
    void execute_whenManifestHasProblems_printsEachOnItsOwnLineAndExitsTwo() throws IOException {
        Path file = write(VALID.replace("region: us-east-1}\n    project: {name: prod-project}",
                "region: US-EAST-1}\n    project: {name: prod-project, create: \"yes\"}")
                .replace("eventbridge:", "eventBridge:"));

        int exit = cli.execute("--pipeline", file.toString());

        assertThat(exit).isEqualTo(2);
        assertThat(out.toString()).isEmpty();
        assertThat(err.toString().lines()).containsExactly(
                file + ":3:3: monitoring.eventBridge is not a known key; did you mean 'eventbridge'?",
                file + ":12:39: targets.prod.domain.region must be an AWS Region code such as us-east-1,"
                        + " got \"US-EAST-1\"",
                file + ":13:43: targets.prod.project.create must be a boolean, got string \"yes\"");
    }

    @Test
    void execute_whenTargetIsUnknown_listsKnownTargetsAndExitsTwo() throws IOException {
        Path file = write(VALID);

        int exit = cli.execute("--pipeline", file.toString(), "--targets", "dev,prdo,qa");

        assertThat(exit).isEqualTo(2);
        assertThat(out.toString()).isEmpty();
        assertThat(err.toString().lines()).containsExactly(
                file + ": unknown target 'prdo'; known targets: dev, prod; did you mean 'prod'?",
                file + ": unknown target 'qa'; known targets: dev, prod");
    }

    @Test
    void execute_whenFileDoesNotExist_saysSoAndExitsTwo() {
        Path missing = dir.resolve("missing.yaml");

        int exit = cli.execute("--pipeline", missing.toString());

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString().lines()).containsExactly(missing + ": file not found");
    }

    @Test
    void execute_whenPipelineOptionIsMissing_printsUsageErrorAndExitsTwo() {
        int exit = cli.execute();

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).startsWith("Missing required option: '--pipeline=FILE'");
    }

    @Test
    void execute_whenTheExecutionInputWouldBeTooLarge_namesTheFileAndTheLargestPartAndExitsTwo() throws IOException {
        Path file = write(manifestWithLargeAssets());

        int exit = cli.execute("--pipeline", file.toString());

        assertThat(exit).isEqualTo(2);
        assertThat(out.toString()).isEmpty();
        assertThat(err.toString()).startsWith(file + " (target dev): the deployment's execution input would be ")
                .contains("more than the 245760 a deployment may use")
                .contains("largest parts: catalog.assets 2");
    }

    /** Valid, but 64 catalog assets with 4,000-character reasons make an execution input of about 260 KB. */
    static String manifestWithLargeAssets() {
        StringBuilder assets = new StringBuilder();
        for (int i = 0; i < 64; i++) {
            assets.append("    - name: asset_").append(i).append("\n      reason: ").append("r".repeat(4000)).append('\n');
        }
        return "pipelineName: Big\ncatalog:\n  assets:\n" + assets + """
                targets:
                  dev:
                    stage: DEV
                    domain: {name: analytics-dev, region: us-east-1}
                    project: {name: sales-analytics-dev, create: true}
                """;
    }
}
