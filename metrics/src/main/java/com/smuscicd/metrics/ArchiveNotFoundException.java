package com.smuscicd.metrics;

import java.nio.file.Path;

/** The archive directory given by the user does not exist or is not a directory: bad input. */
public class ArchiveNotFoundException extends ArchiveException {

    /** An exception naming the directory. */
    public ArchiveNotFoundException(Path dir) {
        super("archive directory not found: " + dir);
    }
}
