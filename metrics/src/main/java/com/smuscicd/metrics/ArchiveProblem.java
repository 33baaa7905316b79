package com.smuscicd.metrics;

import java.nio.file.Path;

/**
 * A file of the archive with lines that are not events (truncated by an interrupted copy, not
 * JSON, not an EventBridge envelope), whose other lines are still read; or a file that could not
 * be read to its end (a cut-short gzip, no permission), none of whose lines is read: a file is
 * read whole or not at all.
 *
 * @param file             the file
 * @param unreadableLines  how many of its lines were skipped; of a whole file, those read before
 *                         it failed (it may hold more)
 * @param firstLine        the 1-based number of the first skipped line; 0 for a whole file
 * @param message          why that line, or the whole file, was skipped
 * @param wholeFile        whether the file could not be read, so that all of it was skipped
 */
public record ArchiveProblem(Path file, long unreadableLines, long firstLine, String message, boolean wholeFile) {

    /** A file with lines that are not events, whose other lines were read. */
    public ArchiveProblem(Path file, long unreadableLines, long firstLine, String message) {
        this(file, unreadableLines, firstLine, message, false);
    }

    /**
     * One line for humans: {@code <path>:<line>: <message> (N unreadable lines skipped)}, or for a
     * whole file {@code <path>: <message> (whole file skipped[, with the N lines read before the error])}.
     */
    public String describe() {
        if (wholeFile) {
            return file + ": " + message + " (whole file skipped" + (unreadableLines == 0 ? ""
                    : ", with the " + lines(unreadableLines) + " read before the error") + ")";
        }
        return file + ":" + firstLine + ": " + message + " (" + unreadableLines + " unreadable "
                + (unreadableLines == 1 ? "line" : "lines") + " skipped)";
    }

    private static String lines(long n) {
        return n == 1 ? "line" : n + " lines";
    }
}
