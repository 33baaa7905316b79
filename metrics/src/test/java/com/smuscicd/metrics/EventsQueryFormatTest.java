package com.smuscicd.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.smuscicd.json.Json;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The output formats of {@code events query}. */
class EventsQueryFormatTest {

    private static final List<String> COLUMNS = List.of("id", "n", "target", "note");

    @Test
    void csv_whenCommasQuotesAndNulls_quotesPerRfc4180() {
        String csv = render(ResultFormat.CSV, 10, row("a,b", 1L, null, "say \"hi\""));

        assertThat(csv).isEqualTo("id,n,target,note\r\n\"a,b\",1,,\"say \"\"hi\"\"\"\r\n");
    }

    @Test
    void json_whenStructValues_printsAnArrayOfObjectsWithNestedJson() {
        Map<String, Object> target = new LinkedHashMap<>();
        target.put("name", "prod");
        target.put("stage", "PROD");

        JsonNode json = Json.read(render(ResultFormat.JSON, 10, row("e1", 2L, target, null)));

        assertThat(json.isArray()).isTrue();
        assertThat(json.get(0).get("target").get("stage").asText()).isEqualTo("PROD");
        assertThat(json.get(0).get("n").asLong()).isEqualTo(2);
        assertThat(json.get(0).get("note").isNull()).isTrue();
    }

    @Test
    void json_whenNoRows_printsAnEmptyArray() {
        assertThat(Json.read(render(ResultFormat.JSON, 10)).size()).isZero();
    }

    @Test
    void table_whenMoreRowsThanShown_saysHowManyWereLeftOut() {
        String table = render(ResultFormat.TABLE, 1, row("e1", 1L, null, "x"), row("e2", 2L, null, "y"));

        assertThat(table.lines()).containsExactly("id | n | target | note", "---+---+--------+-----",
                "e1 | 1 | NULL   | x", "(2 rows, 1 not shown: add LIMIT or use --output csv|json)");
    }

    @Test
    void of_whenUnknownFormat_throwsNamingTheChoices() {
        assertThatThrownBy(() -> ResultFormat.of("xml")).hasMessageContaining("table, csv or json");
        assertThat(ResultFormat.of("CSV")).isEqualTo(ResultFormat.CSV);
    }

    private static List<Object> row(Object... values) {
        return Arrays.asList(values);
    }

    @SafeVarargs
    private static String render(ResultFormat format, int maxRows, List<Object>... rows) {
        StringWriter text = new StringWriter();
        ResultSink sink = format.sink(new PrintWriter(text), maxRows);
        sink.columns(COLUMNS);
        for (List<Object> r : rows) {
            sink.row(r);
        }
        sink.end();
        return text.toString();
    }
}
