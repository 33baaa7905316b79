package com.smuscicd.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SqlStatementsTest {

    @TempDir
    Path temp;

    /** SELECT texts with a {@code ;} where it does and does not end a statement, and their statement counts. */
    static Stream<Arguments> selects() {
        return Stream.of(
                Arguments.of("SELECT 1", 1),
                Arguments.of("SELECT 1;", 1),
                Arguments.of("SELECT 1 ;\n  -- done\n", 1),
                Arguments.of("SELECT 1; SELECT 2", 2),
                Arguments.of("SELECT 1;; SELECT 2;", 2),
                Arguments.of("SELECT ';' AS x", 1),
                Arguments.of("SELECT 'it''s; fine'", 1),
                Arguments.of("SELECT 'a'';'; SELECT 2", 2),
                Arguments.of("SELECT E'a\\';b'", 1),
                Arguments.of("SELECT e'\\\\'; SELECT 2", 2),
                Arguments.of("SELECT \"a;b\" FROM (SELECT 1 AS \"a;b\")", 1),
                Arguments.of("SELECT $$a;b$$", 1),
                Arguments.of("SELECT $q$a;$$;b$q$", 1),
                Arguments.of("SELECT 1 -- ; SELECT 2", 1),
                Arguments.of("SELECT 1 -- first\n; SELECT 2", 2),
                Arguments.of("SELECT 1 /* ; /* nested ; */ ; */", 1),
                Arguments.of("SELECT 1 /* a */; /* b */ SELECT 2", 2),
                Arguments.of("SELECT 1--2;\n; SELECT 3", 2),
                Arguments.of("", 0),
                Arguments.of(" ; -- nothing\n ;", 0));
    }

    @ParameterizedTest
    @MethodSource("selects")
    void count_whenSelects_countsEachStatementOnce(String sql, int expected) {
        assertThat(SqlStatements.count(sql)).isEqualTo(expected);
    }

    /** DuckDB's parser counts SELECTs (only SELECTs): the rules here must split as it does. */
    @ParameterizedTest
    @MethodSource("selects")
    void count_whenSelects_agreesWithDuckDbsParser(String sql, int expected) {
        try (EventArchive archive = EventArchive.open(temp)) {
            String literal = "'" + sql.replace("'", "''") + "'";
            QueryResult parsed = archive.query("SELECT json_serialize_sql(" + literal + ") ->> 'error' AS error,"
                    + " json_array_length(json_serialize_sql(" + literal + ") -> 'statements') AS n");

            assertThat(parsed.column("error")).containsExactly("false");
            assertThat(((Number) parsed.column("n").get(0)).intValue()).isEqualTo(SqlStatements.count(sql));
        }
    }

    @Test
    void count_whenStatementsDuckDbCannotSerialize_countsThemToo() {
        assertThat(SqlStatements.count("PIVOT smus_events ON status USING count(*)")).isEqualTo(1);
        assertThat(SqlStatements.count("COPY (SELECT 1) TO 'a;b.csv'; SELECT 2")).isEqualTo(2);
        assertThat(SqlStatements.count("EXPLAIN SELECT $1; PRAGMA version;")).isEqualTo(2);
        assertThat(SqlStatements.count("SELECT a$b$c FROM t; SELECT 2")).isEqualTo(2);
    }
}
