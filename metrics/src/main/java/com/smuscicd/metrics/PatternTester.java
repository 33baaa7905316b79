package com.smuscicd.metrics;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.smuscicd.events.RuleKeys;
import com.smuscicd.json.Json;
import com.smuscicd.manifest.Suggestions;
import com.smuscicd.text.Utf8;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import software.amazon.event.ruler.Machine;

/**
 * Tells which events one or more EventBridge event patterns match, offline, with AWS's own matcher
 * (event-ruler): like {@code aws events test-event-pattern}, but over a file of events or a whole
 * archive, and for several rules at once.
 */
public final class PatternTester {

    private static final String EVENT_PATTERN = "EventPattern";

    private final Machine machine;
    private final List<Rule> rules;

    private PatternTester(Machine machine, List<Rule> rules) {
        this.machine = machine;
        this.rules = rules;
    }


    /**
     * The text of an events file for {@link #testEvents}: decompressed when named {@code *.gz} (any
     * case), like archive files; strictly UTF-8.
     *
     * @throws IOException when it cannot be read, or is not UTF-8 (the message says so)
     */
    public static String readEventFile(Path file) throws IOException {
        byte[] bytes;
        try (InputStream in = ChunkWriter.open(file)) {
            bytes = in.readAllBytes();
        }
        return Utf8.decode(bytes).orElseThrow(() -> new IOException("not valid UTF-8"));
    }
    /**
     * A named event pattern.
     *
     * @param name        the rule's {@code Name}, or null for a bare pattern
     * @param patternJson the event pattern's JSON text
     */
    public record Rule(String name, String patternJson) {
    }

    /**
     * A tester for one bare pattern.
     *
     * @throws InvalidPatternException with event-ruler's message when it refuses the pattern
     */
    public static PatternTester create(String patternJson) {
        return create(List.of(new Rule(null, patternJson)));
    }

    /**
     * A tester for several rules; each match says which of them matched.
     *
     * @throws InvalidPatternException with event-ruler's message (and the rule's name) when it refuses a pattern
     */
    public static PatternTester create(List<Rule> rules) {
        if (rules.isEmpty()) {
            throw new InvalidPatternException("no event pattern given", null);
        }
        Machine machine = Machine.builder().build();
        for (int i = 0; i < rules.size(); i++) {
            Rule rule = rules.get(i);
            try {
                // keyed by position: rule names need not be unique
                machine.addRule(String.valueOf(i), rule.patternJson());
            } catch (IOException | RuntimeException e) {
                String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
                throw new InvalidPatternException((rule.name() == null ? "" : "rule '" + rule.name() + "': ")
                        + message, e);
            }
        }
        return new PatternTester(machine, List.copyOf(rules));
    }

    /**
     * The rules in {@code text}: a bare event pattern; a rule as the spec's Integration Examples and
     * the project's {@code rules/*.json} hold it ({@code {"Name":..,"EventPattern":{..}|"..",
     * "Targets":[..]}}); or a JSON array of such rules. Text that is not JSON is returned as one bare
     * pattern, so that event-ruler's message reports the problem. Only the patterns are read: the
     * CLI checks a rule's other keys as the local bus does.
     *
     * @throws InvalidPatternException when {@link #holdsRules} but a rule has no {@code EventPattern}
     */
    public static List<Rule> rulesOf(String text) {
        JsonNode root = parse(text);
        if (root == null || !holdsRules(root)) {
            return List.of(new Rule(null, text));
        }
        if (root.isObject()) {
            return List.of(ruleOf(root, "rule", "the rule"));
        }
        List<Rule> rules = new ArrayList<>();
        for (int i = 0; i < root.size(); i++) {
            JsonNode item = root.get(i);
            if (item == null || !item.isObject()) {
                throw new InvalidPatternException("element " + (i + 1) + " of the array is not a rule with an"
                        + " \"EventPattern\"", null);
            }
            rules.add(ruleOf(item, "rule " + (i + 1), "element " + (i + 1) + " of the array"));
        }
        return rules;
    }

    /**
     * Whether {@code text} holds rules rather than a bare event pattern: a JSON array (of rules), or
     * an object with a key of a rule ({@code Name}, {@code State}, {@code Targets}...) or a key close
     * to {@code EventPattern} ({@code EventPatern}, {@code eventPattern}). An event pattern's top-level
     * keys are an event's envelope fields, none of which is such a key. False when it is not JSON.
     */
    public static boolean holdsRules(String text) {
        JsonNode root = parse(text);
        return root != null && holdsRules(root);
    }

    private static boolean holdsRules(JsonNode root) {
        if (root.isArray()) {
            return true;
        }
        if (!root.isObject()) {
            return false;
        }
        for (Iterator<String> keys = root.fieldNames(); keys.hasNext(); ) {
            String key = keys.next();
            if (RuleKeys.ALL.contains(key) || Suggestions.closest(key, List.of(EVENT_PATTERN)).isPresent()) {
                return true;
            }
        }
        return false;
    }

