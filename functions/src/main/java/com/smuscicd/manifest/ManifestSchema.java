package com.smuscicd.manifest;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.AnnotationKeyword;
import com.networknt.schema.JsonMetaSchema;
import com.networknt.schema.JsonNodePath;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import com.smuscicd.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The JSON Schema of {@code pipeline.yaml} ({@value #RESOURCE}, draft 2020-12) and the
 * translation of its findings into messages that name the field and say what was expected.
 *
 * <p>Pattern constraints carry an {@code x-expected} annotation with a human description of the
 * format, so users read "an AWS Region code such as us-east-1" rather than a regular expression.
 */
final class ManifestSchema {

    static final String RESOURCE = "/smus-manifest/pipeline.schema.json";
    private static final String EXPECTED = "x-expected";

    private static final class Holder {
        static final ManifestSchema INSTANCE = new ManifestSchema(readResource());
    }

    private final JsonNode tree;
    private final JsonSchema schema;

    private ManifestSchema(JsonNode tree) {
        this.tree = tree;
        // x-expected is declared as an annotation so the validator neither warns about it nor checks it.
        JsonMetaSchema metaSchema = JsonMetaSchema.builder(JsonMetaSchema.getV202012())
                .keyword(new AnnotationKeyword(EXPECTED))
                .build();
        this.schema = JsonSchemaFactory.builder(JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012))
                .metaSchema(metaSchema)
                .build()
                .getSchema(tree, SchemaValidatorsConfig.builder().build());
    }

    /** The shared instance; compiled once, thread-safe. */
    static ManifestSchema get() {
        return Holder.INSTANCE;
    }

    private static JsonNode readResource() {
        try (InputStream in = ManifestSchema.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + RESOURCE);
            }
            return Json.mapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Validates the tree and adds one problem per schema violation. */
    void check(YamlTree document, Problems problems) {
        for (ValidationMessage message : schema.validate(document.root())) {
            translate(message, document, problems);
        }
    }

    private void translate(ValidationMessage m, YamlTree document, Problems problems) {
        List<Object> at = segments(m.getInstanceLocation());
        String field = FieldPath.of(at);
        JsonNode value = m.getInstanceNode();
        JsonNode keyword = m.getSchemaNode();
        switch (m.getType()) {
            case "required" -> problems.add(document.valuePosition(at),
                    FieldPath.key(field, m.getProperty()) + " is required");
            case "additionalProperties" -> {
                List<Object> key = append(at, m.getProperty());
                List<String> known = new ArrayList<>();
                parentOf(m).path("properties").fieldNames().forEachRemaining(known::add);
                String hint = Suggestions.closest(m.getProperty(), known)
                        .map(s -> "did you mean '" + s + "'?")
                        .orElse(known.isEmpty() ? "" : "expected one of: " + String.join(", ", known));
                problems.add(document.keyPosition(key),
                        FieldPath.of(key) + " is not a known key" + (hint.isEmpty() ? "" : "; " + hint));
            }
            case "propertyNames" -> {
                List<Object> key = append(at, m.getProperty());
                problems.add(document.keyPosition(key), FieldPath.of(key) + " is not a valid name; use "
                        + keyword.path(EXPECTED).asText("a simpler name"));
            }
            case "type" -> problems.add(document.valuePosition(at),
                    field + " must be " + expected(keyword.asText()) + ", got " + found(value, document, field)
                            + quoteHint(keyword.asText(), value, document, field));
            case "pattern" -> problems.add(document.valuePosition(at), patternMessage(m, field, value));
            case "enum" -> {
                List<String> allowed = new ArrayList<>();
                keyword.forEach(v -> allowed.add(v.asText()));
                String suggestion = Suggestions.closest(value.asText(), allowed)
                        .map(s -> "; did you mean '" + s + "'?").orElse("");
                problems.add(document.valuePosition(at), field + " must be one of " + String.join(", ", allowed)
                        + ", got " + found(value, document, field) + suggestion);
            }
            case "minLength", "minItems", "minProperties" ->
                    problems.add(document.valuePosition(at), field + " must not be empty");
            case "maxLength" -> problems.add(document.valuePosition(at), field + " must be at most "
                    + keyword.asInt() + " characters long, got " + value.asText().length());
            default -> problems.add(document.valuePosition(at), field + " " + withoutLocation(m));
        }
    }

    private String patternMessage(ValidationMessage m, String field, JsonNode value) {
        if (m.getSchemaLocation().toString().endsWith("/eventBusName/pattern")) {
            // Same rules, but the dedicated check says which part of a name or ARN is wrong.
            try {
                EventBusNames.validate(value.asText());
            } catch (IllegalArgumentException e) {
                return field + " is not valid: " + e.getMessage();
            }
        }
        String expected = parentOf(m).path(EXPECTED).asText("text matching " + m.getSchemaNode().asText());
        return field + " must be " + expected + ", got " + FieldPath.quote(value.asText());
    }

    /** The schema object holding the keyword that failed. */
    private JsonNode parentOf(ValidationMessage m) {
        String location = m.getSchemaLocation().toString();
        int hash = location.indexOf('#');
        String pointer = hash < 0 ? "" : location.substring(hash + 1);
        int slash = pointer.lastIndexOf('/');
        return slash <= 0 ? tree : tree.at(JsonPointer.compile(pointer.substring(0, slash)));
    }

    private static String expected(String type) {
        return switch (type) {
            case "object" -> "a mapping";
            case "array" -> "a list";
            case "integer" -> "an integer";
            default -> "a " + type;
        };
    }

    private static String found(JsonNode value, YamlTree document, String field) {
        String literal = Optional.ofNullable(document.literals().get(field)).orElse(value.asText());
        if (value.isNull()) {
            return "an empty value";
        }
        if (value.isObject()) {
            return "a mapping";
        }
        if (value.isArray()) {
            return "a list";
        }
        if (value.isTextual()) {
            return "string " + FieldPath.quote(value.asText());
        }
        if (value.isBoolean()) {
            return "boolean " + literal;
        }
        if (value.isIntegralNumber()) {
            return "integer " + literal;
        }
        return "number " + literal;
    }

    /** Unquoted numbers and booleans are not text: say how to write them as text. */
    private static String quoteHint(String expectedType, JsonNode value, YamlTree document, String field) {
        if (!expectedType.equals("string") || !(value.isNumber() || value.isBoolean())) {
            return "";
        }
        String literal = Optional.ofNullable(document.literals().get(field)).orElse(value.asText());
        return " (write " + FieldPath.quote(literal) + " in quotes to use it as text)";
    }

    private static String withoutLocation(ValidationMessage m) {
        String text = m.getMessage();
        int colon = text.indexOf(": ");
        return colon >= 0 && text.startsWith("/") ? text.substring(colon + 2) : text;
    }

    private static List<Object> segments(JsonNodePath path) {
        List<Object> segments = new ArrayList<>(path.getNameCount());
        for (int i = 0; i < path.getNameCount(); i++) {
            segments.add(path.getElement(i));
        }
        return segments;
    }

    private static List<Object> append(List<Object> segments, String key) {
        List<Object> result = new ArrayList<>(segments);
        result.add(key);
        return result;
    }
}
