package com.smuscicd.infra;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import software.amazon.awscdk.CfnCondition;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.CfnParameter;
import software.amazon.awscdk.CliCredentialsStackSynthesizer;
import software.amazon.awscdk.Fn;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.constructs.Construct;

/**
 * The spec's "Approach 1": capture every SMUS CI/CD event into S3 (90-day expiry), optionally
 * into CloudWatch Logs, with a dead-letter queue, alarms, an Athena table and the schema in the
 * EventBridge Schema Registry; and the deployment metrics in the cloud: Athena views and saved
 * queries (always), CloudWatch metric filters and a dashboard (with the log group).
 *
 * <p>It takes CloudFormation parameters rather than CDK context, and has no assets and no
 * bootstrap requirement, because the same template is published as {@code eventbridge-to-s3.yaml}
 * for {@code aws cloudformation create-stack} without CDK.
 */
public final class MonitoringStack extends Stack {

    public static final String BUCKET_NAME = "BucketName";
    public static final String EVENT_PREFIX = "EventPrefix";
    public static final String EVENT_BUS_NAME = "EventBusName";
    public static final String ENABLE_CLOUDWATCH_LOGS = "EnableCloudWatchLogs";
    public static final String ALARM_TOPIC_ARN = "AlarmTopicArn";
    public static final String DEFAULT_EVENT_PREFIX = "smus-events/";
    public static final String RULE_NAME = "smus-cicd-events-capture";

    private final EventArchive archive;
    private final EventCaptureRule capture;
    private final EventLogGroup logs;
    private final EventsTable table;
    private final EventSchemaRegistry schemaRegistry;
    private final DeploymentQueries queries;
    private final EventMetricFilters metricFilters;
    private final DeploymentDashboard dashboard;

