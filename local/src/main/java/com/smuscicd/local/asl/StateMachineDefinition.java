package com.smuscicd.local.asl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.smuscicd.json.Json;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A parsed and checked Amazon States Language definition. Everything the local runner cannot run
 * exactly is rejected here, with the state and field named, rather than ignored at run time.
 *
 * <p>Supported: state types Task, Pass, Fail, Succeed and Wait ({@code Seconds}); fields InputPath,
 * Parameters (with {@code .$} reference paths), ResultSelector, ResultPath, OutputPath, Result,
 * TimeoutSeconds, Retry (IntervalSeconds, MaxAttempts, BackoffRate, MaxDelaySeconds,
 * JitterStrategy), Catch; task resources that are {@code ${Placeholder}} names.
 */
public final class StateMachineDefinition {

    private static final Pattern PLACEHOLDER = Pattern.compile("^\\$\\{([A-Za-z0-9_]+)}$");
    private static final Set<String> TOP_FIELDS = Set.of("Comment", "StartAt", "States", "TimeoutSeconds", "Version");
    private static final Set<String> COMMON = Set.of("Type", "Comment", "Next", "End", "InputPath", "OutputPath");
    private static final Map<String, Set<String>> FIELDS = Map.of(
            "Task", union(COMMON, "Resource", "Parameters", "ResultSelector", "ResultPath", "TimeoutSeconds", "Retry",
                    "Catch"),
            "Pass", union(COMMON, "Parameters", "Result", "ResultPath"),
            "Wait", union(COMMON, "Seconds"),
            "Succeed", Set.of("Type", "Comment", "InputPath", "OutputPath"),
            "Fail", Set.of("Type", "Comment", "Error", "Cause"));
    private static final Set<String> RETRY_FIELDS = Set.of("ErrorEquals", "IntervalSeconds", "MaxAttempts",
            "BackoffRate", "MaxDelaySeconds", "JitterStrategy", "Comment");
    private static final Set<String> CATCH_FIELDS = Set.of("ErrorEquals", "ResultPath", "Next", "Comment");

    private final String startAt;
    private final Integer timeoutSeconds;
    private final Map<String, ObjectNode> states;
    private final Set<String> placeholders;

    private StateMachineDefinition(String startAt, Integer timeoutSeconds, Map<String, ObjectNode> states,
                                   Set<String> placeholders) {
        this.startAt = startAt;
        this.timeoutSeconds = timeoutSeconds;
        this.states = states;
        this.placeholders = placeholders;
    }

