package com.smuscicd.metrics;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.smuscicd.json.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.zip.GZIPInputStream;

/**
 * Finds why a file's lines were skipped: the engine only says that a line was unreadable, the
 * user needs the line number and the reason. Only run on the (rare) files that have such lines.
 */
final class LineValidator {

    /** The first bad line of a file, 1-based, and why; line 0 when the file itself cannot be read. */
    record Finding(long line, String message) {
    }

    private LineValidator() {
    }

    static Finding firstProblem(Path file) {
        try (InputStream raw = Files.newInputStream(file);
             InputStream in = file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".gz") ? new GZIPInputStream(raw) : raw;
             BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            long number = 0;
            while ((line = reader.readLine()) != null) {
                number++;
                if (line.isBlank()) {
                    continue;
                }
                String problem = problemOf(line);
                if (problem != null) {
                    return new Finding(number, problem);
                }
            }
            return new Finding(0, "unreadable content");
        } catch (IOException e) {
            return new Finding(0, "cannot read file: " + e.getMessage());
        }
    }

    /** Why a line is not an event, or null when it is one. */
    static String problemOf(String line) {
        JsonNode node;
        try {
            node = Json.mapper().readTree(line);
        } catch (JsonProcessingException e) {
            return "not valid JSON: " + shortMessage(e);
        }
        return problemOf(node);
    }

    /** Jackson's message without the location details that repeat what the caller reports. */
    static String shortMessage(JsonProcessingException e) {
        String m = e.getOriginalMessage();
        int cut = m.indexOf(" (start marker");
        return cut > 0 ? m.substring(0, cut) : m;
    }

    /** Why a parsed line is not an event, or null when it is one. */
    static String problemOf(JsonNode node) {
        if (node == null || !node.isObject()) {
            return "not a JSON object";
        }
        if (!node.hasNonNull("id")) {
            return "not an EventBridge event (no \"id\")";
        }
        return null;
    }
}
