package com.smuscicd.infra;

import java.util.List;

/**
 * The {@code smus_deployments} view: one row per deployment of {@code smus_events}, derived by
 * sequence, never by arrival order. It is the table {@code smus-cli metrics} computes locally
 * (same columns, same rules), so the named queries over it give the same numbers as the CLI.
 *
 * <p>The SQL lives in {@code athena/views/smus_deployments.sql}.
 */
public final class SmusDeploymentsView {

    /** The view's name in the Glue database. */
    public static final String NAME = "smus_deployments";

    /** Classpath resource holding the view's SELECT. */
    public static final String RESOURCE = SqlFiles.VIEWS + NAME + ".sql";

    private static final SmusEventsView.Type STRING = SmusEventsView.STRING;
    private static final SmusEventsView.Type BIGINT = SmusEventsView.BIGINT;
    private static final SmusEventsView.Type TIMESTAMP = SmusEventsView.TIMESTAMP;

    private SmusDeploymentsView() {
    }

    /** The view's columns, in the order its SELECT produces them. */
    public static List<SmusEventsView.Field> columns() {
        return List.of(
                new SmusEventsView.Field("deploymentid", STRING),
                new SmusEventsView.Field("pipeline", STRING),
                new SmusEventsView.Field("target", STRING),
                new SmusEventsView.Field("outcome", STRING),
                new SmusEventsView.Field("started_at", TIMESTAMP),
                new SmusEventsView.Field("ended_at", TIMESTAMP),
                new SmusEventsView.Field("failed_phase", STRING),
                new SmusEventsView.Field("error_code", STRING),
                new SmusEventsView.Field("duration_ms", BIGINT),
                new SmusEventsView.Field("committed_at", TIMESTAMP),
                new SmusEventsView.Field("last_event_at", TIMESTAMP),
                new SmusEventsView.Field("events", BIGINT));
    }

    /** The view's SELECT over {@code smus_events}, as the resource file holds it. */
    public static String sql() {
        return SqlFiles.read(RESOURCE);
    }

    /** Glue {@code ViewOriginalText} of the view in {@code database}. */
    public static String prestoViewText(String database) {
        return SmusEventsView.prestoViewText(database, sql(), columns());
    }
}
