package com.smuscicd.events;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.smuscicd.json.Json;

/**
 * The structured log line of an event that could not be delivered: one JSON object on one line,
 * holding the whole event in its EventBridge envelope shape so it can be replayed or archived
 * from the log alone.
 */
public final class UndeliveredEventLog {

    static final String MESSAGE = "event not delivered";

    private UndeliveredEventLog() {
    }

    /** The line for {@code event}, which was not delivered for {@code errorCode}: {@code errorMessage}. */
    public static String line(DeploymentEvent event, String eventBusName, String errorCode, String errorMessage,
                              int attempts) {
        ObjectNode line = Json.mapper().createObjectNode();
        line.put("level", "ERROR");
        line.put("message", MESSAGE);
        line.put("errorCode", errorCode);
        if (errorMessage != null) {
            line.put("errorMessage", errorMessage);
        }
        line.put("attempts", attempts);
        line.put("eventBusName", eventBusName == null ? "default" : eventBusName);
        line.set("event", envelope(event));
        // Compact JSON escapes newlines inside strings, so the line stays one line.
        return Json.write(line);
    }

    private static ObjectNode envelope(DeploymentEvent event) {
        ObjectNode envelope = Json.mapper().createObjectNode();
        envelope.put("id", event.id());
        envelope.put("detail-type", event.detailType());
        envelope.put("source", event.source());
        if (event.time() != null) {
            envelope.put("time", event.time().toString());
        }
        ArrayNode resources = envelope.putArray("resources");
        event.resources().forEach(resources::add);
        try {
            envelope.set("detail", Json.tree(event.detail()));
        } catch (RuntimeException e) {
            // The detail itself may be what failed to serialize: keep what can be kept.
            envelope.put("detailText", String.valueOf(event.detail()));
        }
        return envelope;
    }
}
