package com.smuscicd.metrics;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * The archive directory given by the user does not exist or is not a directory: bad input. The
 * message says which (not found, a file, or why it cannot be opened).
 */
public class ArchiveNotFoundException extends ArchiveException {

    private final boolean missing;

    /** An exception naming the directory and what is wrong with it, as found now. */
    public ArchiveNotFoundException(Path dir) {
        this(dir, problem(dir));
    }

    private ArchiveNotFoundException(Path dir, String problem) {
        super(problem == null ? "archive directory not found: " + dir : problem);
        this.missing = problem == null;
    }

    /** Whether nothing is there at all (rather than a file, or a directory that cannot be read). */
    public boolean missing() {
        return missing;
    }

    /** What is there instead of a directory, or null when nothing is. */
    private static String problem(Path dir) {
        try {
            BasicFileAttributes attributes = Files.readAttributes(dir, BasicFileAttributes.class);
            if (attributes.isDirectory()) {
                return null; // made since it was looked for
            }
            return "archive " + dir + (attributes.isRegularFile() ? " is a file, not a directory" : " is not a directory");
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            return "cannot open archive directory " + dir + ": " + FileErrors.reason(e);
        }
    }
}
