package com.smuscicd.metrics;

import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.Locale;

/**
 * Why a file operation failed, in words: the file-system exceptions of {@code java.nio.file} carry
 * the reason in their type, and their message is often only the path ({@code NoSuchFileException:
 * /tmp/x}), which repeats what the caller says and leaves out why.
 */
public final class FileErrors {

    private FileErrors() {
    }

    /**
     * The reason of {@code e}, without its path: "no such file or directory", "permission denied",
     * "not a directory", "already exists", "not valid UTF-8", the system's reason (e.g. "read-only file system"),
     * "unexpected end of file", or else its message.
     */
    public static String reason(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file or directory";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof NotDirectoryException) {
            return "not a directory";
        }
        if (e instanceof FileAlreadyExistsException) {
            return "already exists";
        }
        if (e instanceof CharacterCodingException) {
            // text is read as UTF-8 only; the exception's own message is "Input length = 1"
            return "not valid UTF-8";
        }
        if (e instanceof FileSystemException f && f.getReason() != null && !f.getReason().isBlank()) {
            // the system's words ("Not a directory"), in the lower case of the rest of a message
            String reason = f.getReason();
            return reason.substring(0, 1).toLowerCase(Locale.ROOT) + reason.substring(1);
        }
        String message = e.getMessage();
        if (message == null || message.isBlank()) {
            // e.g. a gzip stream cut short in its trailer
            return e instanceof EOFException ? "unexpected end of file" : e.getClass().getSimpleName();
        }
        return message;
    }
}
