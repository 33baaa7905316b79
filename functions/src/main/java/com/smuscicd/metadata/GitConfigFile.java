package com.smuscicd.metadata;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The variables of one git config file, read the way git's own parser reads them (sections,
 * quoted subsections, quoting, escapes, comments, continuation lines), in file order. A file it
 * does not fully understand, or one that includes other files, gives no answer at all rather than a
 * partial one: the caller then asks git.
 */
final class GitConfigFile {

    /**
     * One variable.
     *
     * @param section    lower case, e.g. {@code remote}
     * @param subsection as written ({@code [remote "origin"]}), lower case in the deprecated
     *                   {@code [remote.origin]} form, or null
     * @param key        lower case, e.g. {@code url}
     * @param value      the value, or null for a key written without {@code =} (boolean true)
     */
    record Entry(String section, String subsection, String key, String value) {
    }

    private final List<Entry> entries;

    private GitConfigFile(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    /** Every variable, in file order. */
    List<Entry> entries() {
        return entries;
    }

    /**
     * The last setting of a variable in this file, the one {@code git config --get} reports when
     * no later file sets it; empty when the file does not set it.
     *
     * @param section    lower case
     * @param subsection exact, or null
     * @param key        lower case
     */
    Optional<Entry> last(String section, String subsection, String key) {
        Entry found = null;
        for (Entry entry : entries) {
            if (entry.section().equals(section) && Objects.equals(entry.subsection(), subsection)
                    && entry.key().equals(key)) {
                found = entry;
            }
        }
        return Optional.ofNullable(found);
    }

    /** Whether any variable of this section (lower case) is set, whatever its subsection and key. */
    boolean hasSection(String section) {
        return entries.stream().anyMatch(entry -> entry.section().equals(section));
    }

    /**
     * Parses a config file's text.
     *
     * @return empty when the text is not something this parser is sure to read as git does: a
     *     syntax error, a variable after a section header on the same line, or an
     *     {@code [include]}/{@code [includeIf]} section (the included file could change anything)
     */
    static Optional<GitConfigFile> parse(String text) {
        try {
            GitConfigFile file = new Parser(text).parse();
            boolean includes = file.entries.stream()
                    .anyMatch(e -> e.section().equals("include") || e.section().equals("includeif"));
            return includes ? Optional.empty() : Optional.of(file);
        } catch (Unreadable e) {
            return Optional.empty();
        }
    }

    /** Thrown inside the parser for anything it does not read; never escapes. */
    private static final class Unreadable extends RuntimeException {
        Unreadable() {
            super(null, null, false, false);
        }
    }

    /** A character-level port of git's config.c reading rules (get_next_char, parse_value, get_base_var). */
    private static final class Parser {

        private static final int EOF = -1;

        private final String text;
        private int at;
        private String section;
        private String subsection;
        private final List<Entry> entries = new ArrayList<>();

        Parser(String text) {
            // git skips a UTF-8 byte order mark at the start of the file
            this.text = text.startsWith("\uFEFF") ? text.substring(1) : text;
        }

        /** The next character, "\r\n" read as '\n' and the end as EOF. */
        private int next() {
            if (at >= text.length()) {
                return EOF;
            }
            char c = text.charAt(at++);
            if (c == '\r' && at < text.length() && text.charAt(at) == '\n') {
                at++;
                return '\n';
            }
            return c;
        }

        GitConfigFile parse() {
            boolean comment = false;
            while (true) {
                int c = next();
                if (c == EOF) {
                    return new GitConfigFile(entries);
                }
                if (c == '\n') {
                    comment = false;
                    continue;
                }
                if (comment || isSpace(c)) {
                    continue;
                }
                if (c == '#' || c == ';') {
                    comment = true;
                    continue;
                }
                if (c == '[') {
                    sectionHeader();
                    restOfHeaderLine();
                    continue;
                }
                if (!Character.isLetter(c) || c > 127) {
                    throw new Unreadable();
                }
                variable((char) c);
            }
        }

        /** After {@code [}: {@code name]}, {@code name "subsection"]} or the deprecated {@code name.sub]}. */
        private void sectionHeader() {
            StringBuilder name = new StringBuilder();
            while (true) {
                int c = next();
                if (c == EOF || c == '\n') {
                    throw new Unreadable();
                }
                if (c == ']') {
                    String full = name.toString();
                    if (full.isEmpty()) {
                        throw new Unreadable();
                    }
                    int dot = full.indexOf('.');
                    if (dot >= 0) {
                        // deprecated [section.subsection]: git lower-cases the whole name
                        section = full.substring(0, dot).toLowerCase(Locale.ROOT);
                        subsection = full.substring(dot + 1).toLowerCase(Locale.ROOT);
                        if (section.isEmpty()) {
                            throw new Unreadable();
                        }
                    } else {
                        section = full.toLowerCase(Locale.ROOT);
                        subsection = null;
                    }
                    return;
                }
                if (isSpace(c)) {
                    quotedSubsection(name.toString());
                    return;
                }
                if (!(isAsciiAlnum(c) || c == '-' || c == '.')) {
                    throw new Unreadable();
                }
                name.append((char) c);
            }
        }

        private void quotedSubsection(String name) {
            if (name.isEmpty() || name.indexOf('.') >= 0) {
                throw new Unreadable();
            }
            int c;
            do {
                c = next();
            } while (isSpace(c));
            if (c != '"') {
                throw new Unreadable();
            }
            StringBuilder sub = new StringBuilder();
            while (true) {
                c = next();
                if (c == EOF || c == '\n') {
                    throw new Unreadable();
                }
                if (c == '"') {
                    break;
                }
                if (c == '\\') {
                    c = next();
                    if (c == EOF || c == '\n') {
                        throw new Unreadable();
                    }
                }
                sub.append((char) c);
            }
            if (next() != ']') {
                throw new Unreadable();
            }
            section = name.toLowerCase(Locale.ROOT);
            subsection = sub.toString();
        }

        /** Only spaces or a comment may follow a section header here (git would read a variable too). */
        private void restOfHeaderLine() {
            while (true) {
                int c = next();
                if (c == EOF || c == '\n') {
                    return;
                }
                if (c == '#' || c == ';') {
                    skipLine();
                    return;
                }
                if (!isSpace(c)) {
                    throw new Unreadable();
                }
            }
        }

        private void skipLine() {
            int c;
            do {
                c = next();
            } while (c != EOF && c != '\n');
        }

        /** A variable: a key, then {@code = value}, or nothing (boolean true). */
        private void variable(char first) {
            if (section == null) {
                throw new Unreadable();
            }
            StringBuilder key = new StringBuilder().append(first);
            int c;
            while (true) {
                c = next();
                if (c == EOF || !(isAsciiAlnum(c) || c == '-')) {
                    break;
                }
                key.append((char) c);
            }
            // git's get_value: only blanks between the key and '=' or the end of the line (a comment
            // right after a bare key is a bad config line to git)
            while (c == ' ' || c == '\t') {
                c = next();
            }
            String value;
            if (c == EOF || c == '\n') {
                value = null;
            } else if (c == '=') {
                value = value();
            } else {
                throw new Unreadable();
            }
            entries.add(new Entry(section, subsection, key.toString().toLowerCase(Locale.ROOT), value));
        }

        /** git's parse_value: quotes, the escapes \t \b \n \\ \", continuation lines, comments, inner spaces kept. */
        private String value() {
            StringBuilder value = new StringBuilder();
            boolean quote = false;
            boolean comment = false;
            int spaces = 0;
            while (true) {
                int c = next();
                if (c == EOF || c == '\n') {
                    if (quote) {
                        throw new Unreadable();
                    }
                    return value.toString();
                }
                if (comment) {
                    continue;
                }
                if (isSpace(c) && !quote) {
                    if (value.length() > 0) {
                        spaces++;
                    }
                    continue;
                }
                if (!quote && (c == ';' || c == '#')) {
                    comment = true;
                    continue;
                }
                for (; spaces > 0; spaces--) {
                    value.append(' ');
                }
                if (c == '\\') {
                    c = next();
                    switch (c) {
                        case '\n' -> {
                            continue;
                        }
                        case 't' -> c = '\t';
                        case 'b' -> c = '\b';
                        case 'n' -> c = '\n';
                        case '\\', '"' -> {
                            // these stand for themselves
                        }
                        default -> throw new Unreadable();
                    }
                    value.append((char) c);
                    continue;
                }
                if (c == '"') {
                    quote = !quote;
                    continue;
                }
                value.append((char) c);
            }
        }

        /** git's own isspace (not C's: no vertical tab or form feed), less the newline it handles itself. */
        private static boolean isSpace(int c) {
            return c == ' ' || c == '\t' || c == '\r';
        }

        private static boolean isAsciiAlnum(int c) {
            return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        }
    }
}
