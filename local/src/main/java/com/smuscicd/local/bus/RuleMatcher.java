package com.smuscicd.local.bus;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.smuscicd.json.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.event.ruler.Machine;

/**
 * Which rules an event matches: event-ruler's answer, computed faster for the events a bus sees
 * again and again.
 *
 * <p>The patterns people write often spend most of event-ruler's time on a few fields with few
 * values: a wildcard, suffix or prefix on {@code detail-type}, say, tried on every event. Those
 * "key" fields ({@link #DEFAULT_KEY_FIELDS}: {@code source}, {@code detail-type}, {@code account},
 * {@code region}, {@code detail.stage}, {@code detail.status}, {@code detail.target.stage}) take
 * few distinct values on one bus. Once a combination of their values (a key) has been seen
 * {@value #SPECIALIZE_AFTER} times, the matcher builds a machine for that key alone:
 * <ul>
 *   <li>a rule whose conditions on key fields fail for the key's values is left out: it cannot
 *       match any event with that key;</li>
 *   <li>a rule whose conditions on key fields hold keeps only its other conditions (and matches
 *       outright when it has none);</li>
 *   <li>a rule that cannot be split so (it uses {@code $or}, names a field twice, or its remainder
 *       is not a pattern) keeps its whole pattern.</li>
 * </ul>
 * Whether a rule's key conditions hold is decided by event-ruler itself, on an event made of the
 * key fields only. This gives event-ruler's answer because a pattern is a conjunction of
 * conditions on flattened fields, and a key field that holds one string, outside any array, is
 * the same field in both events (array consistency cannot involve it). The key is therefore
 * used only for an event whose key fields are all strings reached through objects whose keys
 * contain no dot (event-ruler reads {@code {"a.b": 1}} as {@code {"a": {"b": 1}}}). Any other
 * event, a key not yet seen often enough, or a key beyond the first {@value #MAX_KEYS}, goes to
 * the machine of all the whole patterns.
 *
 * <p>Thread-safe: event-ruler's machines are, and specialized machines are built once per key.
 */
public final class RuleMatcher {

    /** Envelope and detail fields with few values per bus, the usual subjects of costly patterns. */
    public static final List<String> DEFAULT_KEY_FIELDS = List.of("source", "detail-type", "account", "region",
            "detail.stage", "detail.status", "detail.target.stage");
    /** How often a key must have been seen before it gets its own machine: a one-off event is cheaper unspecialized. */
    static final int SPECIALIZE_AFTER = 3;
    /** Keys given their own machine at most; more means the key fields are not few-valued on this bus. */
    static final int MAX_KEYS = 256;

