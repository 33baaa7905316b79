package com.smuscicd.manifest;

import static com.smuscicd.manifest.Fixtures.problemsOf;
import static com.smuscicd.manifest.Fixtures.problemsOfLoading;
import static com.smuscicd.manifest.Fixtures.problemsOfParsing;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hostile or broken input is rejected quickly with one clear problem. */
class ManifestLimitsTest {

    private static final String TARGETS = """
            targets:
              dev:
                stage: DEV
                domain: {name: my-domain, region: us-east-1}
                project: {name: dev-project}
            """;

    @Test
    void load_whenAliasBomb_rejectsQuicklyAtTheAliasOverTheLimit() {
        List<String> problems = assertTimeoutPreemptively(Duration.ofSeconds(2),
                () -> problemsOf("alias-bomb.yaml"));

        assertThat(problems).containsExactly("alias-bomb.yaml:4:14: too many aliases: more than 20 aliases to"
                + " mappings or lists (a limit that stops alias bombs such as \"billion laughs\")");
    }

    @Test
    void parse_whenFewAliasesExpandToTooManyValues_rejectsIt() {
        StringBuilder yaml = new StringBuilder("x-big: &big [");
        for (int i = 0; i < 6000; i++) {
            yaml.append(i == 0 ? "a" : ",a");
        }
        yaml.append("]\nx-copies: [").append("*big,".repeat(19)).append("*big]\n");

        List<String> problems = assertTimeoutPreemptively(Duration.ofSeconds(2),
                () -> problemsOfParsing(yaml.toString()));

        assertThat(problems).containsExactly(
                "pipeline.yaml:2:1: x-copies expands to more than 100000 values through aliases");
    }

    @Test
    void load_whenFileIsTwoMegabytes_rejectsItBeforeParsing(@TempDir Path tmp) throws IOException {
        Path file = tmp.resolve("pipeline.yaml");
        String valid = "pipelineName: MyPipeline\n" + TARGETS;
        Files.writeString(file, valid + "#".repeat(2 * 1024 * 1024 - valid.length()));

        List<String> problems = assertTimeoutPreemptively(Duration.ofSeconds(2), () -> problemsOfLoading(file));

        assertThat(Files.size(file)).isEqualTo(2L * 1024 * 1024);
        assertThat(problems).containsExactly(file + ": file is too large (2097152 bytes);"
                + " a manifest may be at most 1048576 bytes (1 MiB)");
    }

    @Test
    void parse_whenTextIsLargerThanOneMebibyte_rejectsIt() {
        String yaml = "pipelineName: MyPipeline\n" + TARGETS + "#".repeat(1024 * 1024);

        assertThat(problemsOfParsing(yaml)).containsExactly("pipeline.yaml: file is too large ("
                + yaml.length() + " characters); a manifest may be at most 1048576 characters (1 MiB)");
    }

    @Test
    void parse_whenNestingIsTooDeep_pointsToTheLevelOverTheLimit() {
        String yaml = "pipelineName: " + "[".repeat(40) + "]".repeat(40) + "\n";

        assertThat(problemsOfParsing(yaml)).containsExactly(
                "pipeline.yaml:1:46: nesting is too deep: more than 32 levels of mappings and lists");
    }

    @Test
    void load_whenAliasMakesAStructureContainItself_rejectsIt() {
        assertThat(problemsOf("recursive-alias.yaml")).containsExactly(
                "recursive-alias.yaml:2:10: targets.dev contains itself through an alias;"
                        + " recursive structures are not allowed");
    }

    @Test
    void load_whenFileIsNotUtf8_reportsLineColumnAndByteOffset() {
        assertThat(problemsOf("latin1.yaml")).containsExactly(
                "latin1.yaml:4:13: file is not valid UTF-8: byte 0xE9 at offset 53 cannot be decoded;"
                        + " save the file as UTF-8");
    }

    @Test
    void load_whenFileWithAByteOrderMarkIsNotUtf8_doesNotCountTheMarkAsAColumn(@TempDir Path tmp) throws IOException {
        Path file = tmp.resolve("pipeline.yaml");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.write(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
        bytes.write("pipelineName: Caf".getBytes(StandardCharsets.UTF_8));
        bytes.write(0xE9);
        bytes.write(("\n" + TARGETS).getBytes(StandardCharsets.UTF_8));
        Files.write(file, bytes.toByteArray());

        assertThat(problemsOfLoading(file)).containsExactly(file + ":1:18: file is not valid UTF-8:"
                + " byte 0xE9 at offset 20 cannot be decoded; save the file as UTF-8");
    }

    @Test
    void load_whenFileIsUtf16_asksForUtf8(@TempDir Path tmp) throws IOException {
        Path file = tmp.resolve("pipeline.yaml");
        Files.write(file, ("\uFEFFpipelineName: MyPipeline\n" + TARGETS).getBytes(StandardCharsets.UTF_16LE));

        assertThat(problemsOfLoading(file)).containsExactly(file + ": file is UTF-16 encoded; save it as UTF-8");
    }

    @Test
    void parse_whenTextHasAControlCharacter_reportsItsPosition() {
        assertThat(problemsOfParsing("pipelineName: MyPipeline\nmonitoring: {}\n" + "x-note: a\u0007b\n" + TARGETS))
                .containsExactly("pipeline.yaml:3:10: invalid YAML: the character U+0007 is not allowed in YAML text");
    }
}
