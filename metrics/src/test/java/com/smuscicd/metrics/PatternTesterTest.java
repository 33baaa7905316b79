package com.smuscicd.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PatternTesterTest {

    @Test
    void testArchive_whenPipelineFailurePattern_matchesEachFailedEventOnce() {
        PatternTester tester = PatternTester.create(resource("patterns/my-pipeline-failures.json"));
        List<PatternTester.Match> streamed = new ArrayList<>();

        PatternTester.Outcome outcome = tester.testArchive(Fixtures.archive("archive-spec"), streamed::add);

        // the 12 failed MyPipeline events; redeliveries are skipped, other pipelines do not match
        assertThat(outcome.matches()).hasSize(12).isEqualTo(streamed);
        assertThat(outcome.matches()).extracting(PatternTester.Match::pipelineName).containsOnly("MyPipeline");
        assertThat(outcome.matches()).extracting(PatternTester.Match::detailType).allMatch(t -> t.endsWith("-Failed"));
        assertThat(outcome.duplicates()).isPositive();
        assertThat(outcome.events()).isEqualTo(60);
    }

    @Test
    void testArchive_whenSpecAnyFailurePattern_alsoMatchesOtherPipelines() {
        PatternTester tester = PatternTester.create(resource("smus-events/patterns/common-1-any-failure.json"));

        PatternTester.Outcome outcome = tester.testArchive(Fixtures.archive("archive-spec"), m -> { });

        assertThat(outcome.matches()).extracting(PatternTester.Match::pipelineName)
                .contains("MyPipelineTwo", "mypipeline").hasSize(16);
    }

    @Test
    void testEvent_whenProdFailurePattern_matchesTheSpecExampleOnly() {
        PatternTester tester = PatternTester.create(resource("patterns/prod-deploy-failed.json"));

        assertThat(tester.testEvent(resource("smus-events/examples/SMUS-CICD-Deploy-Failed.json"), Path.of("x")))
                .extracting(PatternTester.Match::detailType).isEqualTo("SMUS-CICD-Deploy-Failed");
        assertThat(tester.testEvent(resource("smus-events/examples/SMUS-CICD-Deploy-Completed.json"), Path.of("y")))
                .isNull();
    }

    @Test
    void create_whenUnknownMatchType_throwsEventRulersMessage() {
        assertThatThrownBy(() -> PatternTester.create(resource("patterns/invalid-match-type.json")))
                .isInstanceOf(InvalidPatternException.class)
                .hasMessageContaining("prefixx");
    }

    @Test
    void create_whenNotJson_throwsInvalidPattern() {
        assertThatThrownBy(() -> PatternTester.create("{\"source\": ["))
                .isInstanceOf(InvalidPatternException.class);
    }

    @Test
    void testArchive_whenCorruptLine_reportsItAndTestsTheRest() {
        PatternTester tester = PatternTester.create("{\"source\": [\"com.amazon.smus.cicd\"]}");

        PatternTester.Outcome outcome = tester.testArchive(Fixtures.archive("archive-corrupt"), m -> { });

        assertThat(outcome.matches()).hasSize(9);
        assertThat(outcome.problems()).singleElement().satisfies(p -> {
            assertThat(p.file().getFileName()).hasToString("truncated.json");
            assertThat(p.firstLine()).isEqualTo(2);
        });
    }

    static String resource(String name) {
        try (InputStream in = PatternTesterTest.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("no resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
