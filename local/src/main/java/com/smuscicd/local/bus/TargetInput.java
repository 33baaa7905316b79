package com.smuscicd.local.bus;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What a rule target receives for each matched event: EventBridge's target input options, one per
 * target at most, checked when the rule is loaded.
 * <ul>
 *   <li>{@link MatchedEvent} (no option): the whole event;</li>
 *   <li>{@link Constant} ({@code Input}): a constant JSON text instead of the event;</li>
 *   <li>{@link Path} ({@code InputPath}): the part of the event a JSON path selects, as JSON
 *       ({@code $.detail.pipelineName} gives {@code "MyPipeline"}, quotes included);</li>
 *   <li>{@link Transformer} ({@code InputTransformer}): a template filled in with values the
 *       {@code InputPathsMap} paths select, and the predefined variables
 *       {@link #PREDEFINED_VARIABLES}.</li>
 * </ul>
 * JSON paths are {@code $} or dotted names ({@code $.detail.error.code}), see
 * {@link #path(String)}; template semantics are described on {@link Transformer}.
 */
public sealed interface TargetInput permits TargetInput.MatchedEvent, TargetInput.Constant, TargetInput.Path,
        TargetInput.Transformer {

    /** EventBridge's limit on {@code Input}. */
    int MAX_INPUT_LENGTH = 8192;
    /** EventBridge's limit on the entries of {@code InputPathsMap}. */
    int MAX_INPUT_PATHS = 100;

    /**
     * The variables every template may use without defining them, as EventBridge defines them:
     * {@code aws.events.rule-arn} and {@code aws.events.rule-name} (the rule's), {@code
     * aws.events.event.ingestion-time} (when the bus received the event, ISO-8601 UTC),
     * {@code aws.events.event} (the event without {@code detail}, its {@code detail-type} named
     * {@code detailType}, as EventBridge delivers it) and {@code aws.events.event.json} (the whole
     * event). Their names cannot be used as {@code InputPathsMap} keys.
     */
    List<String> PREDEFINED_VARIABLES = List.of("aws.events.rule-arn", "aws.events.rule-name",
            "aws.events.event", "aws.events.event.json", "aws.events.event.ingestion-time");

    /** The default: the target receives the whole event. */
    static TargetInput matchedEvent() {
        return new MatchedEvent();
    }

    /**
     * {@code Input}: this JSON text instead of the event, sent exactly as given.
     *
     * @throws IllegalArgumentException when it is not one JSON value, or longer than {@value #MAX_INPUT_LENGTH}
     */
    static TargetInput constant(String json) {
        return new Constant(json);
    }

    /**
     * {@code InputPath}: the part of the event at a JSON path, {@code $} or dotted field names
     * such as {@code $.detail.target}; no indices, wildcards or quoted names.
     *
     * @throws IllegalArgumentException for any other path
     */
    static TargetInput path(String inputPath) {
        return new Path(inputPath);
    }

    /**
     * {@code InputTransformer}.
     *
     * @throws IllegalArgumentException for a path, key or template EventBridge or the local bus rejects
     */
    static TargetInput transformer(Map<String, String> inputPathsMap, String inputTemplate) {
        return new Transformer(inputPathsMap, inputTemplate);
    }

    /** The whole event, unchanged. */
    record MatchedEvent() implements TargetInput {
    }

    /** A constant JSON text ({@code Input}). */
    record Constant(String json) implements TargetInput {

        public Constant {
            Objects.requireNonNull(json, "json");
            if (json.length() > MAX_INPUT_LENGTH) {
                throw new IllegalArgumentException("Input must be at most " + MAX_INPUT_LENGTH + " characters");
            }
            JsonNode parsed;
            try {
                parsed = TargetPayload.parseStrictly(json);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("Input must be valid JSON text: " + e.getMessage(), e);
            }
            if (parsed == null) {
                throw new IllegalArgumentException("Input must be valid JSON text, not blank");
            }
        }
    }

    /**
     * Part of the event ({@code InputPath}).
     *
     * @param fields the path parsed once, when the rule is loaded, not at every delivery
     */
    record Path(String inputPath, List<String> fields) implements TargetInput {

        Path(String inputPath) {
            this(inputPath, null);
        }

        /** {@code fields} always follows from {@code inputPath}: whatever is passed is replaced. */
        public Path {
            try {
                fields = SimpleJsonPath.parse(inputPath);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("InputPath: " + e.getMessage(), e);
            }
        }
    }

    /**
     * A template filled in with parts of the event ({@code InputTransformer}).
     *
     * <p>Placeholders are {@code <name>}, a key of {@code inputPathsMap} or a predefined variable.
     * A template that starts with <code>&#123;</code> is JSON: a placeholder standing as a value gets the
     * value as JSON (strings quoted, objects, arrays, numbers and booleans as such), a placeholder
     * inside a string literal gets the value's text JSON-escaped, so quotes and newlines in event
     * values keep the result valid JSON. Any other template is text: values are inserted as text
     * (objects as their JSON). A path that selects nothing inserts an empty text ({@code ""} where
     * a JSON value stands).
     *
     * @param inputPathsMap up to {@value #MAX_INPUT_PATHS} variable names and their JSON paths
     * @param inputTemplate at most 8192 characters
     */
    record Transformer(Map<String, String> inputPathsMap, String inputTemplate, InputTemplate template,
                       Map<String, List<String>> paths) implements TargetInput {

        private static final Pattern KEY = Pattern.compile("[A-Za-z0-9_.-]{1,256}");

        /** Checks and parses the map and template once, when the rule is loaded. */
        Transformer(Map<String, String> inputPathsMap, String inputTemplate) {
            this(inputPathsMap, inputTemplate, null, null);
        }

        /** {@code template} and {@code paths} always follow from the first two: whatever is passed is replaced. */
        public Transformer {
            inputPathsMap = inputPathsMap == null ? Map.of()
                    : Collections.unmodifiableMap(new LinkedHashMap<>(inputPathsMap));
            if (inputPathsMap.size() > MAX_INPUT_PATHS) {
                throw new IllegalArgumentException("InputPathsMap has " + inputPathsMap.size()
                        + " entries; EventBridge allows at most " + MAX_INPUT_PATHS);
            }
            Map<String, List<String>> parsedPaths = new LinkedHashMap<>();
            for (Map.Entry<String, String> entry : inputPathsMap.entrySet()) {
                String key = entry.getKey();
                if (PREDEFINED_VARIABLES.contains(key) || key.toLowerCase(Locale.ROOT).startsWith("aws.")) {
                    throw new IllegalArgumentException("InputPathsMap key '" + key + "' is reserved: keys cannot"
                            + " start with 'AWS.', and the predefined variables " + PREDEFINED_VARIABLES
                            + " need no path");
                }
                if (!KEY.matcher(key).matches()) {
                    throw new IllegalArgumentException("InputPathsMap key '" + key
                            + "' must be 1 to 256 letters, digits, '_', '-' or '.'");
                }
                try {
                    parsedPaths.put(key, SimpleJsonPath.parse(entry.getValue()));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("InputPathsMap '" + key + "': " + e.getMessage(), e);
                }
            }
            template = InputTemplate.parse(inputTemplate, inputPathsMap.keySet());
            paths = Collections.unmodifiableMap(parsedPaths);
        }

        // Equal when EventBridge would treat them alike: the parsed forms follow from the two fields.
        @Override
        public boolean equals(Object other) {
            return other instanceof Transformer that && inputPathsMap.equals(that.inputPathsMap)
                    && Objects.equals(inputTemplate, that.inputTemplate);
        }

        @Override
        public int hashCode() {
            return Objects.hash(inputPathsMap, inputTemplate);
        }

        @Override
        public String toString() {
            return "Transformer[inputPathsMap=" + inputPathsMap + ", inputTemplate=" + inputTemplate + "]";
        }
    }
}
