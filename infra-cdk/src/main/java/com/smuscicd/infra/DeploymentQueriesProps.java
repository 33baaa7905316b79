package com.smuscicd.infra;

import java.util.Objects;

/**
 * Settings of {@link DeploymentQueries}.
 *
 * @param workGroupName name of the Athena workgroup the queries are saved in
 * @param databaseName Glue database of {@code smus_events} and {@code smus_deployments}
 * @param bucketName archive bucket, which also takes the query results (may be a token)
 * @param resultsPrefix key prefix of the query results, ending in "/", apart from the events so that
 *     results never show up as rows of the raw table
 */
public record DeploymentQueriesProps(String workGroupName, String databaseName, String bucketName, String resultsPrefix) {

    public DeploymentQueriesProps {
        Objects.requireNonNull(workGroupName, "workGroupName");
        Objects.requireNonNull(databaseName, "databaseName");
        Objects.requireNonNull(bucketName, "bucketName");
        Objects.requireNonNull(resultsPrefix, "resultsPrefix");
        if (!resultsPrefix.endsWith("/")) {
            throw new IllegalArgumentException("resultsPrefix must end in /: " + resultsPrefix);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builder of {@link DeploymentQueriesProps}. */
    public static final class Builder {
        private String workGroupName = "smus-cicd";
        private String databaseName = "smus_cicd";
        private String bucketName;
        private String resultsPrefix = "athena-results/";

        private Builder() {
        }

        public Builder workGroupName(String value) {
            this.workGroupName = value;
            return this;
        }

        public Builder databaseName(String value) {
            this.databaseName = value;
            return this;
        }

        public Builder bucketName(String value) {
            this.bucketName = value;
            return this;
        }

        public Builder resultsPrefix(String value) {
            this.resultsPrefix = value;
            return this;
        }

        public DeploymentQueriesProps build() {
            return new DeploymentQueriesProps(workGroupName, databaseName, bucketName, resultsPrefix);
        }
    }
}
