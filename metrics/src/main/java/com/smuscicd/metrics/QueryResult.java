package com.smuscicd.metrics;

import java.util.ArrayList;
import java.util.List;

/**
 * A whole query result in memory; values as described in {@link ResultSink}.
 *
 * @param columns the column labels
 * @param rows    the rows, each with one value per column
 */
public record QueryResult(List<String> columns, List<List<Object>> rows) {

    public QueryResult {
        columns = List.copyOf(columns);
        rows = List.copyOf(rows);
    }

    /** The values of one column, by label (case-insensitive). */
    public List<Object> column(String label) {
        int index = -1;
        for (int i = 0; i < columns.size(); i++) {
            if (columns.get(i).equalsIgnoreCase(label)) {
                index = i;
            }
        }
        if (index < 0) {
            throw new IllegalArgumentException("no column " + label + " in " + columns);
        }
        List<Object> values = new ArrayList<>(rows.size());
        for (List<Object> row : rows) {
            values.add(row.get(index));
        }
        return values;
    }

    /** Collects a streamed result. */
    static final class Collector implements ResultSink {
        private List<String> columns = List.of();
        private final List<List<Object>> rows = new ArrayList<>();

        @Override
        public void columns(List<String> names) {
            columns = names;
        }

        @Override
        public void row(List<Object> values) {
            // nulls are legal values, so no List.copyOf
            rows.add(java.util.Collections.unmodifiableList(new ArrayList<>(values)));
        }

        @Override
        public void end() {
            // nothing to flush
        }

        QueryResult result() {
            return new QueryResult(columns, rows);
        }
    }
}
