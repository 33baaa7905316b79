package com.smuscicd.infra;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * SQL kept in files under {@code src/main/resources/athena/}, read at synth time: people review
 * and edit the queries as SQL, not as Java strings.
 */
final class SqlFiles {

    /** Classpath folder of the view definitions. */
    static final String VIEWS = "athena/views/";

    /** Classpath folder of the saved (named) queries. */
    static final String QUERIES = "athena/queries/";

    private SqlFiles() {
    }

    /**
     * The text of classpath resource {@code path}, without the line break that ends the file
     * (an editor's habit, not part of the query).
     */
    static String read(String path) {
        try (InputStream in = SqlFiles.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("SQL resource not found on the classpath: " + path);
            }
            return withoutFinalLineBreak(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + path, e);
        }
    }

    static String withoutFinalLineBreak(String text) {
        if (text.endsWith("\r\n")) {
            return text.substring(0, text.length() - 2);
        }
        return text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
    }
}
