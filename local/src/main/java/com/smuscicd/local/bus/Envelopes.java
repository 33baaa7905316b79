package com.smuscicd.local.bus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.smuscicd.events.DeploymentEvent;
import com.smuscicd.json.Json;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * The full EventBridge event of a {@link DeploymentEvent}, exactly as EventBridge hands it to rule
 * targets and as the monitoring stack archives it, and the archive key it is stored under.
 */
public final class Envelopes {

    private static final DateTimeFormatter KEY_DATE = DateTimeFormatter.ofPattern("yyyy/MM/dd").withZone(ZoneOffset.UTC);

    private Envelopes() {
    }

    /**
     * The envelope: {@code version} "0", {@code id}, {@code detail-type}, {@code source},
     * {@code account}, {@code time} (UTC, whole seconds, as EventBridge writes it),
     * {@code region}, {@code resources} and {@code detail}, in that order.
     *
     * @throws NullPointerException when the event has no id, detail-type, time or detail
     */
    public static ObjectNode toJson(DeploymentEvent event, String account, String region) {
        Objects.requireNonNull(event, "event");
        ObjectNode envelope = Json.mapper().createObjectNode();
        envelope.put("version", "0");
        envelope.put("id", Objects.requireNonNull(event.id(), "event id"));
        envelope.put("detail-type", Objects.requireNonNull(event.detailType(), "event detail-type"));
        envelope.put("source", event.source() == null ? DeploymentEvent.SOURCE : event.source());
        envelope.put("account", Objects.requireNonNull(account, "account"));
        envelope.put("time", formatTime(Objects.requireNonNull(event.time(), "event time")));
        envelope.put("region", Objects.requireNonNull(region, "region"));
        ArrayNode resources = envelope.putArray("resources");
        event.resources().forEach(resources::add);
        JsonNode detail = Json.tree(Objects.requireNonNull(event.detail(), "event detail"));
        envelope.set("detail", detail);
        return envelope;
    }

    /**
     * The key prefix of the archive files of a UTC day: {@code <prefix>YYYY/MM/DD/}, the date being
     * {@code time} in UTC, e.g. {@code smus-events/2025/11/04/}.
     *
     * @param prefix empty, or ending with {@code /}
     */
    public static String archiveDay(String prefix, Instant time) {
        return prefix + KEY_DATE.format(time) + "/";
    }

    /** EventBridge's {@code time}: ISO-8601 UTC without fractional seconds, e.g. 2025-11-04T12:30:00Z. */
    static String formatTime(Instant time) {
        // Instant.toString omits the fraction when it is zero, which after truncation it always is.
        return time.truncatedTo(ChronoUnit.SECONDS).toString();
    }
}
