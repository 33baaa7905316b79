package com.smuscicd.local.bus;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.smuscicd.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import software.amazon.event.ruler.Machine;

/**
 * {@link RuleMatcher} must give event-ruler's answer for every event, before and after it
 * specializes a key: checked against a plain event-ruler machine on awkward patterns ({@code $or},
 * dotted keys, conditions on absence, numbers or null on key fields, array consistency) and
 * awkward events (dotted keys, key fields that are arrays, numbers, objects or missing).
 */
class RuleMatcherTest {

    /** Enough rounds that every key is matched unspecialized, then specialized, several times. */
    private static final int ROUNDS = RuleMatcher.SPECIALIZE_AFTER + 3;

    @Test
    void matches_whenAwkwardPatternsAndEvents_givesEventRulersAnswerEveryTime() throws IOException {
        List<LocalRule> rules = fixtureRules();
        List<JsonNode> events = fixtureEvents();

        assertSameAnswers(rules, events, RuleMatcher.of(rules));
    }

    @Test
    void matches_whenRulesAndExamplesOfTheSpec_givesEventRulersAnswerEveryTime() {
        List<LocalRule> rules = new ArrayList<>();
        for (String dir : List.of("rules/spec", "rules/array")) {
            rules.addAll(LocalRules.load(BusFixtures.resource(dir)).enabled());
        }
        List<JsonNode> events = new ArrayList<>();
        for (var example : BusFixtures.allExamples()) {
            events.add(Envelopes.toJson(example, "123456789012", "us-east-1"));
        }

        assertSameAnswers(rules, events, RuleMatcher.of(rules));
    }

    @Test
    void matches_whenKeysBeyondTheLimit_stillGivesEventRulersAnswer() throws IOException {
        List<LocalRule> rules = fixtureRules();
        List<JsonNode> events = new ArrayList<>();
        for (int i = 0; i < RuleMatcher.MAX_KEYS + 40; i++) {
            ObjectNode event = (ObjectNode) fixtureEvents().get(i % 4);
            event.put("region", "xx-region-" + i);
            events.add(event);
        }

        assertSameAnswers(rules, events, RuleMatcher.of(rules));
    }

    @Test
    void matches_whenKeyFieldsChosenDifferently_givesEventRulersAnswer() throws IOException {
        List<LocalRule> rules = fixtureRules();
        List<JsonNode> events = fixtureEvents();

        for (List<String> keys : List.of(List.<String>of(), List.of("detail-type"), List.of("detail.status"),
                List.of("detail", "detail.stage"), List.of("detail.target.stage", "detail.details.items.name"))) {
            assertSameAnswers(rules, events, RuleMatcher.of(rules, keys));
        }
    }

    @Test
    void keyOf_whenKeyFieldIsNotOneStringOnItsOwnPath_isNull() throws IOException {
        RuleMatcher matcher = RuleMatcher.of(fixtureRules());
        Map<String, JsonNode> byId = new java.util.HashMap<>();
        fixtureEvents().forEach(e -> byId.put(e.get("id").asText(), e));

        assertThat(matcher.keyOf(byId.get("e1"))).containsExactly("com.amazon.smus.cicd",
                "SMUS-CICD-Deploy-BundleUpload-Started", "123456789012", "us-east-1", "bundle-upload", "started", "PROD");
        for (String id : List.of("dotted-root", "dotted-inner", "dotted-both", "type-array", "stage-number",
                "status-null", "no-stage", "stage-object", "detail-array")) {
            assertThat(matcher.keyOf(byId.get(id))).as(id).isNull();
        }
    }

    @Test
    void split_whenPatternHasOrOrAFieldTwice_isNull() {
        Set<String> keys = Set.copyOf(RuleMatcher.DEFAULT_KEY_FIELDS);

        assertThat(RuleMatcher.split("{\"$or\":[{\"detail-type\":[\"a\"]},{\"region\":[\"b\"]}]}", keys)).isNull();
        assertThat(RuleMatcher.split("{\"detail.status\":[\"a\"],\"detail\":{\"status\":[\"b\"]}}", keys)).isNull();
        assertThat(RuleMatcher.split("{\"detail\":{\"pipelineName\":[\"p\"]}}", keys)).as("no key field").isNull();
    }

