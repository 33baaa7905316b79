package com.smuscicd.local.faults;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Reads the wire fixtures under {@code src/test/resources/faults/}. */
final class Fixtures {

    private Fixtures() {
    }

    static String read(String relativePath) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/faults/" + relativePath)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture faults/" + relativePath);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A fixture with each {@code ${name}} replaced by its value; fails on a placeholder left over. */
    static String read(String relativePath, Map<String, String> values) {
        String text = read(relativePath);
        for (Map.Entry<String, String> value : values.entrySet()) {
            text = text.replace("${" + value.getKey() + "}", value.getValue());
        }
        if (text.contains("${")) {
            throw new IllegalArgumentException("unfilled placeholder in faults/" + relativePath);
        }
        return text;
    }
}