    public MonitoringStack(Construct scope, String id, String stackName, Path eventSchemaFile) {
        super(scope, id, StackProps.builder()
                .stackName(stackName)
                .description("SMUS CI/CD deployment events: EventBridge rule to S3 (Firehose), optional CloudWatch Logs, "
                        + "DLQ and alarms, Athena views smus_events and smus_deployments with saved metric queries, "
                        + "metric filters and dashboard (with the logs), schema registry")
                .synthesizer(new CliCredentialsStackSynthesizer())
                .analyticsReporting(false)
                .build());
        String schema = compactJson(eventSchemaFile);

        CfnParameter bucketName = CfnParameter.Builder.create(this, BUCKET_NAME)
                .type("String")
                .defaultValue("")
                .allowedPattern("^$|^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
                .description("Existing bucket to write events to. Empty (the default) creates "
                        + "smus-cicd-events-<account>-<region> with a 90-day expiry.")
                .build();
        CfnParameter eventPrefix = CfnParameter.Builder.create(this, EVENT_PREFIX)
                .type("String")
                .defaultValue(DEFAULT_EVENT_PREFIX)
                .allowedPattern("^[A-Za-z0-9!_.*'()-]+(/[A-Za-z0-9!_.*'()-]+)*/$")
                .constraintDescription("a key prefix ending in /, e.g. smus-events/")
                .description("Key prefix of the archive; events land under <prefix>YYYY/MM/DD/.")
                .build();
        CfnParameter eventBusName = CfnParameter.Builder.create(this, EVENT_BUS_NAME)
                .type("String")
                .defaultValue("default")
                .description("Event bus the deployments publish to (pipeline.yaml monitoring.eventbridge.eventBusName).")
                .build();
        CfnParameter enableLogs = CfnParameter.Builder.create(this, ENABLE_CLOUDWATCH_LOGS)
                .type("String")
                .defaultValue("false")
                .allowedValues(List.of("true", "false"))
                .description("Also send every event to the CloudWatch Logs group /aws/events/smus-cicd.")
                .build();
        CfnParameter alarmTopic = CfnParameter.Builder.create(this, ALARM_TOPIC_ARN)
                .type("String")
                .defaultValue("")
                .description("SNS topic ARN the delivery alarms notify; empty for none.")
                .build();

        CfnCondition createBucket = CfnCondition.Builder.create(this, "CreateBucket")
                .expression(Fn.conditionEquals(bucketName.getValueAsString(), ""))
                .build();
        CfnCondition logsEnabled = CfnCondition.Builder.create(this, "CloudWatchLogsEnabled")
                .expression(Fn.conditionEquals(enableLogs.getValueAsString(), "true"))
                .build();
        CfnCondition customEventBus = CfnCondition.Builder.create(this, "CustomEventBus")
                .expression(Fn.conditionNot(Fn.conditionEquals(eventBusName.getValueAsString(), EventCaptureRule.DEFAULT_BUS)))
                .build();
        CfnCondition hasAlarmTopic = CfnCondition.Builder.create(this, "HasAlarmTopic")
                .expression(Fn.conditionNot(Fn.conditionEquals(alarmTopic.getValueAsString(), "")))
                .build();

        this.archive = new EventArchive(this, "Archive", EventArchiveProps.builder()
                .existingBucketName(bucketName.getValueAsString())
                .createBucket(createBucket)
                .eventPrefix(eventPrefix.getValueAsString())
                .build());
        this.logs = new EventLogGroup(this, "Logs", EventLogGroupProps.builder()
                .enabled(logsEnabled)
                .build());
        this.capture = new EventCaptureRule(this, "Capture", EventCaptureRuleProps.builder()
                .ruleName(RULE_NAME)
                .eventBusName(eventBusName.getValueAsString(), customEventBus)
                .deliveryStreamArn(archive.deliveryStream().getAttrArn())
                .logGroupTarget(logs.targetArn(), logsEnabled)
                .alarmTopic(alarmTopic.getValueAsString(), hasAlarmTopic)
                .build());
        this.table = new EventsTable(this, "Table", EventsTableProps.builder()
                .bucketName(archive.bucketName())
                .eventPrefix(eventPrefix.getValueAsString())
                .build());
        this.schemaRegistry = new EventSchemaRegistry(this, "Schemas", EventSchemaRegistryProps.builder()
                .content(schema)
                .build());
        this.queries = new DeploymentQueries(this, "Queries", DeploymentQueriesProps.builder()
                .databaseName(table.database().getRef())
                .bucketName(archive.bucketName())
                .build());
        this.metricFilters = new EventMetricFilters(this, "MetricFilters", EventMetricFiltersProps.builder()
                .logGroupName(logs.logGroup().getRef())
                .enabled(logsEnabled)
                .build());
        this.dashboard = new DeploymentDashboard(this, "Dashboard", DeploymentDashboardProps.builder()
                // dashboards are global to the account; the stack's other names are per region
                .dashboardName(Fn.sub("smus-cicd-${AWS::Region}"))
                .enabled(logsEnabled)
                .alarms(List.of(capture.failedInvocationsAlarm(), capture.deadLetterAlarm()))
                .athenaWorkGroup(queries.workGroup().getRef())
                .build());

        output("EventBucketName", "Bucket the events are archived in", archive.bucketName());
        output("EventLocation", "Where the events land, as <prefix>YYYY/MM/DD/*.json",
                Fn.join("", List.of("s3://", archive.bucketName(), "/", eventPrefix.getValueAsString())));
        output("RuleArn", "Rule capturing SMUS CI/CD events", capture.rule().getAttrArn());
        output("DeliveryStreamName", "Firehose stream writing the archive", archive.deliveryStream().getRef());
        output("DeadLetterQueueUrl", "Events no target could take", capture.deadLetterQueue().getRef());
        output("AthenaDatabase", "Glue database of the smus_events and smus_deployments views", table.database().getRef());
        output("AthenaWorkGroup", "Athena workgroup of the saved metric queries (smus-dora-30d, ...)",
                queries.workGroup().getRef());
        output("SchemaRegistryName", "EventBridge schema registry of the event contract",
                schemaRegistry.registry().getAttrRegistryName());
        Acknowledgments.acknowledge(this, "CloudFormation-Validate::W1001",
                "The bucket outputs use Fn::If [CreateBucket, the created bucket, BucketName]: "
                        + "the conditional bucket is referenced only when it exists.");
        CfnOutput.Builder.create(this, "LogGroupName")
                .description("CloudWatch Logs group receiving every event")
                .value(logs.logGroup().getRef())
                .condition(logsEnabled)
                .build();
        CfnOutput.Builder.create(this, "DashboardName")
                .description("CloudWatch dashboard of deployments, failures and phase durations")
                .value(dashboard.dashboard().getDashboardName())
                .condition(logsEnabled)
                .build();
    }

    private void output(String id, String description, String value) {
        CfnOutput.Builder.create(this, id).description(description).value(value).build();
    }

    /** The schema file without its layout, so the template stays small. */
    static String compactJson(Path file) {
        Path absolute = file.toAbsolutePath().normalize();
        if (!Files.isRegularFile(absolute)) {
            throw new IllegalStateException("Event schema not found: " + absolute
                    + ". It lives in events-schema/src/main/resources/smus-events/; "
                    + "point the app at another file with `-c " + AppSettings.EVENT_SCHEMA_FILE + "=<path>`.");
        }
        try {
            ObjectMapper mapper = new ObjectMapper();
            return mapper.writeValueAsString(mapper.readTree(absolute.toFile()));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + absolute, e);
        }
    }

    public EventArchive archive() {
        return archive;
    }

    public EventCaptureRule capture() {
        return capture;
    }

    public EventLogGroup logs() {
        return logs;
    }

    public EventsTable table() {
        return table;
    }

    public EventSchemaRegistry schemaRegistry() {
        return schemaRegistry;
    }

    public DeploymentQueries queries() {
        return queries;
    }

    public EventMetricFilters metricFilters() {
        return metricFilters;
    }

    public DeploymentDashboard dashboard() {
        return dashboard;
    }
}