    @Test
    void split_whenAKeyRepeatsOrAFloatWouldBeRewritten_isNull() {
        Set<String> keys = Set.copyOf(RuleMatcher.DEFAULT_KEY_FIELDS);

        // event-ruler requires both objects' conditions; a tree would keep only the last
        assertThat(RuleMatcher.split("{\"detail\":{\"pipelineName\":[\"p\"]},\"detail\":{\"status\":[\"failed\"]}}",
                keys)).isNull();
        assertThat(RuleMatcher.split("{\"detail-type\":[\"x\"],\"detail\":{\"durationMs\":[1e20]}}", keys)).isNull();
    }

    @Test
    void matches_whenARawPatternRepeatsAKey_answersAsEventRulerDoes() throws Exception {
        String pattern = "{\"detail\":{\"pipelineName\":[\"p\"]},\"detail\":{\"status\":[\"failed\"]}}";
        RuleMatcher matcher = RuleMatcher.of(List.of(new LocalRule("r", pattern, List.of(), true, null)));
        Machine plain = new Machine();
        plain.addRule("r", pattern);
        JsonNode event = Json.read("{\"source\":\"s\",\"detail-type\":\"d\",\"account\":\"1\",\"region\":\"r\","
                + "\"detail\":{\"pipelineName\":\"q\",\"stage\":\"deploy\",\"status\":\"failed\","
                + "\"target\":{\"stage\":\"PROD\"}}}");

        for (int i = 0; i < 5; i++) { // past the point where the key gets its own machine
            assertThat(matcher.matches(event)).isEqualTo(new HashSet<>(plain.rulesForJSONEvent(event)));
        }
    }

    @Test
    void split_whenPatternMixesKeyAndOtherFields_separatesThem() {
        Set<String> keys = Set.copyOf(RuleMatcher.DEFAULT_KEY_FIELDS);

        RuleMatcher.Split split = RuleMatcher.split("{\"source\":[\"s\"],\"detail-type\":[{\"suffix\":\"-Failed\"}],"
                + "\"detail\":{\"status\":[\"failed\"],\"pipelineName\":[\"p\"],\"target\":{\"stage\":[\"PROD\"]}}}", keys);

        assertThat(Json.read(split.keyConditions())).isEqualTo(Json.read("{\"source\":[\"s\"],"
                + "\"detail-type\":[{\"suffix\":\"-Failed\"}],\"detail\":{\"status\":[\"failed\"],\"target\":{\"stage\":[\"PROD\"]}}}"));
        assertThat(Json.read(split.remainder())).isEqualTo(Json.read("{\"detail\":{\"pipelineName\":[\"p\"]}}"));
        assertThat(RuleMatcher.split("{\"detail-type\":[\"x\"]}", keys).remainder()).isNull();
    }

    /** Every event, {@link #ROUNDS} times, interleaved, so each key is seen before and after specializing. */
    private static void assertSameAnswers(List<LocalRule> rules, List<JsonNode> events, RuleMatcher matcher) {
        Machine plain = new Machine();
        for (LocalRule rule : rules) {
            try {
                plain.addRule(rule.name(), rule.eventPattern());
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        for (int round = 0; round < ROUNDS; round++) {
            for (JsonNode event : events) {
                Set<String> expected = new HashSet<>(plain.rulesForJSONEvent(event));
                assertThat(matcher.matches(event)).as("round %d, event %s", round, event.get("id")).isEqualTo(expected);
            }
        }
    }

    private static List<LocalRule> fixtureRules() throws IOException {
        JsonNode patterns = Json.read(Files.readString(BusFixtures.resource("matcher/patterns.json")));
        List<LocalRule> rules = new ArrayList<>();
        patterns.fields().forEachRemaining(p -> rules.add(new LocalRule(p.getKey(), p.getValue().toString(),
                List.of(RuleTarget.ofArn("t", "arn:aws:sqs:us-east-1:123456789012:q")), true, null)));
        return LocalRules.of(rules).enabled();
    }

    private static List<JsonNode> fixtureEvents() throws IOException {
        Path file = BusFixtures.resource("matcher/events.jsonl");
        try (Stream<String> lines = Files.lines(file)) {
            return lines.filter(l -> !l.isBlank()).map(Json::read).toList();
        }
    }
}
