package com.smuscicd.local.bus;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/** The two ways the bus writes files: whole files atomically, and lines appended. */
final class JsonLines {

    private JsonLines() {
    }

    /**
     * Writes {@code lines} (each ending with a newline) as the whole content of {@code file}, so
     * that a reader (a DuckDB glob over the archive, say) never sees a half-written event: they go
     * to a new hidden file next to it, which is then renamed over it. Text that UTF-8 cannot encode
     * (a lone surrogate) fails the write and leaves nothing behind.
     */
    static void writeAtomically(Path file, CharSequence lines) throws IOException {
        Path tmp = null;
        boolean moved = false;
        try {
            tmp = createAndWrite(file, lines);
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            moved = true;
        } finally {
            if (tmp != null && !moved) {
                Files.deleteIfExists(tmp);
            }
        }
    }

    /**
     * A new temporary file beside {@code file} holding {@code lines}: hidden and not {@code *.json},
     * so globs over the archive never pick it up. One open creates and writes it (the bus writes a
     * file per batch, and creating files is most of that cost); the directories are made only when
     * missing.
     */
    private static Path createAndWrite(Path file, CharSequence lines) throws IOException {
        Path dir = file.getParent();
        for (int attempt = 0; ; attempt++) {
            Path tmp = dir.resolve("." + file.getFileName() + "."
                    + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
            try {
                Files.writeString(tmp, lines, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW,
                        StandardOpenOption.WRITE);
                return tmp;
            } catch (FileAlreadyExistsException e) {
                if (attempt >= 100) {
                    throw e;
                }
            } catch (NoSuchFileException e) {
                if (attempt >= 100 || Files.isDirectory(dir)) {
                    throw e;
                }
                Files.createDirectories(dir);
            } catch (IOException e) {
                // created but not written whole (text that cannot be encoded, a full disk)
                Files.deleteIfExists(tmp);
                throw e;
            }
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
        try {
            appendOnce(file, lines);
        } catch (NoSuchFileException e) {
            if (file.getParent() == null || Files.isDirectory(file.getParent())) {
                throw e;
            }
            Files.createDirectories(file.getParent());
            appendOnce(file, lines);
        }
    }

    private static void appendOnce(Path file, CharSequence lines) throws IOException {
        Files.writeString(file, lines, StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
    }
}
