package com.smuscicd.infra;

import java.util.List;
import java.util.Objects;
import software.amazon.awscdk.CfnCondition;
import software.amazon.awscdk.services.cloudwatch.CfnAlarm;

/**
 * Settings of {@link DeploymentDashboard}.
 *
 * @param dashboardName name of the dashboard (dashboards are global to an account, so it should name the region)
 * @param enabled condition under which the dashboard exists: that of the log group its metrics come from
 * @param namespace CloudWatch namespace of the {@link EventMetricFilters} metrics
 * @param alarms alarms whose state the dashboard shows
 * @param athenaWorkGroup workgroup of the saved queries the dashboard points to for exact figures
 */
public record DeploymentDashboardProps(
        String dashboardName,
        CfnCondition enabled,
        String namespace,
        List<CfnAlarm> alarms,
        String athenaWorkGroup) {

    public DeploymentDashboardProps {
        Objects.requireNonNull(dashboardName, "dashboardName");
        Objects.requireNonNull(enabled, "enabled");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(athenaWorkGroup, "athenaWorkGroup");
        alarms = List.copyOf(alarms);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builder of {@link DeploymentDashboardProps}. */
    public static final class Builder {
        private String dashboardName;
        private CfnCondition enabled;
        private String namespace = EventMetricFilters.NAMESPACE;
        private List<CfnAlarm> alarms = List.of();
        private String athenaWorkGroup;

        private Builder() {
        }

        public Builder dashboardName(String value) {
            this.dashboardName = value;
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

        public Builder alarms(List<CfnAlarm> value) {
            this.alarms = value;
            return this;
        }

        public Builder athenaWorkGroup(String value) {
            this.athenaWorkGroup = value;
            return this;
        }

        public DeploymentDashboardProps build() {
            return new DeploymentDashboardProps(dashboardName, enabled, namespace, alarms, athenaWorkGroup);
        }
    }
}
