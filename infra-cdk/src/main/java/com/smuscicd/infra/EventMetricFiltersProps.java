package com.smuscicd.infra;

import java.util.Objects;
import software.amazon.awscdk.CfnCondition;

/**
 * Settings of {@link EventMetricFilters}.
 *
 * @param logGroupName the events log group (a token: the group exists only under {@code enabled})
 * @param enabled condition under which the log group, and so the filters, exist
 * @param namespace CloudWatch namespace of the metrics
 */
public record EventMetricFiltersProps(String logGroupName, CfnCondition enabled, String namespace) {

    public EventMetricFiltersProps {
        Objects.requireNonNull(logGroupName, "logGroupName");
        Objects.requireNonNull(enabled, "enabled");
        Objects.requireNonNull(namespace, "namespace");
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builder of {@link EventMetricFiltersProps}. */
    public static final class Builder {
        private String logGroupName;
        private CfnCondition enabled;
        private String namespace = EventMetricFilters.NAMESPACE;

        private Builder() {
        }

        public Builder logGroupName(String value) {
            this.logGroupName = value;
            return this;
        }

        public Builder enabled(CfnCondition value) {
            this.enabled = value;
            return this;
        }

        public Builder namespace(String value) {
            this.namespace = value;
            return this;
        }

        public EventMetricFiltersProps build() {
            return new EventMetricFiltersProps(logGroupName, enabled, namespace);
        }
    }
}