    /**
     * Parses and checks a definition.
     *
     * @throws AslException naming the state and field of the first problem found
     */
    public static StateMachineDefinition parse(String json) {
        JsonNode root;
        try {
            root = Json.mapper().readTree(json);
        } catch (Exception e) {
            throw new AslException("state machine definition is not valid JSON: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new AslException("state machine definition must be a JSON object");
        }
        checkFields("the definition", root, TOP_FIELDS);
        if (!root.path("StartAt").isTextual()) {
            throw new AslException("the definition has no StartAt");
        }
        if (!root.path("States").isObject() || root.path("States").isEmpty()) {
            throw new AslException("the definition has no States");
        }
        Map<String, ObjectNode> states = new LinkedHashMap<>();
        root.path("States").fields().forEachRemaining(e -> {
            if (!e.getValue().isObject()) {
                throw new AslException("state '" + e.getKey() + "' is not an object");
            }
            states.put(e.getKey(), (ObjectNode) e.getValue());
        });
        String startAt = root.path("StartAt").asText();
        if (!states.containsKey(startAt)) {
            throw new AslException("StartAt '" + startAt + "' is not a state");
        }
        Set<String> placeholders = new LinkedHashSet<>();
        states.forEach((name, state) -> checkState(name, state, states.keySet(), placeholders));
        Integer timeout = root.has("TimeoutSeconds") ? positiveInt("the definition", root, "TimeoutSeconds") : null;
        return new StateMachineDefinition(startAt, timeout, states, placeholders);
    }

    /** The first state. */
    public String startAt() {
        return startAt;
    }

    /** The execution's TimeoutSeconds, or null. */
    public Integer timeoutSeconds() {
        return timeoutSeconds;
    }

    /** A state by name. */
    ObjectNode state(String name) {
        return states.get(name);
    }

    /** Every state name, in file order. */
    public Set<String> stateNames() {
        return states.keySet();
    }

    /** The {@code ${Name}} placeholders used as task resources, without {@code ${}}. */
    public Set<String> placeholders() {
        return placeholders;
    }

    /** Every error name used in a Retry or Catch, in file order. */
    public Set<String> errorNames() {
        Set<String> names = new LinkedHashSet<>();
        for (ObjectNode state : states.values()) {
            for (String field : new String[] {"Retry", "Catch"}) {
                state.path(field).forEach(r -> r.path("ErrorEquals").forEach(e -> names.add(e.asText())));
            }
        }
        return names;
    }

    /** The placeholder name of a Task's resource. */
    static String placeholderOf(ObjectNode state) {
        Matcher m = PLACEHOLDER.matcher(state.path("Resource").asText());
        return m.matches() ? m.group(1) : null;
    }

    private static void checkState(String name, ObjectNode state, Set<String> stateNames, Set<String> placeholders) {
        String where = "state '" + name + "'";
        String type = state.path("Type").asText(null);
        if (type == null) {
            throw new AslException(where + " has no Type");
        }
        Set<String> allowed = FIELDS.get(type);
        if (allowed == null) {
            throw new AslException(where + ": type '" + type + "' is not supported by the local runner"
                    + " (supported: Task, Pass, Wait, Succeed, Fail)");
        }
        checkFields(where, state, allowed);
        boolean terminal = type.equals("Succeed") || type.equals("Fail");
        if (!terminal) {
            boolean end = state.path("End").asBoolean(false);
            boolean hasNext = state.has("Next");
            if (end == hasNext) {
                throw new AslException(where + " must have exactly one of Next or End: true");
            }
            if (hasNext && !stateNames.contains(state.path("Next").asText())) {
                throw new AslException(where + ": Next '" + state.path("Next").asText() + "' is not a state");
            }
        }
        for (String pathField : new String[] {"InputPath", "OutputPath", "ResultPath"}) {
            JsonNode value = state.get(pathField);
            if (value != null && !value.isNull()) {
                checkPath(where + " " + pathField, value);
            }
        }
        if (state.has("Parameters")) {
            checkPayloadTemplate(where + " Parameters", state.get("Parameters"));
        }
        if (state.has("ResultSelector")) {
            checkPayloadTemplate(where + " ResultSelector", state.get("ResultSelector"));
        }
        if (type.equals("Task")) {
            String placeholder = placeholderOf(state);
            if (placeholder == null) {
                throw new AslException(where + ": Resource '" + state.path("Resource").asText()
                        + "' must be a ${Placeholder} the local runner maps to a function");
            }
            placeholders.add(placeholder);
            if (state.has("TimeoutSeconds")) {
                positiveInt(where, state, "TimeoutSeconds");
            }
            checkRetriers(where, state.path("Retry"));
            checkCatchers(where, state.path("Catch"), stateNames);
        }
        if (type.equals("Wait") && !state.path("Seconds").canConvertToInt()) {
            throw new AslException(where + ": Wait needs Seconds (SecondsPath, Timestamp are not supported locally)");
        }
        if (type.equals("Fail") && (!state.path("Error").isTextual())) {
            throw new AslException(where + ": Fail needs a static Error (ErrorPath is not supported locally)");
        }
    }

    private static void checkRetriers(String where, JsonNode retry) {
        if (retry.isMissingNode()) {
            return;
        }
        if (!retry.isArray()) {
            throw new AslException(where + ": Retry must be an array");
        }
        for (int i = 0; i < retry.size(); i++) {
            JsonNode r = retry.get(i);
            String at = where + " Retry[" + i + "]";
            checkFields(at, r, RETRY_FIELDS);
            checkErrorEquals(at, r);
            String jitter = r.path("JitterStrategy").asText("NONE");
            if (!jitter.equals("NONE") && !jitter.equals("FULL")) {
                throw new AslException(at + ": JitterStrategy must be FULL or NONE");
            }
            if (r.has("BackoffRate") && r.path("BackoffRate").asDouble() < 1.0) {
                throw new AslException(at + ": BackoffRate must be at least 1.0");
            }
        }
    }

    private static void checkCatchers(String where, JsonNode catchers, Set<String> stateNames) {
        if (catchers.isMissingNode()) {
            return;
        }
        if (!catchers.isArray()) {
            throw new AslException(where + ": Catch must be an array");
        }
        for (int i = 0; i < catchers.size(); i++) {
            JsonNode c = catchers.get(i);
            String at = where + " Catch[" + i + "]";
            checkFields(at, c, CATCH_FIELDS);
            checkErrorEquals(at, c);
            if (!stateNames.contains(c.path("Next").asText())) {
                throw new AslException(at + ": Next '" + c.path("Next").asText() + "' is not a state");
            }
            if (c.has("ResultPath") && !c.get("ResultPath").isNull()) {
                checkPath(at + " ResultPath", c.get("ResultPath"));
            }
        }
    }

    private static void checkErrorEquals(String where, JsonNode retrierOrCatcher) {
        JsonNode errors = retrierOrCatcher.path("ErrorEquals");
        if (!errors.isArray() || errors.isEmpty()) {
            throw new AslException(where + ": ErrorEquals must be a non-empty array");
        }
        for (int i = 0; i < errors.size(); i++) {
            if ("States.ALL".equals(errors.get(i).asText()) && errors.size() > 1) {
                throw new AslException(where + ": States.ALL must appear alone in ErrorEquals");
            }
        }
    }

    private static void checkPayloadTemplate(String where, JsonNode template) {
        if (!template.isObject()) {
            throw new AslException(where + " must be an object");
        }
        Iterator<Map.Entry<String, JsonNode>> fields = template.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (field.getKey().endsWith(".$")) {
                if (!field.getValue().isTextual()) {
                    throw new AslException(where + "." + field.getKey() + " must be a path string");
                }
                String path = field.getValue().asText();
                if (path.startsWith("States.")) {
                    throw new AslException(where + "." + field.getKey() + ": intrinsic function '" + path
                            + "' is not supported by the local runner");
                }
                checkPath(where + "." + field.getKey(), field.getValue());
            } else if (field.getValue().isObject()) {
                checkPayloadTemplate(where + "." + field.getKey(), field.getValue());
            }
        }
    }

    private static void checkPath(String where, JsonNode path) {
        String problem = path.isTextual() ? JsonPaths.unsupported(path.asText()) : "must be a string";
        if (problem != null) {
            throw new AslException(where + ": " + problem);
        }
    }

    private static void checkFields(String where, JsonNode node, Set<String> allowed) {
        node.fieldNames().forEachRemaining(f -> {
            if (!allowed.contains(f)) {
                throw new AslException(where + ": field '" + f + "' is not supported by the local runner");
            }
        });
    }

    private static int positiveInt(String where, JsonNode node, String field) {
        JsonNode value = node.path(field);
        if (!value.canConvertToInt() || value.asInt() <= 0) {
            throw new AslException(where + ": " + field + " must be a positive integer");
        }
        return value.asInt();
    }

    private static Set<String> union(Set<String> base, String... more) {
        Set<String> all = new LinkedHashSet<>(base);
        all.addAll(Set.of(more));
        return Set.copyOf(all);
    }
}
