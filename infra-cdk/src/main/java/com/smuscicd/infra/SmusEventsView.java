package com.smuscicd.infra;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The {@code smus_events} table of the contract, as an Athena view over the raw archive table:
 * one column per envelope field, then the detail's fields lifted to the top so the spec's query
 * ({@code SELECT * FROM smus_events WHERE pipelineName = ... ORDER BY timestamp}) runs as written.
 *
 * <p>It is the same table {@code smus-cli events query} gives locally: {@code time} and
 * {@code timestamp} are timestamps (UTC), and each event appears once. EventBridge delivers at
 * least once, so the archive may hold an event twice; the view keeps one row per
 * ({@code deploymentid}, {@code sequence}) (per {@code id} for events without them), the earliest
 * delivery, and drops lines that are not events.
 *
 * <p>Types are described once and rendered both as Hive types (Glue columns) and as Presto/Trino
 * types (the view definition Athena reads).
 */
public final class SmusEventsView {

    /** The view's name in the Glue database: the contract's table name. */
    public static final String NAME = "smus_events";

    /** A column type, renderable in both dialects. */
    public sealed interface Type permits Scalar, ArrayOf, Struct {
        String hive();

        String presto();
    }

    /** string/varchar, bigint, timestamp. */
    public record Scalar(String hive, String presto) implements Type {
    }

    /** array&lt;T&gt; / array(T). */
    public record ArrayOf(Type element) implements Type {
        @Override
        public String hive() {
            return "array<" + element.hive() + ">";
        }

        @Override
        public String presto() {
            return "array(" + element.presto() + ")";
        }
    }

    /** struct&lt;a:T,...&gt; / row(a T, ...). */
    public record Struct(List<Field> fields) implements Type {
        @Override
        public String hive() {
            return fields.stream().map(f -> f.name() + ":" + f.type().hive()).collect(Collectors.joining(",", "struct<", ">"));
        }

        @Override
        public String presto() {
            return fields.stream().map(f -> f.name() + " " + f.type().presto()).collect(Collectors.joining(", ", "row(", ")"));
        }
    }

    /** A named column or struct field; names are lower case, as Glue stores them. */
    public record Field(String name, Type type) {
    }

    public static final Type STRING = new Scalar("string", "varchar");
    public static final Type BIGINT = new Scalar("bigint", "bigint");
    /**
     * A UTC instant without zone: Glue (and so an Athena view column) has no type with a zone.
     * Trino reads "timestamp" as timestamp(3), what {@code from_iso8601_timestamp} gives.
     */
    public static final Type TIMESTAMP = new Scalar("timestamp", "timestamp");

    static final Struct TARGET = new Struct(List.of(
            new Field("name", STRING),
            new Field("stage", STRING),
            new Field("domain", new Struct(List.of(
                    new Field("name", STRING), new Field("region", STRING), new Field("id", STRING)))),
            new Field("project", new Struct(List.of(new Field("name", STRING), new Field("id", STRING))))));

    static final Struct METADATA = new Struct(List.of(
            new Field("user", STRING),
            new Field("gitcommit", STRING),
            new Field("gitbranch", STRING),
            new Field("gitrepository", STRING),
            new Field("cicdplatform", STRING),
            new Field("runid", STRING),
            new Field("runurl", STRING),
            new Field("committimestamp", STRING)));

    static final Struct ERROR = new Struct(List.of(new Field("code", STRING), new Field("message", STRING)));

    /**
     * The detail as the raw table reads it. {@code details} is declared a string: its shape
     * differs per stage, and the OpenX JSON SerDe hands a nested object to a string column as
     * its JSON text.
     */
    static final Struct DETAIL = new Struct(List.of(
            new Field("version", STRING),
            new Field("timestamp", STRING),
            new Field("pipelinename", STRING),
            new Field("stage", STRING),
            new Field("status", STRING),
            new Field("target", TARGET),
            new Field("metadata", METADATA),
            new Field("deploymentid", STRING),
            new Field("sequence", BIGINT),
            new Field("durationms", BIGINT),
            new Field("error", ERROR),
            new Field("details", STRING)));

