package com.smuscicd.metrics;

import java.nio.file.Path;

/**
 * A file of the archive with lines that are not events (truncated by an interrupted copy, not
 * JSON, not an EventBridge envelope). Its other lines are still read.
 *
 * @param file             the file
 * @param unreadableLines  how many of its lines were skipped
 * @param firstLine        the 1-based number of the first skipped line
 * @param message          why that line was skipped
 */
public record ArchiveProblem(Path file, long unreadableLines, long firstLine, String message) {

    /** One line for humans: {@code <path>:<line>: <message> (N unreadable lines skipped)}. */
    public String describe() {
        return file + ":" + firstLine + ": " + message + " (" + unreadableLines + " unreadable line"
                + (unreadableLines == 1 ? "" : "s") + " skipped)";
    }
}
