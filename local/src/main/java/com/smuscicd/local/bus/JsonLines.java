package com.smuscicd.local.bus;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/** The two ways the bus writes files: whole files atomically, and lines appended. */
final class JsonLines {

    private JsonLines() {
    }

    /**
     * Writes {@code lines} (each ending with a newline) as the whole content of {@code file}, so
     * that a reader (a DuckDB glob over the archive, say) never sees a half-written event.
     */
    static void writeAtomically(Path file, CharSequence lines) throws IOException {
        Path dir = file.getParent();
        Files.createDirectories(dir);
        // Hidden and not *.json, so globs over the archive never pick up a temp file.
        Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
        try {
            Files.writeString(tmp, lines, StandardCharsets.UTF_8);
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Appends {@code line} + newline to {@code file}, creating it and its directory as needed. */
    static void append(Path file, String line) throws IOException {
        appendLines(file, line + "\n");
    }

    /**
     * Appends {@code lines} (each ending with a newline) to {@code file} with one write, creating
     * the file and its directory as needed.
     */
    static void appendLines(Path file, CharSequence lines) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, lines, StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
    }
}
