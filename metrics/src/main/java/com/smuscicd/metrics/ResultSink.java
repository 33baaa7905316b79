package com.smuscicd.metrics;

import java.util.List;

/**
 * Receives a query result row by row, so results of any size stream through in bounded memory.
 *
 * <p>Values are plain Java: {@code null}, {@link String}, {@link Long}, {@link Integer},
 * {@link Double}, {@link java.math.BigDecimal}, {@link Boolean}, {@link java.util.Map} (structs,
 * in field order), {@link List} (arrays); timestamps are ISO-8601 UTC strings such as
 * {@code 2025-11-04T12:30:00.123Z}, the form the events use.
 */
public interface ResultSink {

    /** Called once, before any row. */
    void columns(List<String> names);

    /** Called once per row, in result order. */
    void row(List<Object> values);

    /** Called once after the last row. */
    void end();
}
