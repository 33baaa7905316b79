package com.smuscicd.local.bus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.smuscicd.json.Json;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Turns a matched event into what a target receives, per its {@link TargetInput}. */
final class TargetInputs {

    private TargetInputs() {
    }

    /**
     * The rule and moment of one delivery, for the predefined template variables.
     *
     * @param ruleArn       as EventBridge writes it, {@code arn:aws:events:<region>:<account>:rule/<name>}
     * @param ingestionTime when the bus received the event
     */
    record Invocation(String ruleName, String ruleArn, Instant ingestionTime) {

        /** A rule of the bus of that account and region. */
        static Invocation of(String ruleName, String region, String account, Instant ingestionTime) {
            return new Invocation(ruleName, "arn:" + partition(region) + ":events:" + region + ":" + account
                    + ":rule/" + ruleName, ingestionTime);
        }

        private static String partition(String region) {
            if (region.startsWith("cn-")) {
                return "aws-cn";
            }
            return region.startsWith("us-gov-") ? "aws-us-gov" : "aws";
        }
    }

    /**
     * What the target receives.
     *
     * @param envelope     the matched event
     * @param envelopeLine the event as compact JSON, reused when the target takes it whole
     */
    static TargetPayload render(TargetInput input, ObjectNode envelope, String envelopeLine, Invocation invocation) {
        if (input instanceof TargetInput.MatchedEvent) {
            return new TargetPayload(envelopeLine, envelope);
        }
        if (input instanceof TargetInput.Constant constant) {
            return TargetPayload.of(constant.json());
        }
        if (input instanceof TargetInput.Path path) {
            List<String> fields = path.fields();
            if (fields.isEmpty()) {
                return new TargetPayload(envelopeLine, envelope);
            }
            JsonNode selected = SimpleJsonPath.select(envelope, fields);
            // EventBridge does not document this case; JSON null says "nothing there" and stays JSON.
            return TargetPayload.of(selected == null ? NullNode.getInstance() : selected);
        }
        TargetInput.Transformer transformer = (TargetInput.Transformer) input;
        InputTemplate template = transformer.template();
        Map<String, JsonNode> values = new HashMap<>();
        for (String name : template.placeholders()) {
            List<String> path = transformer.paths().get(name);
            JsonNode value = path != null
                    ? SimpleJsonPath.select(envelope, path)
                    : predefined(name, envelope, invocation);
            if (value != null) {
                values.put(name, value);
            }
        }
        return TargetPayload.of(template.render(values::get));
    }

    private static JsonNode predefined(String name, ObjectNode envelope, Invocation invocation) {
        return switch (name) {
            case "aws.events.rule-name" -> TextNode.valueOf(invocation.ruleName());
            case "aws.events.rule-arn" -> TextNode.valueOf(invocation.ruleArn());
            case "aws.events.event.ingestion-time" -> TextNode.valueOf(Envelopes.formatTime(invocation.ingestionTime()));
            case "aws.events.event.json" -> envelope;
            case "aws.events.event" -> eventWithoutDetail(envelope);
            default -> throw new IllegalStateException("not a predefined variable: " + name);
        };
    }

    /** {@code aws.events.event} as EventBridge delivers it: no detail, detail-type as detailType. */
    private static ObjectNode eventWithoutDetail(ObjectNode envelope) {
        ObjectNode event = Json.mapper().createObjectNode();
        envelope.properties().forEach(field -> {
            if (!field.getKey().equals("detail")) {
                event.set(field.getKey().equals("detail-type") ? "detailType" : field.getKey(), field.getValue());
            }
        });
        return event;
    }
}