    private static JsonNode parse(String text) {
        try {
            return Json.mapper().readTree(text);
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    private static Rule ruleOf(JsonNode rule, String fallbackName, String where) {
        if (!rule.has(EVENT_PATTERN)) {
            for (Iterator<String> keys = rule.fieldNames(); keys.hasNext(); ) {
                String key = keys.next();
                if (Suggestions.closest(key, List.of(EVENT_PATTERN)).isPresent()) {
                    throw new InvalidPatternException(where + ": '" + key + "' is not a key of a rule; did you mean '"
                            + EVENT_PATTERN + "'?", null);
                }
            }
            throw new InvalidPatternException(where + " has no \"" + EVENT_PATTERN + "\"", null);
        }
        return ruleOf(rule, fallbackName);
    }

    private static Rule ruleOf(JsonNode rule, String fallbackName) {
        JsonNode name = rule.get("Name");
        JsonNode pattern = rule.get("EventPattern");
        // the AWS API and CLI carry EventPattern as a JSON string; rule files and CloudFormation as an object
        String json = pattern.isTextual() ? pattern.asText() : Json.write(pattern);
        return new Rule(name != null && name.isTextual() ? name.asText() : fallbackName, json);
    }

    /** The rules tested, in the order given. */
    public List<Rule> rules() {
        return rules;
    }

    /**
     * Whether any rule matches {@code eventJson}, a full EventBridge envelope.
     *
     * @throws IllegalArgumentException when {@code eventJson} is not a JSON object
     */
    public boolean matches(String eventJson) {
        try {
            return !machine.rulesForJSONEvent(eventJson).isEmpty();
        } catch (Exception e) {
            throw new IllegalArgumentException("not a JSON event: " + e.getMessage(), e);
        }
    }

    /**
     * The outcome of testing the rules against many events.
     *
     * @param events        distinct events tested
     * @param duplicates    deliveries skipped because the event was already counted
     * @param matches       events that at least one rule matched, in time order ({@link #ORDER})
     * @param matchesByRule how many events each rule matched, in the order of {@link #rules()}
     * @param problems      files with lines that are not events
     */
    public record Outcome(long events, long duplicates, List<Match> matches, List<Long> matchesByRule,
                          List<ArchiveProblem> problems) {
    }

    /**
     * A matching event: its id, time, detail-type and where it came from, and which rules matched it.
     *
     * @param time  the envelope's {@code time}, or null when it has none (or not an ISO-8601 instant)
     * @param rules indexes into {@link #rules()}, ascending
     */
    public record Match(String id, Instant time, String detailType, String pipelineName, String deploymentId,
                        Long sequence, Path file, List<Integer> rules) {
    }

    /**
     * The order of {@link Outcome#matches()}: by time, then deployment and sequence, so that a
     * deployment's events come together and in order (files and ids are in no useful order:
     * Firehose files mix deployments, and a redelivery lands in a later file); missing values last.
     */
    static final Comparator<Match> ORDER = Comparator
            .comparing(Match::time, Comparator.nullsLast(Comparator.<Instant>naturalOrder()))
            .thenComparing(Match::deploymentId, Comparator.nullsLast(Comparator.<String>naturalOrder()))
            .thenComparing(Match::sequence, Comparator.nullsLast(Comparator.<Long>naturalOrder()))
            .thenComparing(Match::id, Comparator.nullsLast(Comparator.<String>naturalOrder()))
            .thenComparing(Match::file);

    /**
     * Tests every distinct event of an opened archive: exactly the events of its {@code smus_events}
     * (same de-duplication, same choice of delivery: the {@code dup} flag of {@code store.raw_events}), read
     * back from their files so that every field of the envelope can be matched. The matches are in
     * time order ({@link #ORDER}).
     */
    public Outcome testArchive(EventArchive archive) {
        Counter counter = new Counter();
        archive.eventDeliveries((file, ids) -> readKept(file, ids, counter));
        return counter.outcome(archive.stats().deliveries() - counter.events, archive.problems());
    }

    private void readKept(Path file, Map<String, Integer> ids, Counter counter) {
        Map<String, Integer> wanted = new HashMap<>(ids);
        try (BufferedReader reader = reader(file)) {
            String line;
            while ((line = reader.readLine()) != null && !wanted.isEmpty()) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode node;
                try {
                    node = Json.mapper().readTree(line);
                } catch (JsonProcessingException e) {
                    continue; // reported by the archive already
                }
                if (LineValidator.problemOf(node) != null) {
                    continue;
                }
                String id = node.get("id").asText();
                Integer left = wanted.get(id);
                if (left == null) {
                    continue; // another delivery of this event was kept
                }
                if (left == 1) {
                    wanted.remove(id);
                } else {
                    wanted.put(id, left - 1);
                }
                counter.test(node, file);
            }
        } catch (IOException e) {
            throw new ArchiveException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Tests every event of a file's text: one JSON object per line (as archive files hold them), a
     * single (pretty-printed) JSON object, or a JSON array of events. The matches are in time order
     * ({@link #ORDER}).
     *
     * @throws IllegalArgumentException when the text is not JSON, or holds something other than events
     */
    public Outcome testEvents(String text, Path file) {
        Counter counter = new Counter();
        for (JsonNode event : readEvents(text, file)) {
            counter.test(event, file);
        }
        return counter.outcome(0, List.of());
    }

    /** The match of a single event, or null when no rule matches it. */
    public Match testEvent(String eventJson, Path file) {
        List<JsonNode> events = readEvents(eventJson, file);
        if (events.size() != 1) {
            throw new IllegalArgumentException(file + " holds " + events.size() + " events, not one");
        }
        return match(events.get(0), file);
    }

    /**
     * The events of a file: newline-delimited or concatenated objects, or an array of objects; each
     * an EventBridge event as the archive counts one (an object with an {@code id}).
     */
    static List<JsonNode> readEvents(String text, Path file) {
        List<JsonNode> events = new ArrayList<>();
        try (JsonParser parser = Json.mapper().createParser(text)) {
            MappingIterator<JsonNode> values = Json.mapper().readerFor(JsonNode.class).readValues(parser);
            while (values.hasNextValue()) {
                long line = parser.currentTokenLocation().getLineNr();
                JsonNode value = values.nextValue();
                if (value.isArray() && events.isEmpty() && !values.hasNextValue()) {
                    for (int i = 0; i < value.size(); i++) {
                        requireEvent(value.get(i), file, "element " + (i + 1) + " of the array");
                        events.add(value.get(i));
                    }
                    break;
                }
                requireEvent(value, file, "the value starting on line " + line);
                events.add(value);
            }
        } catch (JsonParseException e) {
            throw new IllegalArgumentException(file + ":" + e.getLocation().getLineNr() + ": not valid JSON: "
                    + LineValidator.shortMessage(e), e);
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": not valid JSON: " + e.getMessage(), e);
        }
        if (events.isEmpty()) {
            throw new IllegalArgumentException(file + " holds no event");
        }
        return events;
    }

    /** An event as the archive counts one: what it would skip and report is refused here. */
    private static void requireEvent(JsonNode node, Path file, String what) {
        String problem = LineValidator.problemOf(node);
        if (problem != null) {
            throw new IllegalArgumentException(file + ": " + what + " is " + problem);
        }
    }

    private Match match(JsonNode node, Path file) {
        List<String> hits;
        try {
            hits = machine.rulesForJSONEvent(node);
        } catch (Exception e) {
            throw new IllegalArgumentException(file + ": not a JSON event: " + e.getMessage(), e);
        }
        if (hits.isEmpty()) {
            return null;
        }
        List<Integer> indexes = new ArrayList<>(hits.size());
        for (String hit : hits) {
            indexes.add(Integer.valueOf(hit));
        }
        Collections.sort(indexes);
        JsonNode detail = node.path("detail");
        JsonNode sequence = detail.get("sequence");
        return new Match(text(node.get("id")), instant(node.get("time")), text(node.get("detail-type")),
                text(detail.get("pipelineName")), text(detail.get("deploymentId")),
                sequence != null && sequence.isNumber() ? sequence.asLong() : null, file, List.copyOf(indexes));
    }

    private static Instant instant(JsonNode time) {
        if (time == null || !time.isTextual()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(time.asText()).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** Counts events, and matches per rule. */
    private final class Counter {
        private final List<Match> matches = new ArrayList<>();
        private final long[] byRule = new long[rules.size()];
        private long events;

        void test(JsonNode event, Path file) {
            events++;
            Match m = match(event, file);
            if (m != null) {
                for (int i : m.rules()) {
                    byRule[i]++;
                }
                matches.add(m);
            }
        }

        Outcome outcome(long duplicates, List<ArchiveProblem> problems) {
            List<Long> counts = new ArrayList<>(byRule.length);
            for (long c : byRule) {
                counts.add(c);
            }
            matches.sort(ORDER);
            return new Outcome(events, duplicates, List.copyOf(matches), List.copyOf(counts), problems);
        }
    }

    private static String text(JsonNode node) {
        return node == null || node.isNull() ? null : node.asText();
    }

    private static BufferedReader reader(Path file) throws IOException {
        InputStream in = Files.newInputStream(file);
        if (file.getFileName().toString().endsWith(".gz")) {
            in = new GZIPInputStream(in);
        }
        return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    }
}
