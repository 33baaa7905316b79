package com.smuscicd.local.bus;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The JSON paths the local bus evaluates in {@code InputPath} and {@code InputPathsMap}: {@code $}
 * (the whole event) or {@code $} followed by dotted field names, e.g. {@code $.detail.error.code}
 * or {@code $.detail-type}. EventBridge also accepts array indices and wildcards; the local bus
 * rejects them when a rule is loaded rather than guess how they behave.
 */
final class SimpleJsonPath {

    /** EventBridge's limit on an {@code InputPath} and on each {@code InputPathsMap} value. */
    static final int MAX_LENGTH = 256;

    private static final Pattern PATH = Pattern.compile("\\$(\\.[A-Za-z0-9_-]+)*");

    private SimpleJsonPath() {
    }

    /**
     * The field names of a path, outermost first; empty for {@code $}.
     *
     * @throws IllegalArgumentException for any other syntax, naming the path
     */
    static List<String> parse(String path) {
        if (path == null || path.length() > MAX_LENGTH || !PATH.matcher(path).matches()) {
            throw new IllegalArgumentException("unsupported JSON path '" + path + "': the local bus supports $ and"
                    + " dotted field names (letters, digits, '-', '_') only, e.g. $.detail.error.code"
                    + " (no [..] indices, wildcards or quoted names; at most " + MAX_LENGTH + " characters)");
        }
        return path.length() == 1 ? List.of() : List.of(path.substring(2).split("\\."));
    }

    /** The node at the path, or null when the event has nothing there. */
    static JsonNode select(JsonNode root, List<String> fields) {
        JsonNode node = root;
        for (String field : fields) {
            if (node == null || !node.isObject()) {
                return null;
            }
            node = node.get(field);
        }
        return node;
    }
}
