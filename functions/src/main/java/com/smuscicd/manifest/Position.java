package com.smuscicd.manifest;

import org.yaml.snakeyaml.error.Mark;

/** A place in the manifest text, 1-based as editors show it. */
record Position(int line, int column) {

    static final Position START = new Position(1, 1);

    /** SnakeYAML marks are 0-based. */
    static Position of(Mark mark) {
        return mark == null ? null : new Position(mark.getLine() + 1, mark.getColumn() + 1);
    }

    /** The position of a code point index in a text (lines end at \n, \r\n or \r, as in YAML). */
    static Position ofCodePointIndex(String text, int codePointIndex) {
        int line = 1;
        int column = 1;
        int i = 0;
        int seen = 0;
        while (i < text.length() && seen < codePointIndex) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            seen++;
            if (cp == '\n' || (cp == '\r' && (i >= text.length() || text.charAt(i) != '\n'))) {
                line++;
                column = 1;
            } else if (cp != '\r') {
                column++;
            }
        }
        return new Position(line, column);
    }
}