    private static final ObjectReader STRICT = Json.mapper().reader()
            .with(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private final List<String> ruleNames;
    private final Map<String, String> patterns = new LinkedHashMap<>();
    private final Set<String> keyFieldSet;
    private final List<String[]> keyPaths;
    private final Machine all;
    /** The rules split by key fields, made on the first specialization (most short runs never need it). */
    private volatile Splits splitRules;
    private final ConcurrentHashMap<List<String>, Object> keys = new ConcurrentHashMap<>();

    /**
     * The rules split by key fields.
     *
     * @param keyConditions each rule's conditions on key fields only, under the rule's name; rules
     *                      without any are absent
     * @param byRule        per rule: its pattern without the key fields, or null when it is matched
     *                      whole (see {@link #split})
     */
    private record Splits(Machine keyConditions, Map<String, Split> byRule) {
    }

    private RuleMatcher(List<String> names, List<String> patterns, List<String> keyFields) {
        this.ruleNames = List.copyOf(names);
        this.keyFieldSet = Set.copyOf(keyFields);
        this.keyPaths = keyFields.stream().map(f -> f.split("\\.", -1)).toList();
        this.all = new Machine();
        for (int i = 0; i < names.size(); i++) {
            this.patterns.put(names.get(i), patterns.get(i));
            add(all, names.get(i), patterns.get(i));
        }
    }

    private Splits splits() {
        Splits result = splitRules;
        if (result == null) {
            synchronized (this) {
                result = splitRules;
                if (result == null) {
                    Machine keyConditions = new Machine();
                    Map<String, Split> byRule = new LinkedHashMap<>();
                    for (String name : ruleNames) {
                        Split split = split(patterns.get(name), keyFieldSet);
                        if (split != null) {
                            try {
                                keyConditions.addRule(name, split.keyConditions());
                                // The remainder must be a pattern event-ruler takes too, or the rule is matched whole.
                                if (split.remainder() != null) {
                                    new Machine().addRule(name, split.remainder());
                                }
                            } catch (IOException | RuntimeException e) {
                                split = null;
                            }
                        }
                        byRule.put(name, split);
                    }
                    result = new Splits(keyConditions, byRule);
                    splitRules = result;
                }
            }
        }
        return result;
    }

    /**
     * A matcher of the given rules (all of them: leave disabled rules out) with the
     * {@linkplain #DEFAULT_KEY_FIELDS default key fields}.
     *
     * @throws IllegalArgumentException when event-ruler rejects a pattern
     */
    public static RuleMatcher of(List<LocalRule> rules) {
        return of(rules, DEFAULT_KEY_FIELDS);
    }

    /** As {@link #of(List)}, with other key fields (dotted paths); none means plain event-ruler. */
    static RuleMatcher of(List<LocalRule> rules, List<String> keyFields) {
        return new RuleMatcher(rules.stream().map(LocalRule::name).toList(),
                rules.stream().map(LocalRule::eventPattern).toList(), keyFields);
    }

    /** The names of the rules the event (an EventBridge envelope) matches, in no particular order, each once. */
    public Set<String> matches(JsonNode event) {
        List<String> key = keyOf(event);
        if (key == null) {
            return new HashSet<>(all.rulesForJSONEvent(event));
        }
        Object state = keys.get(key);
        if (!(state instanceof Specialized)) {
            if (state == null && keys.size() >= MAX_KEYS) {
                return new HashSet<>(all.rulesForJSONEvent(event));
            }
            state = keys.merge(key, 1, (seen, one) -> seen instanceof Integer n ? n + 1 : seen);
            if (state instanceof Integer seen) {
                if (seen < SPECIALIZE_AFTER) {
                    return new HashSet<>(all.rulesForJSONEvent(event));
                }
                // Threads racing here build the same machine; whichever is kept is right.
                state = specialize(key);
                keys.put(key, state);
            }
        }
        Specialized specialized = (Specialized) state;
        Set<String> matched = new HashSet<>(specialized.always());
        if (specialized.machine() != null) {
            matched.addAll(specialized.machine().rulesForJSONEvent(event));
        }
        return matched;
    }

    /** The values of the key fields when each is a string that event-ruler reads only from its path; else null. */
    List<String> keyOf(JsonNode event) {
        if (keyPaths.isEmpty() || !event.isObject()) {
            return null;
        }
        String[] values = new String[keyPaths.size()];
        // The key paths share their objects (the envelope, detail...): look at each one's field names once.
        JsonNode[] checked = new JsonNode[4];
        int checkedCount = 0;
        for (int i = 0; i < values.length; i++) {
            JsonNode node = event;
            for (String segment : keyPaths.get(i)) {
                if (!node.isObject()) {
                    return null;
                }
                if (!contains(checked, checkedCount, node)) {
                    if (hasDottedKey(node)) {
                        return null;
                    }
                    if (checkedCount < checked.length) {
                        checked[checkedCount++] = node;
                    }
                }
                node = node.get(segment);
                if (node == null) {
                    return null;
                }
            }
            if (!node.isTextual()) {
                return null;
            }
            values[i] = node.textValue();
        }
        return Arrays.asList(values);
    }

    private static boolean contains(JsonNode[] nodes, int count, JsonNode node) {
        for (int i = 0; i < count; i++) {
            if (nodes[i] == node) {
                return true;
            }
        }
        return false;
    }

    private static boolean hasDottedKey(JsonNode object) {
        for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
            if (names.next().indexOf('.') >= 0) {
                return true;
            }
        }
        return false;
    }

