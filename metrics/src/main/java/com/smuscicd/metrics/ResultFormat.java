package com.smuscicd.metrics;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.smuscicd.json.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** How query results are printed: an aligned table, CSV (RFC 4180) or a JSON array of objects. */
public enum ResultFormat {
    TABLE, CSV, JSON;

    /** Parses {@code table}, {@code csv} or {@code json}, any case. */
    public static ResultFormat of(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown output format '" + name + "': use table, csv or json", e);
        }
    }

    /**
     * A sink printing to {@code out}. CSV and JSON stream every row; the table keeps at most
     * {@code maxTableRows} rows (it must know every width first) and says how many it left out.
     */
    public ResultSink sink(PrintWriter out, int maxTableRows) {
        return switch (this) {
            case TABLE -> new TableSink(out, maxTableRows);
            case CSV -> new CsvSink(out);
            case JSON -> new JsonSink(out);
        };
    }

    /** Text of a value in a table or CSV cell: structs and arrays as compact JSON. */
    static String text(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof Map<?, ?> || value instanceof List<?>) {
            return Json.write(value);
        }
        if (value instanceof Double d) {
            return BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
        }
        return value.toString();
    }

    private static final class TableSink implements ResultSink {
        private final PrintWriter out;
        private final int max;
        private List<String> columns = List.of();
        private final List<String[]> rows = new ArrayList<>();
        private long omitted;

        TableSink(PrintWriter out, int max) {
            this.out = out;
            this.max = max;
        }

        @Override
        public void columns(List<String> names) {
            columns = names;
        }

        @Override
        public void row(List<Object> values) {
            if (rows.size() >= max) {
                omitted++;
                return;
            }
            String[] cells = new String[values.size()];
            for (int i = 0; i < cells.length; i++) {
                String t = text(values.get(i));
                cells[i] = t == null ? "NULL" : t.replace('\n', ' ');
            }
            rows.add(cells);
        }

        @Override
        public void end() {
            int[] widths = new int[columns.size()];
            for (int i = 0; i < widths.length; i++) {
                widths[i] = columns.get(i).length();
            }
            for (String[] row : rows) {
                for (int i = 0; i < widths.length; i++) {
                    widths[i] = Math.max(widths[i], row[i].length());
                }
            }
            printRow(columns.toArray(String[]::new), widths);
            StringBuilder rule = new StringBuilder();
            for (int i = 0; i < widths.length; i++) {
                rule.append(i == 0 ? "" : "-+-").append("-".repeat(widths[i]));
            }
            out.println(rule);
            for (String[] row : rows) {
                printRow(row, widths);
            }
            long total = rows.size() + omitted;
            out.println("(" + total + " row" + (total == 1 ? "" : "s")
                    + (omitted > 0 && max > 0 ? ", " + omitted + " not shown: add LIMIT or use --output csv|json" : "")
                    + ")");
            out.flush();
        }

        private void printRow(String[] cells, int[] widths) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < widths.length; i++) {
                line.append(i == 0 ? "" : " | ").append(cells[i]).append(" ".repeat(widths[i] - cells[i].length()));
            }
            out.println(line.toString().stripTrailing());
        }
    }

    private static final class CsvSink implements ResultSink {
        private final PrintWriter out;

        CsvSink(PrintWriter out) {
            this.out = out;
        }

        @Override
        public void columns(List<String> names) {
            line(new ArrayList<>(names));
        }

        @Override
        public void row(List<Object> values) {
            line(values);
        }

        @Override
        public void end() {
            out.flush();
        }

        private void line(List<?> values) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < values.size(); i++) {
                String t = text(values.get(i));
                sb.append(i == 0 ? "" : ",");
                if (t != null) {
                    boolean quote = t.indexOf(',') >= 0 || t.indexOf('"') >= 0 || t.indexOf('\n') >= 0
                            || t.indexOf('\r') >= 0;
                    sb.append(quote ? "\"" + t.replace("\"", "\"\"") + "\"" : t);
                }
            }
            out.print(sb);
            out.print("\r\n");
        }
    }

    private static final class JsonSink implements ResultSink {
        private final PrintWriter out;
        // the project's mapper leaves nulls out; a result keeps them (a struct field that is NULL)
        private final ObjectMapper mapper = Json.mapper().copy()
                .setDefaultPropertyInclusion(JsonInclude.Value.construct(JsonInclude.Include.ALWAYS, JsonInclude.Include.ALWAYS));
        private List<String> columns = List.of();
        private boolean first = true;

        JsonSink(PrintWriter out) {
            this.out = out;
        }

        @Override
        public void columns(List<String> names) {
            columns = names;
            out.print("[");
        }

        @Override
        public void row(List<Object> values) {
            // one object per line: readable, and greppable for big results
            out.print(first ? "\n" : ",\n");
            first = false;
            try (JsonGenerator g = mapper.createGenerator(out)) {
                g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
                g.writeStartObject();
                for (int i = 0; i < columns.size(); i++) {
                    g.writeFieldName(columns.get(i));
                    mapper.writeValue(g, values.get(i));
                }
                g.writeEndObject();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void end() {
            out.println(first ? "]" : "\n]");
            out.flush();
        }
    }
}