    /** Columns of the raw table: the EventBridge envelope, {@code detail-type} renamed. */
    public static final List<Field> RAW_COLUMNS = List.of(
            new Field("version", STRING),
            new Field("id", STRING),
            new Field("detail_type", STRING),
            new Field("source", STRING),
            new Field("account", STRING),
            new Field("time", STRING),
            new Field("region", STRING),
            new Field("resources", new ArrayOf(STRING)),
            new Field("detail", DETAIL));

    private static final List<String> ENVELOPE_COLUMNS =
            List.of("id", "detail_type", "source", "account", "time", "region", "resources");

    private SmusEventsView() {
    }

    /** Raw-table columns the view parses from ISO-8601 text into {@link #TIMESTAMP}. */
    private static final List<String> INSTANTS = List.of("time", "timestamp");

    /**
     * Columns of {@code smus_events}, in the contract's order. {@code version} is the detail's
     * schema version ("1.0"); the envelope's constant "0" carries no information.
     */
    public static List<Field> columns() {
        List<Field> columns = new ArrayList<>();
        for (String name : ENVELOPE_COLUMNS) {
            columns.add(RAW_COLUMNS.stream().filter(f -> f.name().equals(name)).findFirst().orElseThrow());
        }
        columns.addAll(DETAIL.fields());
        return columns.stream()
                .map(f -> INSTANTS.contains(f.name()) ? new Field(f.name(), TIMESTAMP) : f)
                .toList();
    }

    /**
     * The view's SELECT over {@code rawTable}: the columns, typed, from the earliest delivery of
     * each event. The key is the local one ({@code deploymentid#sequence}, else {@code id:<id>});
     * copies of one EventBridge event share {@code id} and {@code time}, so which copy is kept
     * does not change a row.
     */
    public static String sql(String rawTable) {
        List<String> typed = new ArrayList<>();
        for (String name : ENVELOPE_COLUMNS) {
            typed.add(INSTANTS.contains(name) ? instant(quote(name)) + " AS " + quote(name) : quote(name));
        }
        for (Field field : DETAIL.fields()) {
            String value = quote("detail") + "." + quote(field.name());
            typed.add((INSTANTS.contains(field.name()) ? instant(value) : value) + " AS " + quote(field.name()));
        }
        String names = columns().stream().map(f -> quote(f.name())).collect(Collectors.joining(", "));
        String key = "CASE WHEN \"deploymentid\" IS NOT NULL AND \"sequence\" IS NOT NULL"
                + " THEN \"deploymentid\" || '#' || CAST(\"sequence\" AS varchar) ELSE 'id:' || \"id\" END";
        return "SELECT " + names + " FROM (SELECT " + names + ", row_number() OVER (PARTITION BY " + key
                + " ORDER BY \"time\", \"id\") AS \"delivery\" FROM (SELECT " + String.join(", ", typed)
                + " FROM " + quote(rawTable) + " WHERE \"id\" IS NOT NULL) AS \"typed\") AS \"numbered\""
                + " WHERE \"delivery\" = 1";
    }

    /**
     * The Glue {@code ViewOriginalText} Athena recognises as one of its views: the Presto view
     * definition (SQL, default catalog and schema, column types), base64-encoded in a comment.
     */
    public static String prestoViewText(String database, String rawTable) {
        return prestoViewText(database, sql(rawTable), columns());
    }

    /** {@code ViewOriginalText} of any view: {@code sql} reads tables of {@code database} unqualified. */
    public static String prestoViewText(String database, String sql, List<Field> columns) {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode view = mapper.createObjectNode();
        view.put("originalSql", sql);
        view.put("catalog", "awsdatacatalog");
        view.put("schema", database);
        ArrayNode array = view.putArray("columns");
        for (Field field : columns) {
            array.addObject().put("name", field.name()).put("type", field.type().presto());
        }
        String encoded = Base64.getEncoder().encodeToString(view.toString().getBytes(StandardCharsets.UTF_8));
        return "/* Presto View: " + encoded + " */";
    }

    /** ISO-8601 text as a UTC timestamp; text that is not one becomes NULL rather than failing the query. */
    private static String instant(String text) {
        return "CAST(try(from_iso8601_timestamp(" + text + ")) AT TIME ZONE 'UTC' AS timestamp)";
    }

    private static String quote(String identifier) {
        return '"' + identifier + '"';
    }
}
