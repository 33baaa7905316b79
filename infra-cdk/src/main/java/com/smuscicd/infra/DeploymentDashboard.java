package com.smuscicd.infra;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.CfnResource;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.cloudwatch.AlarmStatusWidget;
import software.amazon.awscdk.services.cloudwatch.Dashboard;
import software.amazon.awscdk.services.cloudwatch.GraphWidget;
import software.amazon.awscdk.services.cloudwatch.IMetric;
import software.amazon.awscdk.services.cloudwatch.MathExpression;
import software.amazon.awscdk.services.cloudwatch.TextWidget;
import software.amazon.awscdk.services.cloudwatch.YAxisProps;
import software.constructs.Construct;

/**
 * A CloudWatch dashboard of the {@link EventMetricFilters} metrics: deployments, successes,
 * failures and cancellations (in total; deployments and failures also per pipeline and target),
 * the failure rate (cancellations left out, as in the change failure rate), phase durations p50
 * and p95, and the state of the capture alarms.
 *
 * <p>The filters publish one metric per pipeline and target (dimensions only, no total), so the
 * totals are {@code SUM(SEARCH(...))} over those, and the per-target graphs are the searches
 * themselves: new pipelines appear without changing the dashboard. Counts are per day, over the
 * 30 days the saved Athena queries cover.
 */
public final class DeploymentDashboard extends Construct {

    /** Aggregation period of every graph: DORA counts are per day. */
    static final Duration PERIOD = Duration.days(1);

    private final Dashboard dashboard;

    public DeploymentDashboard(Construct scope, String id, DeploymentDashboardProps props) {
        super(scope, id);
        String namespace = props.namespace();
        MathExpression deployments = total(namespace, EventMetricFilters.DEPLOYMENTS, "deployments");
        MathExpression successes = total(namespace, EventMetricFilters.SUCCESSES, "succeeded");
        MathExpression failures = total(namespace, EventMetricFilters.FAILURES, "failed");
        MathExpression cancellations = total(namespace, EventMetricFilters.CANCELLATIONS, "cancelled");
        Map<String, IMetric> finished = new LinkedHashMap<>();
        finished.put("successes", successes);
        finished.put("failures", failures);
        // A day with failures only has no Successes data point: FILL makes it 0 so the rate is 100%.
        MathExpression failureRate = MathExpression.Builder.create()
                .expression("100 * FILL(failures, 0) / (FILL(successes, 0) + FILL(failures, 0))")
                .usingMetrics(finished)
                .label("failure rate (%)")
                .period(PERIOD)
                .build();

        this.dashboard = Dashboard.Builder.create(this, "Dashboard")
                .dashboardName(props.dashboardName())
                .defaultInterval(Duration.days(30))
                .widgets(List.of(
                        List.of(TextWidget.Builder.create()
                                .markdown("## SMUS CI/CD deployments\n"
                                        + "From the events log group. A metric filter counts every delivery, so an event "
                                        + "EventBridge delivers twice counts twice: these figures are approximate. For exact "
                                        + "ones (each deploymentId and sequence once) run the saved queries of Athena "
                                        + "workgroup **" + props.athenaWorkGroup() + "** (smus-dora-30d, smus-failures-30d, ...). "
                                        + "A stopped deployment (EXECUTION_ABORTED) is cancelled, not failed.")
                                .width(24)
                                .height(2)
                                .build()),
                        List.of(
                                graph("Deployments per day", List.of(deployments, successes, failures, cancellations),
                                        null),
                                graph("Failure rate (%)", List.of(failureRate),
                                        YAxisProps.builder().min(0).max(100).showUnits(false).build())),
                        List.of(
                                graph("Deployments by pipeline and target",
                                        List.of(search(namespace, EventMetricFilters.DEPLOYMENTS, "Sum")), null),
                                graph("Failures by pipeline and target",
                                        List.of(search(namespace, EventMetricFilters.FAILURES, "Sum")), null)),
                        List.of(
                                graph("Phase duration p50 (ms)",
                                        List.of(search(namespace, EventMetricFilters.PHASE_DURATION, "p50")), null),
                                graph("Phase duration p95 (ms)",
                                        List.of(search(namespace, EventMetricFilters.PHASE_DURATION, "p95")), null)),
                        List.of(AlarmStatusWidget.Builder.create()
                                .title("Event capture alarms")
                                .alarms(List.copyOf(props.alarms()))
                                .width(24)
                                .height(3)
                                .build())))
                .build();
        ((CfnResource) dashboard.getNode().getDefaultChild()).getCfnOptions().setCondition(props.enabled());
    }

    /**
     * {@code SEARCH} over the metric's dimension set: one line per pipeline and target (and phase,
     * for durations), labelled with the dimension values.
     */
    static String searchExpression(String namespace, String metricName, String statistic) {
        String dimensions = EventMetricFilters.PHASE_DURATION.equals(metricName)
                ? String.join(",", EventMetricFilters.PIPELINE, EventMetricFilters.TARGET, EventMetricFilters.PHASE)
                : String.join(",", EventMetricFilters.PIPELINE, EventMetricFilters.TARGET);
        return "SEARCH('{" + namespace + "," + dimensions + "} MetricName=\"" + metricName + "\"', '"
                + statistic + "', " + (long) PERIOD.toSeconds().doubleValue() + ")";
    }

    /** One line per dimension set, labelled with its values (a CloudWatch dynamic label). */
    private static MathExpression search(String namespace, String metricName, String statistic) {
        String label = "${PROP('Dim." + EventMetricFilters.PIPELINE + "')} ${PROP('Dim." + EventMetricFilters.TARGET + "')}";
        if (EventMetricFilters.PHASE_DURATION.equals(metricName)) {
            label += " ${PROP('Dim." + EventMetricFilters.PHASE + "')}";
        }
        return MathExpression.Builder.create()
                .expression(searchExpression(namespace, metricName, statistic))
                .usingMetrics(Map.of())
                .label(label)
                .period(PERIOD)
                .build();
    }

    private static MathExpression total(String namespace, String metricName, String label) {
        return MathExpression.Builder.create()
                .expression("SUM(" + searchExpression(namespace, metricName, "Sum") + ")")
                .usingMetrics(Map.of())
                .label(label)
                .period(PERIOD)
                .build();
    }

    private static GraphWidget graph(String title, List<IMetric> metrics, YAxisProps leftAxis) {
        GraphWidget.Builder builder = GraphWidget.Builder.create()
                .title(title)
                .left(metrics)
                .period(PERIOD)
                .width(12)
                .height(6);
        if (leftAxis != null) {
            builder.leftYAxis(leftAxis);
        }
        return builder.build();
    }

    public Dashboard dashboard() {
        return dashboard;
    }
}
