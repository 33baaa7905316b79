package com.smuscicd.manifest;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Collects every problem of one manifest, then renders them as
 * {@code file:line:column: message} (or {@code file: message} when no place applies), sorted by
 * place so the output reads top to bottom like the file.
 */
final class Problems {

    private record Entry(Position position, String message) {
    }

    private static final Comparator<Entry> ORDER = Comparator
            .comparingInt((Entry e) -> e.position() == null ? 0 : e.position().line())
            .thenComparingInt(e -> e.position() == null ? 0 : e.position().column())
            .thenComparing(Entry::message);

    private final String source;
    private final List<Entry> entries = new ArrayList<>();

    Problems(String source) {
        this.source = source;
    }

    /** Records a problem; {@code position} may be null for problems of the file as a whole. */
    void add(Position position, String message) {
        entries.add(new Entry(position, message));
    }

    boolean isEmpty() {
        return entries.isEmpty();
    }

    List<String> render() {
        return entries.stream()
                .sorted(ORDER)
                .map(e -> e.position() == null
                        ? source + ": " + e.message()
                        : source + ":" + e.position().line() + ":" + e.position().column() + ": " + e.message())
                .distinct()
                .toList();
    }
}
