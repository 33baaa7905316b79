package com.smuscicd.local.bus;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.TextNode;
import com.smuscicd.json.Json;

/**
 * What one target receives for one event, and how each local stand-in writes it.
 *
 * @param text the input exactly as the target receives it (a webhook's body)
 * @param json the same parsed, or null when {@code text} is not valid JSON (plain text)
 */
record TargetPayload(String text, JsonNode json) {

    static final String JSON_CONTENT_TYPE = "application/json";
    static final String TEXT_CONTENT_TYPE = "text/plain; charset=utf-8";

    private static final ObjectReader STRICT = Json.mapper().reader()
            .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /** A payload given as text: JSON when it parses as exactly one JSON value, else plain text. */
    static TargetPayload of(String text) {
        JsonNode json;
        try {
            json = parseStrictly(text);
        } catch (IllegalArgumentException e) {
            json = null;
        }
        return new TargetPayload(text, json);
    }

    /** A payload that is a JSON value, sent as its compact JSON. */
    static TargetPayload of(JsonNode json) {
        return new TargetPayload(Json.write(json), json);
    }

    /**
     * Exactly one JSON value, nothing after it; null for empty or blank text.
     *
     * @throws IllegalArgumentException with the parser's message when the text is not JSON
     */
    static JsonNode parseStrictly(String text) {
        try {
            JsonNode node = STRICT.readTree(text);
            return node == null || node.isMissingNode() ? null : node;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e.getOriginalMessage(), e);
        }
    }

    /** The {@code Content-Type} of a webhook POST: JSON when the payload is JSON, else plain text. */
    String contentType() {
        return json != null ? JSON_CONTENT_TYPE : TEXT_CONTENT_TYPE;
    }

    /**
     * The payload as one line of a log-group file: the text itself when it is one line; a
     * multi-line payload is written as compact JSON when it is JSON, else as a JSON string (its
     * newlines escaped), so that each log event stays one line.
     */
    String logLine() {
        if (text.indexOf('\n') < 0 && text.indexOf('\r') < 0) {
            return text;
        }
        return json != null ? Json.write(json) : Json.write(TextNode.valueOf(text));
    }

    /** The payload inside a JSON record: the JSON value, or plain text as a JSON string. */
    JsonNode asJsonValue() {
        return json != null ? json : TextNode.valueOf(text);
    }
}
