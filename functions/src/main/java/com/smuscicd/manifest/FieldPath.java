package com.smuscicd.manifest;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Field paths as users read them in messages: {@code targets.prod.domain.region},
 * {@code bundle.storage[0].name}; a key that is not a plain word is written {@code ["my key"]}.
 */
final class FieldPath {

    private static final Pattern WORD = Pattern.compile("[A-Za-z0-9_-]+");

    private FieldPath() {
    }

    static String key(String parent, String key) {
        if (!WORD.matcher(key).matches()) {
            return parent + "[" + quote(key) + "]";
        }
        return parent.isEmpty() ? key : parent + "." + key;
    }

    static String index(String parent, int index) {
        return parent + "[" + index + "]";
    }

    /** The path of a list of segments: strings are keys, integers are list indexes. */
    static String of(List<?> segments) {
        String path = "";
        for (Object segment : segments) {
            path = segment instanceof Integer i ? index(path, i) : key(path, String.valueOf(segment));
        }
        return path;
    }

    /** A string in double quotes, with quotes, backslashes and control characters escaped. */
    static String quote(String text) {
        StringBuilder out = new StringBuilder(text.length() + 2).append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
