package com.smuscicd.infra;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.services.logs.CfnMetricFilter;
import software.constructs.Construct;

/**
 * CloudWatch metrics from the events log group: deployments started, succeeded, failed and
 * cancelled, and the duration of each completed phase, per pipeline and target.
 *
 * <p>A deployment that was stopped (Step Functions StopExecution, a cancelled CI job, Ctrl-C of
 * {@code deploy --local}) ends with Deploy-Failed whose error code is {@code EXECUTION_ABORTED}:
 * it counts as a cancellation, not a failure, as in {@code smus_deployments}.
 *
 * <p>A metric filter sees every delivery, so an event EventBridge delivers twice counts twice:
 * these metrics are approximate under redelivery. The Athena views count each
 * ({@code deploymentId}, {@code sequence}) once and are the exact figures.
 *
 * <p>Dimensions come from the event ({@code Pipeline}, {@code Target}, and {@code Phase} for
 * durations); CloudWatch Logs allows three per filter, no {@code DefaultValue} with dimensions,
 * and disables a filter that produces 1,000 distinct dimension sets within a short time, far
 * above a project's pipelines and targets.
 */
public final class EventMetricFilters extends Construct {

    /** Namespace of the metrics. */
    public static final String NAMESPACE = "SMUS/CICD";

    public static final String DEPLOYMENTS = "Deployments";
    public static final String SUCCESSES = "Successes";
    public static final String FAILURES = "Failures";
    public static final String CANCELLATIONS = "Cancellations";
    /** The error code of a stopped execution: a cancellation, never a failure. */
    public static final String ABORTED = "EXECUTION_ABORTED";
    public static final String PHASE_DURATION = "PhaseDurationMs";

    /** Dimension names, as the dashboard's SEARCH expressions name them. */
    public static final String PIPELINE = "Pipeline";
    public static final String TARGET = "Target";
    public static final String PHASE = "Phase";

    /**
     * One metric filter: the events it matches (a CloudWatch Logs JSON pattern over the whole
     * EventBridge event) and what it publishes for each.
     */
    public record Filter(String metricName, String pattern, String value, String unit, Map<String, String> dimensions) {
    }

    /** The filters, Deployments first. */
    public static final List<Filter> FILTERS = List.of(
            count(DEPLOYMENTS, "started", ""),
            count(SUCCESSES, "completed", ""),
            // the schema requires error.code on a failed event; one without it still counts as a failure
            count(FAILURES, "failed", " && ($.detail.error.code != \"" + ABORTED + "\" || $.detail.error.code NOT EXISTS)"),
            count(CANCELLATIONS, "failed", " && $.detail.error.code = \"" + ABORTED + "\""),
            new Filter(PHASE_DURATION, "{ $.detail.status = \"completed\" && $.detail.stage != \"deploy\" }",
                    "$.detail.durationMs", "Milliseconds", dimensions(true)));

    private final List<CfnMetricFilter> metricFilters;

    public EventMetricFilters(Construct scope, String id, EventMetricFiltersProps props) {
        super(scope, id);
        List<CfnMetricFilter> created = new ArrayList<>();
        for (Filter filter : FILTERS) {
            CfnMetricFilter metricFilter = CfnMetricFilter.Builder.create(this, filter.metricName())
                    .filterName("smus-cicd-" + filter.metricName())
                    .logGroupName(props.logGroupName())
                    .filterPattern(filter.pattern())
                    .metricTransformations(List.of(CfnMetricFilter.MetricTransformationProperty.builder()
                            .metricNamespace(props.namespace())
                            .metricName(filter.metricName())
                            .metricValue(filter.value())
                            .unit(filter.unit())
                            .dimensions(filter.dimensions().entrySet().stream()
                                    .<Object>map(d -> CfnMetricFilter.DimensionProperty.builder()
                                            .key(d.getKey()).value(d.getValue()).build())
                                    .toList())
                            .build()))
                    .build();
            metricFilter.getCfnOptions().setCondition(props.enabled());
            created.add(metricFilter);
        }
        this.metricFilters = List.copyOf(created);
    }

    /** Deploy-level events of {@code status}; {@code more}: further conditions, each starting with {@code &&}. */
    private static Filter count(String metricName, String status, String more) {
        return new Filter(metricName,
                "{ $.detail.stage = \"deploy\" && $.detail.status = \"" + status + "\"" + more + " }", "1", "Count",
                dimensions(false));
    }

    private static Map<String, String> dimensions(boolean withPhase) {
        Map<String, String> dimensions = new LinkedHashMap<>();
        dimensions.put(PIPELINE, "$.detail.pipelineName");
        dimensions.put(TARGET, "$.detail.target.name");
        if (withPhase) {
            dimensions.put(PHASE, "$.detail.stage");
        }
        return Collections.unmodifiableMap(dimensions);
    }

    public List<CfnMetricFilter> metricFilters() {
        return metricFilters;
    }
}