    private Specialized specialize(List<String> key) {
        ObjectNode keyEvent = Json.mapper().createObjectNode();
        for (int i = 0; i < keyPaths.size(); i++) {
            String[] path = keyPaths.get(i);
            ObjectNode parent = keyEvent;
            for (int s = 0; s < path.length - 1; s++) {
                parent = parent.has(path[s]) ? (ObjectNode) parent.get(path[s]) : parent.putObject(path[s]);
            }
            parent.put(path[path.length - 1], key.get(i));
        }
        Splits splits = splits();
        Set<String> keyMatches = new HashSet<>(splits.keyConditions().rulesForJSONEvent(keyEvent));
        Machine machine = new Machine();
        boolean any = false;
        List<String> always = new ArrayList<>();
        for (String name : ruleNames) {
            Split split = splits.byRule().get(name);
            if (split == null) {
                add(machine, name, patterns.get(name));
                any = true;
            } else if (keyMatches.contains(name)) {
                if (split.remainder() == null) {
                    always.add(name);
                } else {
                    add(machine, name, split.remainder());
                    any = true;
                }
            }
        }
        return new Specialized(List.copyOf(always), any ? machine : null);
    }

    private static void add(Machine machine, String name, String pattern) {
        try {
            machine.addRule(name, pattern);
        } catch (IOException e) {
            throw new IllegalArgumentException("event-ruler rejected the pattern of rule " + name, e);
        }
    }

    /**
     * The pattern's conditions on key fields, and the rest (null when nothing is left); null when
     * the pattern has no key condition or cannot be split: {@code $or} anywhere, a key field
     * given twice (as {@code {"a": {"b": ..}}} and {@code {"a.b": ..}}), or a key condition that
     * is not a non-empty array.
     */
    static Split split(String pattern, Set<String> keyFields) {
        JsonNode tree;
        try {
            // event-ruler keeps every occurrence of a repeated key, a tree only the last: such a
            // pattern is matched whole
            tree = STRICT.readTree(pattern);
        } catch (IOException e) {
            return null;
        }
        // a float may be written back differently (1e20 as 1.0E20), and event-ruler compares
        // literals as written: such a pattern is matched whole too
        if (tree == null || !tree.isObject() || containsOr(tree) || containsFloat(tree)) {
            return null;
        }
        ObjectNode conditions = Json.mapper().createObjectNode();
        Set<String> seen = new HashSet<>();
        ObjectNode remainder = tree.deepCopy();
        if (!extract(remainder, "", keyFields, conditions, seen)) {
            return null;
        }
        if (conditions.isEmpty()) {
            return null;
        }
        return new Split(Json.write(conditions), remainder.isEmpty() ? null : Json.write(remainder));
    }

    /** Moves the key conditions of {@code object} (at flattened path {@code prefix}) into {@code conditions}. */
    private static boolean extract(ObjectNode object, String prefix, Set<String> keyFields, ObjectNode conditions,
                                   Set<String> seen) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        for (String name : names) {
            String path = prefix.isEmpty() ? name : prefix + "." + name;
            JsonNode value = object.get(name);
            if (keyFields.contains(path)) {
                if (!value.isArray() || value.isEmpty() || !seen.add(path)) {
                    return false;
                }
                putPath(conditions, path, value);
                object.remove(name);
            } else if (value.isObject()) {
                if (!extract((ObjectNode) value, path, keyFields, conditions, seen)) {
                    return false;
                }
                if (value.isEmpty()) {
                    object.remove(name);
                }
            }
        }
        return true;
    }

    /** Sets {@code value} at the dotted {@code path}, as nested objects. */
    private static void putPath(ObjectNode root, String path, JsonNode value) {
        String[] segments = path.split("\\.", -1);
        ObjectNode parent = root;
        for (int s = 0; s < segments.length - 1; s++) {
            JsonNode child = parent.get(segments[s]);
            parent = child instanceof ObjectNode object ? object : parent.putObject(segments[s]);
        }
        parent.set(segments[segments.length - 1], value);
    }

    private static boolean containsFloat(JsonNode node) {
        if (node.isFloatingPointNumber()) {
            return true;
        }
        for (JsonNode child : node) {
            if (containsFloat(child)) {
                return true;
            }
        }
        return false;
    }

    private static boolean containsOr(JsonNode node) {
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
                Map.Entry<String, JsonNode> field = fields.next();
                if (field.getKey().equals("$or") || containsOr(field.getValue())) {
                    return true;
                }
            }
        } else if (node.isArray()) {
            for (JsonNode element : node) {
                if (containsOr(element)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** A pattern split into its key conditions (JSON) and the rest (JSON, or null when nothing is left). */
    record Split(String keyConditions, String remainder) {
    }

    /** The machine of one key: rules that match outright, and the remainders (null when none). */
    private record Specialized(List<String> always, Machine machine) {
    }
}
