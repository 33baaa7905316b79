package com.smuscicd.infra;

import java.util.Objects;

/**
 * Settings of {@link EventsTable}.
 *
 * @param databaseName Glue database holding the raw table and the views
 * @param viewName name of the contract's view; must be {@code smus_events}, which the deployments view and the
 *     named queries read
 * @param rawTableName name of the table over the archive files
 * @param bucketName archive bucket (may be a token)
 * @param eventPrefix archive prefix ending in "/" (may be a token)
 * @param firstDay first archive day partition projection offers, as yyyy/MM/dd
 */
public record EventsTableProps(
        String databaseName,
        String viewName,
        String rawTableName,
        String bucketName,
        String eventPrefix,
        String firstDay) {

    public EventsTableProps {
        Objects.requireNonNull(databaseName, "databaseName");
        Objects.requireNonNull(viewName, "viewName");
        Objects.requireNonNull(rawTableName, "rawTableName");
        Objects.requireNonNull(bucketName, "bucketName");
        Objects.requireNonNull(eventPrefix, "eventPrefix");
        Objects.requireNonNull(firstDay, "firstDay");
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builder of {@link EventsTableProps}. */
    public static final class Builder {
        private String databaseName = "smus_cicd";
        private String viewName = SmusEventsView.NAME;
        private String rawTableName = "smus_events_raw";
        private String bucketName;
        private String eventPrefix = "smus-events/";
        private String firstDay = "2025/01/01";

        private Builder() {
        }

        public Builder databaseName(String value) {
            this.databaseName = value;
            return this;
        }

        public Builder viewName(String value) {
            this.viewName = value;
            return this;
        }

        public Builder rawTableName(String value) {
            this.rawTableName = value;
            return this;
        }

        public Builder bucketName(String value) {
            this.bucketName = value;
            return this;
        }

        public Builder eventPrefix(String value) {
            this.eventPrefix = value;
            return this;
        }

        public Builder firstDay(String value) {
            this.firstDay = value;
            return this;
        }

        public EventsTableProps build() {
            return new EventsTableProps(databaseName, viewName, rawTableName, bucketName, eventPrefix, firstDay);
        }
    }
}
