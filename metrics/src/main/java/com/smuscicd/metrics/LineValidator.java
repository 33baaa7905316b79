package com.smuscicd.metrics;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.smuscicd.json.Json;
import com.smuscicd.text.Utf8;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

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
        try (InputStream in = ChunkWriter.open(file)) {
            byte[] buffer = new byte[64 * 1024];
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            long number = 0;
            for (int read; (read = in.read(buffer)) >= 0; ) {
                for (int start = 0; start < read; ) {
                    int end = ChunkWriter.lineEnd(buffer, start, read);
                    line.write(buffer, start, end - start);
                    if (line.size() >= ChunkWriter.MAX_LINE) {
                        // the copy skipped it without holding it whole; so does this
                        return new Finding(number + 1, "line of " + (ChunkWriter.MAX_LINE >> 20)
                                + " MiB or more, longer than the engine reads as one event");
                    }
                    if (end == read) {
                        break;
                    }
                    number++;
                    String problem = problemOfLine(line);
                    if (problem != null) {
                        return new Finding(number, problem);
                    }
                    line.reset();
                    start = end + 1;
                }
            }
            if (line.size() > 0) {
                String problem = problemOfLine(line);
                if (problem != null) {
                    return new Finding(number + 1, problem);
                }
            }
            return new Finding(0, "unreadable content");
        } catch (IOException e) {
            return new Finding(0, "cannot read file: " + e.getMessage());
        }
    }

    private static String problemOfLine(ByteArrayOutputStream line) {
        // strictly: the engine drops a line that is not UTF-8, where a lenient decode would not see it
        String text = Utf8.decode(line.toByteArray()).orElse(null);
        if (text == null) {
            return "not valid UTF-8";
        }
        // blank as the copy sees it: what the engine skips, not every Unicode space
        return text.chars().allMatch(ChunkWriter::isSpace) ? null : problemOf(text);
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
