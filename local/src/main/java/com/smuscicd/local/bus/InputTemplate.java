package com.smuscicd.local.bus;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.smuscicd.json.Json;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * An {@code InputTemplate} split into literal text and {@code <name>} placeholders, each placeholder
 * knowing where it stands, because that decides how a value is written:
 * <ul>
 *   <li>in a JSON template (one that starts with <code>&#123;</code>), a placeholder standing for a JSON value
 *       ({@code "count": <n>}) gets the value as JSON: a string quoted, an object as an object;</li>
 *   <li>in a JSON template, a placeholder inside a string literal ({@code "text": "<p> failed"})
 *       gets the value's text JSON-escaped, without quotes (the template has them), so the result
 *       stays valid JSON whatever the value holds;</li>
 *   <li>in any other template (plain text, or a quoted string like {@code "<p> failed"}), values
 *       are inserted as text, unescaped.</li>
 * </ul>
 * A path that selects nothing gives an empty text, and {@code ""} where a JSON value stands (what
 * EventBridge delivers). Strings are inserted by their text; other values by their compact JSON.
 */
final class InputTemplate {

    /** EventBridge's limit on an {@code InputTemplate}. */
    static final int MAX_LENGTH = 8192;

    /** Where a placeholder stands. */
    enum Context { TEXT, JSON_VALUE, JSON_STRING }

    /** Literal text (placeholder null) or a placeholder (literal null). */
    record Part(String literal, String placeholder, Context context) {
    }

    private final List<Part> parts;
    private final boolean json;

    private InputTemplate(List<Part> parts, boolean json) {
        this.parts = List.copyOf(parts);
        this.json = json;
    }

    /**
     * Splits and checks a template: every placeholder must be one of {@code names} or a predefined
     * variable; a JSON template must be a JSON object once filled in, with no placeholder as an
     * object key.
     *
     * @throws IllegalArgumentException naming the first problem
     */
    static InputTemplate parse(String template, Set<String> names) {
        if (template == null || template.isEmpty() || template.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("InputTemplate must be 1 to " + MAX_LENGTH + " characters");
        }
        // The API reference's rule: a template "surrounded by curly braces" is a JSON object.
        boolean json = template.stripLeading().startsWith("{");
        List<Part> parts = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        boolean inString = false;
        String placeholderInString = null;
        int length = template.length();
        for (int i = 0; i < length; i++) {
            char c = template.charAt(i);
            int close = c == '<' ? placeholderEnd(template, i) : -1;
            if (close > 0) {
                String name = template.substring(i + 1, close);
                if (!names.contains(name) && !TargetInput.PREDEFINED_VARIABLES.contains(name)) {
                    throw new IllegalArgumentException("InputTemplate contains invalid placeholder <" + name
                            + ">: it is neither a key of InputPathsMap nor a predefined variable "
                            + TargetInput.PREDEFINED_VARIABLES + " (EventBridge has no escape for '<' and '>')");
                }
                if (!literal.isEmpty()) {
                    parts.add(new Part(literal.toString(), null, null));
                    literal.setLength(0);
                }
                Context context = !json ? Context.TEXT : inString ? Context.JSON_STRING : Context.JSON_VALUE;
                parts.add(new Part(null, name, context));
                if (inString && placeholderInString == null) {
                    placeholderInString = name;
                }
                i = close;
                continue;
            }
            literal.append(c);
            if (!json) {
                continue;
            }
            if (inString) {
                // A backslash escapes the next character, except '<', which cannot be escaped.
                if (c == '\\' && i + 1 < length && template.charAt(i + 1) != '<') {
                    literal.append(template.charAt(++i));
                } else if (c == '"') {
                    inString = false;
                    if (placeholderInString != null && nextNonBlank(template, i + 1) == ':') {
                        throw new IllegalArgumentException("InputTemplate uses placeholder <" + placeholderInString
                                + "> in an object key, which EventBridge does not allow");
                    }
                    placeholderInString = null;
                }
            } else if (c == '"') {
                inString = true;
            }
        }
        if (!literal.isEmpty()) {
            parts.add(new Part(literal.toString(), null, null));
        }
        InputTemplate parsed = new InputTemplate(parts, json);
        if (json) {
            parsed.checkIsJsonObject();
        }
        return parsed;
    }

    /** Whether this is a JSON template. */
    boolean json() {
        return json;
    }

    /** The pieces, in order. */
    List<Part> parts() {
        return parts;
    }

    /** The placeholder names used, in order of first use. */
    Set<String> placeholders() {
        Set<String> names = new LinkedHashSet<>();
        parts.stream().filter(p -> p.placeholder() != null).forEach(p -> names.add(p.placeholder()));
        return names;
    }

    /**
     * The filled-in template.
     *
     * @param values the value of a placeholder, null when its path selected nothing
     */
    String render(Function<String, JsonNode> values) {
        StringBuilder out = new StringBuilder();
        for (Part part : parts) {
            if (part.placeholder() == null) {
                out.append(part.literal());
                continue;
            }
            JsonNode value = values.apply(part.placeholder());
            switch (part.context()) {
                case TEXT -> out.append(text(value));
                case JSON_VALUE -> out.append(value == null ? "\"\"" : Json.write(value));
                case JSON_STRING -> out.append(JsonStringEncoder.getInstance().quoteAsString(text(value)));
                default -> throw new IllegalStateException(part.context().name());
            }
        }
        return out.toString();
    }

    private void checkIsJsonObject() {
        // Any JSON value can replace a JSON_VALUE placeholder and escaped text a JSON_STRING one, so
        // if the template is an object with null and "" filled in, it is one with any values.
        String probe = renderProbe();
        try {
            JsonNode parsed = TargetPayload.parseStrictly(probe);
            if (parsed != null && parsed.isObject()) {
                return;
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("InputTemplate starts with '{' but is not a JSON object once its"
                    + " placeholders are filled in: " + e.getMessage(), e);
        }
        throw new IllegalArgumentException("InputTemplate starts with '{' but is not a JSON object once its"
                + " placeholders are filled in");
    }

    private String renderProbe() {
        StringBuilder out = new StringBuilder();
        for (Part part : parts) {
            if (part.placeholder() == null) {
                out.append(part.literal());
            } else if (part.context() == Context.JSON_VALUE) {
                out.append("null");
            }
        }
        return out.toString();
    }

    private static String text(JsonNode value) {
        if (value == null) {
            return "";
        }
        return value.isTextual() ? value.textValue() : Json.write(value);
    }

    /** The index of the '>' closing a placeholder opened at {@code open}, or -1 when none does. */
    private static int placeholderEnd(String template, int open) {
        for (int j = open + 1; j < template.length(); j++) {
            char c = template.charAt(j);
            if (c == '>') {
                return j;
            }
            if (c == '<' || c == '\n' || c == '\r') {
                return -1;
            }
        }
        return -1;
    }

    private static char nextNonBlank(String text, int from) {
        for (int j = from; j < text.length(); j++) {
            if (!Character.isWhitespace(text.charAt(j))) {
                return text.charAt(j);
            }
        }
        return 0;
    }
}
