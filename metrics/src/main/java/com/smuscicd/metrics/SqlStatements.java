package com.smuscicd.metrics;

/**
 * Counts the statements of a SQL text as DuckDB splits it, without running anything: a {@code ;}
 * ends a statement unless it is inside a string ({@code '...'}, {@code E'...'} with backslash
 * escapes, {@code $tag$...$tag$}), a quoted identifier ({@code "..."}) or a comment ({@code --}
 * to the end of the line, or a block comment, which may nest): the lexical rules of the PostgreSQL
 * scanner DuckDB's parser is built on. A {@code ;} with nothing but blanks and comments before it
 * ends no statement, so {@code SELECT 1;} is one.
 *
 * <p>Why not ask DuckDB: its JDBC driver runs every statement but the last while preparing, and
 * {@code json_serialize_sql} counts only texts of {@code SELECT}s, failing on {@code PIVOT},
 * {@code EXPLAIN} or {@code COPY}.
 */
public final class SqlStatements {

    private SqlStatements() {
    }

    /** The number of statements in {@code sql}: 0 for blanks and comments only. */
    public static int count(String sql) {
        int count = 0;
        boolean inStatement = false;
        int n = sql.length();
        int i = 0;
        while (i < n) {
            char c = sql.charAt(i);
            if (c == ';') {
                if (inStatement) {
                    count++;
                    inStatement = false;
                }
                i++;
            } else if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                int end = sql.indexOf('\n', i);
                i = end < 0 ? n : end + 1;
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                i = afterBlockComment(sql, i + 2);
            } else {
                inStatement = true;
                i = afterToken(sql, i);
            }
        }
        return inStatement ? count + 1 : count;
    }

    /** Where the token starting at {@code start} (not a blank, comment or {@code ;}) ends. */
    private static int afterToken(String sql, int start) {
        char c = sql.charAt(start);
        if (c == '\'') {
            return afterQuoted(sql, start + 1, '\'', false);
        }
        if (c == '"') {
            return afterQuoted(sql, start + 1, '"', false);
        }
        if (c == '$') {
            int tagEnd = dollarTagEnd(sql, start);
            if (tagEnd < 0) {
                // a parameter ($1, $name) or an operator
                return start + 1;
            }
            String tag = sql.substring(start, tagEnd);
            int close = sql.indexOf(tag, tagEnd);
            return close < 0 ? sql.length() : close + tag.length();
        }
        if (isIdentifierStart(c)) {
            int end = start + 1;
            while (end < sql.length() && isIdentifierPart(sql.charAt(end))) {
                end++;
            }
            if (end == start + 1 && (c == 'e' || c == 'E') && end < sql.length() && sql.charAt(end) == '\'') {
                return afterQuoted(sql, end + 1, '\'', true);
            }
            return end;
        }
        return start + 1;
    }

    /** After the closing quote (doubled quotes, and in {@code E'...'} backslashes, escape); the end if none. */
    private static int afterQuoted(String sql, int from, char quote, boolean backslashEscapes) {
        int i = from;
        while (i < sql.length()) {
            char c = sql.charAt(i);
            if (backslashEscapes && c == '\\') {
                i += 2;
            } else if (c == quote) {
                if (i + 1 < sql.length() && sql.charAt(i + 1) == quote) {
                    i += 2;
                } else {
                    return i + 1;
                }
            } else {
                i++;
            }
        }
        return sql.length();
    }

    /** After the comment's end, counting nested comments; the end if it is not closed. */
    private static int afterBlockComment(String sql, int from) {
        int depth = 1;
        int i = from;
        while (i < sql.length() && depth > 0) {
            if (sql.startsWith("/*", i)) {
                depth++;
                i += 2;
            } else if (sql.startsWith("*/", i)) {
                depth--;
                i += 2;
            } else {
                i++;
            }
        }
        return i;
    }

    /** The end of a dollar-quote delimiter ({@code $$}, {@code $tag$}) at {@code start}, or -1. */
    private static int dollarTagEnd(String sql, int start) {
        int i = start + 1;
        if (i < sql.length() && isIdentifierStart(sql.charAt(i))) {
            i++;
            while (i < sql.length() && isIdentifierPart(sql.charAt(i)) && sql.charAt(i) != '$') {
                i++;
            }
        }
        return i < sql.length() && sql.charAt(i) == '$' ? i + 1 : -1;
    }

    private static boolean isIdentifierStart(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c >= 0x80;
    }

    private static boolean isIdentifierPart(char c) {
        return isIdentifierStart(c) || c >= '0' && c <= '9' || c == '$';
    }
}
