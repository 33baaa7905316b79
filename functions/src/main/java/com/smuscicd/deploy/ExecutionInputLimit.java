package com.smuscicd.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.smuscicd.errors.InvalidManifestException;
import com.smuscicd.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Whether a deployment's execution input leaves the state machine room to work. Step Functions
 * fails an execution whose input or any state's output is over {@value #MAX_PAYLOAD_BYTES} bytes
 * ({@code States.DataLimitExceeded}, which no {@code States.ALL} catch catches, so no
 * Deploy-Failed is emitted), and the phases add their results to the input as it goes
 * ({@code ResultPath}). So the input may use at most {@value #MAX_INPUT_BYTES} bytes, leaving
 * {@value #HEADROOM_BYTES}: the example pipeline's phases add 1,106 bytes (input 910, largest
 * state output 2,016); the headroom covers about fifteen times that, for the asset and workflow
 * names the phases echo and a failure's error and cause.
 */
public final class ExecutionInputLimit {

    /** Step Functions' limit on an execution's input and on each state's output, in UTF-8 bytes. */
    public static final int MAX_PAYLOAD_BYTES = 256 * 1024;
    /** What is kept free for the phases' results. */
    public static final int HEADROOM_BYTES = 16 * 1024;
    /** The most a deployment's execution input may use. */
    public static final int MAX_INPUT_BYTES = MAX_PAYLOAD_BYTES - HEADROOM_BYTES;

    private static final Map<String, String> MANIFEST_NAMES = Map.of(
            "assets", "catalog.assets", "workflows", "bundle.workflows", "target", "targets.<target>",
            "metadata", "metadata (CI and git)", "bundle", "bundle (where it is stored)");

    private ExecutionInputLimit() {
    }

    /**
     * Checks the serialized execution input ({@code {"deployment": {...}}}, or the deployment alone).
     *
     * @param source what to name in the message, e.g. the manifest file and target
     * @throws InvalidManifestException naming {@code source}, the size and the largest parts
     */
    public static void check(String inputJson, String source) {
        int bytes = inputJson.getBytes(StandardCharsets.UTF_8).length;
        if (bytes <= MAX_INPUT_BYTES) {
            return;
        }
        throw new InvalidManifestException(List.of(source + ": the deployment's execution input would be " + bytes
                + " bytes, more than the " + MAX_INPUT_BYTES + " a deployment may use (Step Functions allows "
                + MAX_PAYLOAD_BYTES + " bytes per state, and the phases add their results); largest parts: "
                + largestParts(inputJson)));
    }

    private static String largestParts(String inputJson) {
        JsonNode root;
        try {
            root = Json.read(inputJson);
        } catch (RuntimeException e) {
            return "(not JSON)";
        }
        JsonNode deployment = root.has("deployment") ? root.get("deployment") : root;
        record Part(String name, int bytes, int items) {
        }
        List<Part> parts = new ArrayList<>();
        deployment.fields().forEachRemaining(field -> parts.add(new Part(
                MANIFEST_NAMES.getOrDefault(field.getKey(), field.getKey()),
                Json.write(field.getValue()).getBytes(StandardCharsets.UTF_8).length,
                field.getValue().isArray() ? field.getValue().size() : -1)));
        parts.sort(Comparator.comparingInt(Part::bytes).reversed());
        List<String> shown = new ArrayList<>();
        for (Part part : parts.subList(0, Math.min(3, parts.size()))) {
            shown.add(part.name() + " " + part.bytes() + " bytes" + (part.items() >= 0 ? " (" + part.items()
                    + " items)" : ""));
        }
        return String.join(", ", shown);
    }
}
