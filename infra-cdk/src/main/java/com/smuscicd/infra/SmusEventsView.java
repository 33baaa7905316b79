package com.smuscicd.infra;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The {@code smus_events} table of the contract, as an Athena view over the raw archive table:
 * one column per envelope field, then the detail's fields lifted to the top so the spec's query
 * ({@code SELECT * FROM smus_events WHERE pipelineName = ... ORDER BY timestamp}) runs as written.
 *
 * <p>Types are described once and rendered both as Hive types (Glue columns) and as Presto/Trino
 * types (the view definition Athena reads).
 */
public final class SmusEventsView {

    /** A column type, renderable in both dialects. */
    public sealed interface Type permits Scalar, ArrayOf, Struct {
        String hive();

        String presto();
    }

    /** string/varchar, bigint. */
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

    /**
     * Columns of {@code smus_events}, in the contract's order. {@code version} is the detail's
     * schema version ("1.0"); the envelope's constant "0" carries no information.
     */
    public static List<Field> columns() {
        List<Field> columns = new java.util.ArrayList<>();
        for (String name : ENVELOPE_COLUMNS) {
            columns.add(RAW_COLUMNS.stream().filter(f -> f.name().equals(name)).findFirst().orElseThrow());
        }
        columns.addAll(DETAIL.fields());
        return List.copyOf(columns);
    }

    /** The view's SELECT over {@code rawTable}. */
    public static String sql(String rawTable) {
        List<String> select = new java.util.ArrayList<>();
        for (String name : ENVELOPE_COLUMNS) {
            select.add(quote(name));
        }
        for (Field field : DETAIL.fields()) {
            select.add(quote("detail") + "." + quote(field.name()) + " AS " + quote(field.name()));
        }
        return "SELECT " + String.join(", ", select) + " FROM " + quote(rawTable);
    }

    /**
     * The Glue {@code ViewOriginalText} Athena recognises as one of its views: the Presto view
     * definition (SQL, default catalog and schema, column types), base64-encoded in a comment.
     */
    public static String prestoViewText(String database, String rawTable) {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode view = mapper.createObjectNode();
        view.put("originalSql", sql(rawTable));
        view.put("catalog", "awsdatacatalog");
        view.put("schema", database);
        ArrayNode columns = view.putArray("columns");
        for (Field field : columns()) {
            columns.addObject().put("name", field.name()).put("type", field.type().presto());
        }
        String encoded = Base64.getEncoder().encodeToString(view.toString().getBytes(StandardCharsets.UTF_8));
        return "/* Presto View: " + encoded + " */";
    }

    private static String quote(String identifier) {
        return '"' + identifier + '"';
    }
}
