package com.smuscicd.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/**
 * A manifest as a JSON tree plus where each value and key came from in the YAML text, so that
 * problems found on the tree can be reported at a line and column.
 *
 * @param root     the document
 * @param values   field path to the position of the value
 * @param keys     field path to the position of the key that holds the value
 * @param literals field path to the scalar exactly as written (e.g. {@code 0x1F}), for messages
 */
record YamlTree(JsonNode root, Map<String, Position> values, Map<String, Position> keys,
                Map<String, String> literals) {

    /** The position of the value at a path, else of its closest ancestor. */
    Position valuePosition(List<?> segments) {
        for (int n = segments.size(); n >= 0; n--) {
            Position position = values.get(FieldPath.of(segments.subList(0, n)));
            if (position != null) {
                return position;
            }
        }
        return Position.START;
    }

    /** The position of the key of a path, else of its value. */
    Position keyPosition(List<?> segments) {
        Position position = keys.get(FieldPath.of(segments));
        return position != null ? position : valuePosition(segments);
    }
}
