package com.smuscicd.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PatternTesterTest {

    @Test
    void testArchive_whenPipelineFailurePattern_matchesEachFailedEventOnce() {
        PatternTester tester = PatternTester.create(resource("patterns/my-pipeline-failures.json"));

        PatternTester.Outcome outcome = testArchive(tester, "archive-spec");

        // the 12 failed MyPipeline events; redeliveries are skipped, other pipelines do not match
        assertThat(outcome.matches()).hasSize(12);
        assertThat(outcome.matches()).extracting(PatternTester.Match::pipelineName).containsOnly("MyPipeline");
        assertThat(outcome.matches()).extracting(PatternTester.Match::detailType).allMatch(t -> t.endsWith("-Failed"));
        assertThat(outcome.duplicates()).isPositive();
        assertThat(outcome.events()).isEqualTo(60);
    }

    @Test
    void testArchive_whenSpecAnyFailurePattern_alsoMatchesOtherPipelines() {
        PatternTester tester = PatternTester.create(resource("smus-events/patterns/common-1-any-failure.json"));

        PatternTester.Outcome outcome = testArchive(tester, "archive-spec");

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

        PatternTester.Outcome outcome = testArchive(tester, "archive-corrupt");

        assertThat(outcome.matches()).hasSize(9);
        assertThat(outcome.problems()).singleElement().satisfies(p -> {
            assertThat(p.file().getFileName()).hasToString("truncated.json");
            assertThat(p.firstLine()).isEqualTo(2);
        });
    }

    @Test
    void testArchive_whenEventRedeliveredLater_testsTheDeliverySmusEventsKeeps() {
        // a retry re-published the failure (new id, later time) into a file that sorts first
        PatternTester tester = PatternTester.create("{\"detail-type\": [\"SMUS-CICD-Deploy-Failed\"]}");

        PatternTester.Outcome outcome;
        String kept;
        try (EventArchive archive = EventArchive.open(Fixtures.archive("archive-redelivered"))) {
            outcome = tester.testArchive(archive);
            kept = (String) archive.query("SELECT id FROM smus_events WHERE status = 'failed'").rows().get(0).get(0);
        }

        assertThat(kept).isEqualTo("first-fail-id");
        assertThat(outcome.matches()).singleElement().satisfies(m -> {
            assertThat(m.id()).isEqualTo(kept);
            assertThat(m.file().getFileName()).hasToString("b-first.json");
        });
        assertThat(outcome.events()).isEqualTo(2);
        assertThat(outcome.duplicates()).isEqualTo(1);
    }

    @Test
    void testArchive_whenCached_testsTheSameEventsAsWithoutCache(@TempDir Path temp) {
        PatternTester tester = PatternTester.create(resource("patterns/my-pipeline-failures.json"));
        ArchiveOptions cached = ArchiveOptions.cacheIn(temp.resolve("cache"));

        for (int run = 0; run < 2; run++) {
            try (EventArchive archive = EventArchive.open(Fixtures.archive("archive-spec"), cached)) {
                PatternTester.Outcome outcome = tester.testArchive(archive);
                assertThat(outcome.matches()).hasSize(12);
                assertThat(outcome.events()).isEqualTo(60);
            }
        }
    }

    @Test
    void testEvents_whenOneEventPerLine_testsEveryLine() {
        PatternTester tester = PatternTester.create(resource("patterns/prod-deploy-failed.json"));

        PatternTester.Outcome outcome = tester.testEvents(resource("events/three-events.ndjson"), Path.of("f"));

        assertThat(outcome.events()).isEqualTo(3);
        assertThat(outcome.matches()).extracting(PatternTester.Match::id).containsExactly("e2");
    }

    @Test
    void testEvents_whenJsonArray_testsEveryElement() {
        PatternTester tester = PatternTester.create("{\"detail\": {\"status\": [\"failed\"]}}");

        PatternTester.Outcome outcome = tester.testEvents(resource("events/three-events-array.json"), Path.of("f"));

        assertThat(outcome.events()).isEqualTo(3);
        assertThat(outcome.matches()).extracting(PatternTester.Match::id).containsExactly("e2", "e3");
    }

    @Test
    void testEvents_whenOnePrettyPrintedEvent_testsIt() {
        PatternTester tester = PatternTester.create(resource("patterns/prod-deploy-failed.json"));

        PatternTester.Outcome outcome = tester.testEvents(resource("events/one-event-pretty.json"), Path.of("f"));

        assertThat(outcome.events()).isEqualTo(1);
        assertThat(outcome.matches()).extracting(PatternTester.Match::id).containsExactly("e2");
    }

    @Test
    void testEvents_whenALineIsNotAnObject_namesItsLine() {
        PatternTester tester = PatternTester.create("{\"source\": [\"x\"]}");

        assertThatThrownBy(() -> tester.testEvents("{\"id\": \"a\"}\n42\n", Path.of("f.json")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("f.json").hasMessageContaining("line 2").hasMessageContaining("not a JSON object");
    }

    @Test
    void testEvents_whenAnObjectIsNotAnEvent_namesItsLineAndSaysWhyAsTheArchiveWould() {
        PatternTester tester = PatternTester.create("{\"source\": [\"x\"]}");

        assertThatThrownBy(() -> tester.testEvents("{\"id\": \"a\"}\n{\"foo\": 1}\n", Path.of("f.json")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("f.json: the value starting on line 2 is not an EventBridge event (no \"id\")");
    }

    @Test
    void rulesOf_whenProjectRuleFile_usesItsEventPatternAndName() {
        List<PatternTester.Rule> rules = PatternTester.rulesOf(resource("rules/prod-failures-string-pattern.json"));

        assertThat(rules).singleElement().extracting(PatternTester.Rule::name).isEqualTo("smus-prod-failures");
        PatternTester tester = PatternTester.create(rules);
        assertThat(tester.testEvents(resource("events/three-events.ndjson"), Path.of("f")).matches())
                .extracting(PatternTester.Match::id).containsExactly("e2");
    }

    @Test
    void rulesOf_whenBarePattern_returnsItUnnamed() {
        String pattern = resource("patterns/prod-deploy-failed.json");

        assertThat(PatternTester.rulesOf(pattern)).containsExactly(new PatternTester.Rule(null, pattern));
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"Name\": \"x\", \"EventPatern\": {}}", "{\"eventPattern\": {}}", "{\"State\": \"ENABLED\"}",
        "{\"Targets\": []}", "{\"EventBusName\": \"b\"}", "{\"Description\": \"d\"}", "[]"})
    void holdsRules_whenRuleKeysOrAKeyCloseToEventPattern_isTrue(String text) {
        assertThat(PatternTester.holdsRules(text)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"source\": [\"x\"], \"detail-type\": [\"y\"], \"detail\": {\"Name\": [\"z\"]}}",
        "{\"version\": [\"0\"], \"id\": [\"i\"], \"account\": [\"1\"], \"time\": [\"t\"], \"region\": [\"r\"],"
                + " \"resources\": [\"a\"], \"$or\": [{\"source\": [\"x\"]}]}", "{\"source\": [", "42"})
    void holdsRules_whenBarePatternOrNotJson_isFalse(String text) {
        assertThat(PatternTester.holdsRules(text)).isFalse();
    }

    @Test
    void rulesOf_whenARuleMisspellsEventPattern_throwsDidYouMean() {
        assertThatThrownBy(() -> PatternTester.rulesOf("{\"Name\": \"x\", \"EventPatern\": {\"source\": [\"a\"]}}"))
                .isInstanceOf(InvalidPatternException.class)
                .hasMessage("the rule: 'EventPatern' is not a key of a rule; did you mean 'EventPattern'?");
    }

    @Test
    void rulesOf_whenArrayHoldsABarePattern_throwsInvalidPattern() {
        assertThatThrownBy(() -> PatternTester.rulesOf("[{\"source\": [\"x\"]}]"))
                .isInstanceOf(InvalidPatternException.class).hasMessageContaining("element 1");
    }

    @Test
    void testEvents_whenArrayOfRules_countsMatchesPerRule() {
        PatternTester tester = PatternTester.create(PatternTester.rulesOf(resource("rules/two-rules.json")));

        PatternTester.Outcome outcome = tester.testEvents(resource("events/three-events.ndjson"), Path.of("f"));

        assertThat(tester.rules()).extracting(PatternTester.Rule::name)
                .containsExactly("smus-prod-failures", "smus-any-failure");
        assertThat(outcome.matchesByRule()).containsExactly(1L, 2L);
        assertThat(outcome.matches()).extracting(PatternTester.Match::rules)
                .containsExactly(List.of(0, 1), List.of(1));
    }

    @Test
    void testArchive_whenFilesAreNotInTimeOrder_listsMatchesByTimeThenDeploymentAndSequence() {
        PatternTester tester = PatternTester.create("{\"source\": [\"com.amazon.smus.cicd\"]}");

        PatternTester.Outcome outcome = testArchive(tester, "archive-spec");

        assertThat(outcome.matches()).hasSize(60).allSatisfy(m -> assertThat(m.time()).isNotNull())
                .isSortedAccordingTo(Comparator.comparing(PatternTester.Match::time)
                        .thenComparing(PatternTester.Match::deploymentId)
                        .thenComparing(PatternTester.Match::sequence));
        // which is not the order the files are read in
        assertThat(outcome.matches()).extracting(PatternTester.Match::file).isNotEqualTo(outcome.matches().stream()
                .map(PatternTester.Match::file).sorted().toList());
    }

    @Test
    void testEvents_whenEventsShareATime_listsMatchesByDeploymentThenSequenceAndUntimedLast() {
        PatternTester tester = PatternTester.create("{\"source\": [\"s\"]}");
        String text = String.join("\n",
                event("untimed", null, "d1", 1),
                event("b-2", "2025-11-04T12:00:00Z", "b", 2),
                event("later", "2025-11-04T12:00:00.500Z", "a", 9),
                event("b-1", "2025-11-04T12:00:00Z", "b", 1),
                event("a-3", "2025-11-04T12:00:00.000Z", "a", 3));

        PatternTester.Outcome outcome = tester.testEvents(text, Path.of("f"));

        assertThat(outcome.matches()).extracting(PatternTester.Match::id)
                .containsExactly("a-3", "b-1", "b-2", "later", "untimed");
    }

    private static String event(String id, String time, String deploymentId, long sequence) {
        return "{\"id\": \"" + id + "\", \"source\": \"s\"" + (time == null ? "" : ", \"time\": \"" + time + "\"")
                + ", \"detail\": {\"deploymentId\": \"" + deploymentId + "\", \"sequence\": " + sequence + "}}";
    }

    private static PatternTester.Outcome testArchive(PatternTester tester, String fixture) {
        try (EventArchive archive = EventArchive.open(Fixtures.archive(fixture))) {
            return tester.testArchive(archive);
        }
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
