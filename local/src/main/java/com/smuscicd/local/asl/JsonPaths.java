package com.smuscicd.local.asl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The reference paths the runner supports: {@code $}, {@code $.a.b} for the state input and
 * {@code $$.a.b} for the context object. Anything else (brackets, wildcards, filters) is rejected
 * when the definition is loaded, so a path never silently selects the wrong thing.
 */
final class JsonPaths {

    private static final Pattern SIMPLE = Pattern.compile("^\\$\\$?(\\.[A-Za-z_][A-Za-z0-9_-]*)*$");

    private JsonPaths() {
    }

    /** Null when the path is supported, else why not. */
    static String unsupported(String path) {
        if (path == null) {
            return "path is null";
        }
        return SIMPLE.matcher(path).matches() ? null
                : "path '" + path + "' is not supported locally (only $, $.field.field and $$.field.field)";
    }

    static boolean isContextPath(String path) {
        return path.startsWith("$$");
    }

    private static List<String> segments(String path) {
        String rest = path.startsWith("$$") ? path.substring(2) : path.substring(1);
        if (rest.isEmpty()) {
            return List.of();
        }
        return List.of(rest.substring(1).split("\\."));
    }

    /** Selects a value; a missing field is a MissingNode (the caller turns it into States.Runtime). */
    static JsonNode read(JsonNode input, JsonNode context, String path) {
        JsonNode node = isContextPath(path) ? context : input;
        for (String segment : segments(path)) {
            node = node.path(segment);
            if (node.isMissingNode()) {
                return MissingNode.getInstance();
            }
        }
        return node;
    }

    /** Returns {@code input} with {@code value} placed at {@code path} (a ResultPath); creates missing objects. */
    static JsonNode write(JsonNode input, String path, JsonNode value) {
        List<String> segments = segments(path);
        if (segments.isEmpty()) {
            return value;
        }
        ObjectNode root = input != null && input.isObject() ? ((ObjectNode) input).deepCopy()
                : JsonNodeFactory.instance.objectNode();
        ObjectNode cursor = root;
        for (int i = 0; i < segments.size() - 1; i++) {
            JsonNode next = cursor.get(segments.get(i));
            if (next == null || !next.isObject()) {
                next = cursor.putObject(segments.get(i));
            }
            cursor = (ObjectNode) next;
        }
        cursor.set(segments.get(segments.size() - 1), value);
        return root;
    }
}
