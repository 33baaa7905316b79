package com.smuscicd.infra;

import static com.smuscicd.infra.OrchestratorStackTest.properties;
import static com.smuscicd.infra.OrchestratorStackTest.ref;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/** The monitoring stack's deployment metrics: Athena views and saved queries, metric filters, dashboard. */
class MonitoringMetricsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path QUERY_FILES = Path.of("src/main/resources/athena/queries");

    /** The spec's Athena query, byte for byte (its first two lines end in a space). */
    private static final String SPEC_QUERY = "SELECT * FROM smus_events \n"
            + "WHERE pipelineName = 'MyPipeline' \n"
            + "  AND status = 'failed'\n"
            + "ORDER BY timestamp DESC\n"
            + "LIMIT 10;";

    private static final String DEPLOYMENTS_SEARCH = "SEARCH('{SMUS/CICD,Pipeline,Target} MetricName=\"Deployments\"', 'Sum', 86400)";
    private static final String SUCCESSES_SEARCH = "SEARCH('{SMUS/CICD,Pipeline,Target} MetricName=\"Successes\"', 'Sum', 86400)";
    private static final String FAILURES_SEARCH = "SEARCH('{SMUS/CICD,Pipeline,Target} MetricName=\"Failures\"', 'Sum', 86400)";
    private static final String CANCELLATIONS_SEARCH =
            "SEARCH('{SMUS/CICD,Pipeline,Target} MetricName=\"Cancellations\"', 'Sum', 86400)";

    private static Template template;

    @BeforeAll
    static void synthesize() {
        template = Template.fromStack(TestApps.monitoring(TestApps.app(Map.of())));
    }

    @Test
    void deploymentsView_isAnAthenaViewOverSmusEventsWithTheLocalColumns() throws Exception {
        Map<String, Object> input = tableInput("smus_deployments");
        assertThat(input).containsEntry("TableType", "VIRTUAL_VIEW")
                .containsEntry("Parameters", Map.of("presto_view", "true", "comment", "Presto View"))
                .containsEntry("ViewExpandedText", "/* Presto View */");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> columns = (List<Map<String, Object>>) ((Map<String, Object>) input.get("StorageDescriptor")).get("Columns");
        assertThat(columns).extracting(c -> c.get("Name") + " " + c.get("Type")).containsExactly(
                "deploymentid string", "pipeline string", "target string", "outcome string",
                "started_at timestamp", "ended_at timestamp", "failed_phase string", "error_code string",
                "duration_ms bigint", "committed_at timestamp", "last_event_at timestamp", "events bigint");

        JsonNode view = decodeView((String) input.get("ViewOriginalText"));
        assertThat(view.get("originalSql").asText())
                .isEqualTo(withoutFinalLineBreak(Files.readString(Path.of("src/main/resources/athena/views/smus_deployments.sql"))))
                .contains("FROM smus_events WHERE deploymentid IS NOT NULL").contains("GROUP BY deploymentid");
        assertThat(view.get("schema").asText()).isEqualTo("smus_cicd");
        assertThat(view.get("columns")).extracting(c -> c.get("name").asText() + " " + c.get("type").asText()).containsExactly(
                "deploymentid varchar", "pipeline varchar", "target varchar", "outcome varchar",
                "started_at timestamp", "ended_at timestamp", "failed_phase varchar", "error_code varchar",
                "duration_ms bigint", "committed_at timestamp", "last_event_at timestamp", "events bigint");
        String viewId = logicalId("AWS::Glue::Table", "smus_events");
        assertThat(template.findResources("AWS::Glue::Table").get(logicalId("AWS::Glue::Table", "smus_deployments")))
                .containsEntry("DependsOn", List.of(viewId));
    }

    @Test
    void eventsView_definition_typesTimeAndTimestampAndDropsDuplicateDeliveries() throws Exception {
        JsonNode view = decodeView((String) tableInput("smus_events").get("ViewOriginalText"));

        assertThat(view.get("originalSql").asText())
                .contains("CAST(try(from_iso8601_timestamp(\"detail\".\"timestamp\")) AT TIME ZONE 'UTC' AS timestamp) AS \"timestamp\"")
                .contains("row_number() OVER (PARTITION BY CASE WHEN \"deploymentid\" IS NOT NULL AND \"sequence\" IS NOT NULL")
                .endsWith("WHERE \"delivery\" = 1");
        assertThat(view.get("columns")).filteredOn(c -> c.get("name").asText().matches("time|timestamp"))
                .extracting(c -> c.get("type").asText()).containsExactly("timestamp", "timestamp");
    }

    @Test
    void workGroup_writesEncryptedResultsUnderTheirOwnPrefixOfTheArchiveBucket() {
        template.resourceCountIs("AWS::Athena::WorkGroup", 1);
        template.hasResourceProperties("AWS::Athena::WorkGroup", Map.of(
                "Name", "smus-cicd",
                "State", "ENABLED",
                "RecursiveDeleteOption", true,
                "WorkGroupConfiguration", Map.of(
                        "EnforceWorkGroupConfiguration", true,
                        "PublishCloudWatchMetricsEnabled", true,
                        "EngineVersion", Map.of("SelectedEngineVersion", "Athena engine version 3"),
                        "ResultConfiguration", Map.of(
                                "OutputLocation", Map.of("Fn::Join", List.of("", List.of("s3://", bucketName(), "/athena-results/"))),
                                "EncryptionConfiguration", Map.of("EncryptionOption", "SSE_S3")))));
    }

    @Test
    void namedQueries_names_areTheFiveMetricQueriesInTheWorkGroupAndDatabase() {
        String workGroup = template.findResources("AWS::Athena::WorkGroup").keySet().iterator().next();
        String database = template.findResources("AWS::Glue::Database").keySet().iterator().next();
        Map<String, Map<String, Object>> queries = template.findResources("AWS::Athena::NamedQuery");

        assertThat(queries.values()).extracting(q -> properties(q).get("Name")).containsExactlyInAnyOrder(
                "smus-spec-failed-query", "smus-dora-30d", "smus-time-to-restore-30d", "smus-phase-durations-30d",
                "smus-failures-30d");
        assertThat(queries.values()).allSatisfy(q -> assertThat(properties(q))
                .containsEntry("WorkGroup", ref(workGroup))
                .containsEntry("Database", ref(database))
                .containsKey("Description"));
    }

    @Test
    void namedQueries_queryString_isItsSqlFileWithoutTheFinalLineBreak() throws Exception {
        Map<String, Map<String, Object>> queries = template.findResources("AWS::Athena::NamedQuery");
        for (Map<String, Object> query : queries.values()) {
            String name = (String) properties(query).get("Name");
            String file = Files.readString(QUERY_FILES.resolve(name + ".sql"), StandardCharsets.UTF_8);
            assertThat(file).as(name).endsWith(";\n");
            assertThat(properties(query).get("QueryString")).as(name).isEqualTo(file.substring(0, file.length() - 1));
        }
        try (var files = Files.list(QUERY_FILES)) {
            assertThat(files.map(f -> f.getFileName().toString().replace(".sql", "")))
                    .as("every query file is saved in Athena")
                    .containsExactlyInAnyOrderElementsOf(queries.values().stream().map(q -> (String) properties(q).get("Name")).toList());
        }
    }

    @Test
    void namedQueries_specFailedQuery_isTheSpecsQueryUnchanged() {
        template.hasResourceProperties("AWS::Athena::NamedQuery", Map.of(
                "Name", "smus-spec-failed-query",
                "QueryString", SPEC_QUERY));
    }

    @Test
    void namedQueries_metrics_readTheDeploymentsViewOverTheLast30Days() {
        for (String name : List.of("smus-dora-30d", "smus-time-to-restore-30d", "smus-phase-durations-30d", "smus-failures-30d")) {
            assertThat(queryString(name)).as(name)
                    .containsPattern("(FROM|JOIN) smus_deployments")
                    .contains("started_at >= current_timestamp - INTERVAL '30' DAY");
        }
    }

    @Test
    void metricFilters_deployCounts_matchDeployStartedCompletedFailedAndStoppedPerPipelineAndTarget() {
        Map<String, Object> perTarget = Map.of("Dimensions", List.of(
                Map.of("Key", "Pipeline", "Value", "$.detail.pipelineName"),
                Map.of("Key", "Target", "Value", "$.detail.target.name")));
        template.resourceCountIs("AWS::Logs::MetricFilter", 5);
        assertFilter("{ $.detail.stage = \"deploy\" && $.detail.status = \"started\" }",
                transformation("Deployments", "1", "Count", perTarget));
        assertFilter("{ $.detail.stage = \"deploy\" && $.detail.status = \"completed\" }",
                transformation("Successes", "1", "Count", perTarget));
    }

    @Test
    void metricFilters_whenADeploymentWasStopped_countItAsACancellationNotAFailure() {
        Map<String, Object> perTarget = Map.of("Dimensions", List.of(
                Map.of("Key", "Pipeline", "Value", "$.detail.pipelineName"),
                Map.of("Key", "Target", "Value", "$.detail.target.name")));
        assertFilter("{ $.detail.stage = \"deploy\" && $.detail.status = \"failed\""
                        + " && ($.detail.error.code != \"EXECUTION_ABORTED\" || $.detail.error.code NOT EXISTS) }",
                transformation("Failures", "1", "Count", perTarget));
        assertFilter("{ $.detail.stage = \"deploy\" && $.detail.status = \"failed\""
                        + " && $.detail.error.code = \"EXECUTION_ABORTED\" }",
                transformation("Cancellations", "1", "Count", perTarget));
    }

    @Test
    void metricFilters_phaseDuration_publishesDurationMsOfCompletedPhasesPerPhase() {
        assertFilter("{ $.detail.status = \"completed\" && $.detail.stage != \"deploy\" }",
                transformation("PhaseDurationMs", "$.detail.durationMs", "Milliseconds", Map.of("Dimensions", List.of(
                        Map.of("Key", "Pipeline", "Value", "$.detail.pipelineName"),
                        Map.of("Key", "Target", "Value", "$.detail.target.name"),
                        Map.of("Key", "Phase", "Value", "$.detail.stage")))));
    }

    @Test
    void metricFilters_whenLogsAreDisabled_doNotExistAndSetNoDefaultValue() {
        String logGroup = template.findResources("AWS::Logs::LogGroup").keySet().iterator().next();
        assertThat(template.findResources("AWS::Logs::MetricFilter").values()).hasSize(5).allSatisfy(filter -> {
            assertThat(filter).containsEntry("Condition", "CloudWatchLogsEnabled");
            assertThat(properties(filter)).containsEntry("LogGroupName", ref(logGroup));
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> transformations = (List<Map<String, Object>>) properties(filter).get("MetricTransformations");
            assertThat(transformations).singleElement().satisfies(t -> assertThat(t).doesNotContainKey("DefaultValue"));
        });
    }

    @Test
    void dashboard_whenLogsAreEnabled_isNamedForTheRegion() {
        template.resourceCountIs("AWS::CloudWatch::Dashboard", 1);
        template.hasResource("AWS::CloudWatch::Dashboard", Map.of(
                "Condition", "CloudWatchLogsEnabled",
                "Properties", Match.objectLike(Map.of("DashboardName", Map.of("Fn::Sub", "smus-cicd-${AWS::Region}")))));
    }

    @Test
    void dashboard_body_graphsTotalsFailureRatePerTargetCountsAndPhaseDurations() throws Exception {
        Map<String, JsonNode> widgets = metricWidgets(dashboardBody());

        assertThat(widgets).containsOnlyKeys("Deployments per day", "Failure rate (%)", "Deployments by pipeline and target",
                "Failures by pipeline and target", "Phase duration p50 (ms)", "Phase duration p95 (ms)");
        assertThat(expressions(widgets.get("Deployments per day"))).containsExactly("SUM(" + DEPLOYMENTS_SEARCH + ")",
                "SUM(" + SUCCESSES_SEARCH + ")", "SUM(" + FAILURES_SEARCH + ")", "SUM(" + CANCELLATIONS_SEARCH + ")");
        assertThat(expressions(widgets.get("Deployments by pipeline and target"))).containsExactly(DEPLOYMENTS_SEARCH);
        assertThat(expressions(widgets.get("Failures by pipeline and target"))).containsExactly(FAILURES_SEARCH);
        assertThat(expressions(widgets.get("Phase duration p50 (ms)"))).containsExactly(
                "SEARCH('{SMUS/CICD,Pipeline,Target,Phase} MetricName=\"PhaseDurationMs\"', 'p50', 86400)");
        assertThat(expressions(widgets.get("Phase duration p95 (ms)"))).containsExactly(
                "SEARCH('{SMUS/CICD,Pipeline,Target,Phase} MetricName=\"PhaseDurationMs\"', 'p95', 86400)");
        assertThat(widgets.values()).allSatisfy(w -> assertThat(w.at("/properties/region").asText()).isEqualTo("${AWS::Region}"));
    }

    @Test
    void dashboard_failureRate_isFailuresOverSuccessesAndFailuresInPercent() throws Exception {
        JsonNode rate = metricWidgets(dashboardBody()).get("Failure rate (%)");
        JsonNode metrics = rate.at("/properties/metrics");

        assertThat(metrics.get(0).get(0).get("expression").asText())
                .isEqualTo("100 * FILL(failures, 0) / (FILL(successes, 0) + FILL(failures, 0))");
        Map<String, String> inputs = new LinkedHashMap<>();
        for (int i = 1; i < metrics.size(); i++) {
            JsonNode input = metrics.get(i).get(0);
            assertThat(input.get("visible").asBoolean()).isFalse();
            inputs.put(input.get("id").asText(), input.get("expression").asText());
        }
        assertThat(inputs).containsOnly(
                Map.entry("successes", "SUM(" + SUCCESSES_SEARCH + ")"),
                Map.entry("failures", "SUM(" + FAILURES_SEARCH + ")"));
        assertThat(rate.at("/properties/yAxis/left/min").asInt()).isZero();
        assertThat(rate.at("/properties/yAxis/left/max").asInt()).isEqualTo(100);
    }

    @Test
    void dashboard_searches_nameOnlyMetricsTheFiltersPublish() throws Exception {
        List<String> published = template.findResources("AWS::Logs::MetricFilter").values().stream()
                .map(f -> (String) ((Map<?, ?>) ((List<?>) properties(f).get("MetricTransformations")).get(0)).get("MetricName"))
                .toList();
        List<String> searched = new ArrayList<>();
        Pattern metricName = Pattern.compile("\\{SMUS/CICD,[A-Za-z,]+} MetricName=\"([A-Za-z]+)\"");
        for (JsonNode widget : metricWidgets(dashboardBody()).values()) {
            for (JsonNode metric : widget.at("/properties/metrics")) {
                Matcher names = metricName.matcher(metric.get(metric.size() - 1).get("expression").asText());
                while (names.find()) {
                    searched.add(names.group(1));
                }
            }
        }

        assertThat(searched).isNotEmpty();
        assertThat(published).containsAll(searched);
    }

    @Test
    void dashboard_alarmWidget_showsBothCaptureAlarms() throws Exception {
        List<String> alarms = new ArrayList<>(template.findResources("AWS::CloudWatch::Alarm").keySet());
        JsonNode widget = null;
        for (JsonNode w : dashboardBody().get("widgets")) {
            if ("alarm".equals(w.get("type").asText())) {
                widget = w;
            }
        }

        assertThat(widget).isNotNull();
        assertThat(widget.at("/properties/alarms")).extracting(JsonNode::asText)
                .containsExactlyInAnyOrderElementsOf(alarms.stream().map(a -> "${" + a + ".Arn}").toList());
    }

    @Test
    void dashboard_text_pointsToTheExactAthenaQueries() throws Exception {
        String workGroup = template.findResources("AWS::Athena::WorkGroup").keySet().iterator().next();
        JsonNode text = dashboardBody().get("widgets").get(0);

        assertThat(text.get("type").asText()).isEqualTo("text");
        assertThat(text.at("/properties/markdown").asText()).contains("approximate").contains("**${" + workGroup + "}**")
                .contains("is cancelled, not failed");
    }

    private static void assertFilter(String pattern, Map<String, Object> transformation) {
        template.hasResource("AWS::Logs::MetricFilter", Map.of(
                "Condition", "CloudWatchLogsEnabled",
                "Properties", Match.objectLike(Map.of(
                        "FilterPattern", pattern,
                        "MetricTransformations", Match.exact(List.of(transformation))))));
    }

    private static Map<String, Object> transformation(String name, String value, String unit, Map<String, Object> dimensions) {
        Map<String, Object> transformation = new LinkedHashMap<>(dimensions);
        transformation.put("MetricNamespace", "SMUS/CICD");
        transformation.put("MetricName", name);
        transformation.put("MetricValue", value);
        transformation.put("Unit", unit);
        return transformation;
    }

    /**
     * The dashboard body as JSON. CDK renders it as Fn::Join of JSON text around the tokens (which
     * sit inside JSON strings); each token becomes {@code ${Ref}} or {@code ${LogicalId.Attr}}.
     */
    @SuppressWarnings("unchecked")
    private static JsonNode dashboardBody() throws Exception {
        Map<String, Object> dashboard = template.findResources("AWS::CloudWatch::Dashboard").values().iterator().next();
        List<Object> join = (List<Object>) ((Map<String, Object>) properties(dashboard).get("DashboardBody")).get("Fn::Join");
        StringBuilder body = new StringBuilder();
        for (Object part : (List<Object>) join.get(1)) {
            if (part instanceof String text) {
                body.append(text);
            } else if (((Map<String, Object>) part).containsKey("Ref")) {
                body.append("${").append(((Map<String, Object>) part).get("Ref")).append('}');
            } else {
                List<Object> getAtt = (List<Object>) ((Map<String, Object>) part).get("Fn::GetAtt");
                body.append("${").append(getAtt.get(0)).append('.').append(getAtt.get(1)).append('}');
            }
        }
        return JSON.readTree(body.toString());
    }

    private static Map<String, JsonNode> metricWidgets(JsonNode body) {
        Map<String, JsonNode> widgets = new LinkedHashMap<>();
        for (JsonNode widget : body.get("widgets")) {
            if ("metric".equals(widget.get("type").asText())) {
                widgets.put(widget.at("/properties/title").asText(), widget);
            }
        }
        return widgets;
    }

    /** Expressions of the widget's visible lines. */
    private static List<String> expressions(JsonNode widget) {
        List<String> expressions = new ArrayList<>();
        for (JsonNode metric : widget.at("/properties/metrics")) {
            JsonNode options = metric.get(metric.size() - 1);
            if (options.path("visible").asBoolean(true)) {
                expressions.add(options.get("expression").asText());
            }
        }
        return expressions;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> tableInput(String name) {
        return (Map<String, Object>) properties(template.findResources("AWS::Glue::Table").get(logicalId("AWS::Glue::Table", name)))
                .get("TableInput");
    }

    private static String logicalId(String type, String name) {
        return template.findResources(type).entrySet().stream()
                .filter(e -> {
                    Object input = properties(e.getValue()).get("TableInput");
                    return input instanceof Map<?, ?> map && name.equals(map.get("Name"));
                })
                .map(Map.Entry::getKey)
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + type + " named " + name));
    }

    private static String queryString(String name) {
        return template.findResources("AWS::Athena::NamedQuery").values().stream()
                .filter(q -> name.equals(properties(q).get("Name")))
                .map(q -> (String) properties(q).get("QueryString"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no named query " + name));
    }

    private static JsonNode decodeView(String viewOriginalText) throws Exception {
        String encoded = viewOriginalText.substring("/* Presto View: ".length(), viewOriginalText.length() - " */".length());
        return JSON.readTree(new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8));
    }

    private static String withoutFinalLineBreak(String text) {
        return text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
    }

    private static Map<String, Object> bucketName() {
        String bucket = template.findResources("AWS::S3::Bucket").keySet().iterator().next();
        return Map.of("Fn::If", List.of("CreateBucket", ref(bucket), ref("BucketName")));
    }
}
