package com.smuscicd.infra;

import static com.smuscicd.infra.OrchestratorStackTest.getAtt;
import static com.smuscicd.infra.OrchestratorStackTest.join;
import static com.smuscicd.infra.OrchestratorStackTest.properties;
import static com.smuscicd.infra.OrchestratorStackTest.ref;
import static com.smuscicd.infra.RolePermissions.allow;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

class MonitoringStackTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path SCHEMAS = TestApps.repositoryFile("events-schema/src/main/resources/smus-events");

    private static Template template;
    private static RolePermissions permissions;
    private static String bucketId;

    @BeforeAll
    static void synthesize() {
        template = Template.fromStack(TestApps.monitoring(TestApps.app(Map.of())));
        bucketId = template.findResources("AWS::S3::Bucket").keySet().iterator().next();
        permissions = new RolePermissions(template);
    }

    @Test
    void parameters_whenSynthesized_areTheSpecsBucketNameAndEventPrefixPlusOptionalOnes() {
        template.hasParameter("BucketName", Map.of("Type", "String", "Default", ""));
        template.hasParameter("EventPrefix", Map.of("Type", "String", "Default", "smus-events/"));
        template.hasParameter("EventBusName", Map.of("Type", "String", "Default", "default"));
        template.hasParameter("EnableCloudWatchLogs", Map.of("Type", "String", "Default", "false",
                "AllowedValues", List.of("true", "false")));
        template.hasParameter("AlarmTopicArn", Map.of("Type", "String", "Default", ""));
        assertThat(template.findParameters("*")).containsOnlyKeys(
                "BucketName", "EventPrefix", "EventBusName", "EnableCloudWatchLogs", "AlarmTopicArn");
        template.hasCondition("CreateBucket", Map.of("Fn::Equals", List.of(ref("BucketName"), "")));
        template.hasCondition("CloudWatchLogsEnabled", Map.of("Fn::Equals", List.of(ref("EnableCloudWatchLogs"), "true")));
        template.hasCondition("CustomEventBus",
                Map.of("Fn::Not", List.of(Map.of("Fn::Equals", List.of(ref("EventBusName"), "default")))));
    }

    @Test
    void bucket_whenNoBucketNameIsGiven_isCreatedPrivateTlsOnlyAndExpiresEventsAfter90Days() {
        template.resourceCountIs("AWS::S3::Bucket", 1);
        template.hasResource("AWS::S3::Bucket", Map.of(
                "Condition", "CreateBucket",
                "Properties", Match.objectLike(Map.of(
                        "BucketName", Map.of("Fn::Sub", "smus-cicd-events-${AWS::AccountId}-${AWS::Region}"),
                        "LifecycleConfiguration", Map.of("Rules", List.of(Map.of(
                                "Id", "ExpireEvents", "Status", "Enabled", "ExpirationInDays", 90,
                                "AbortIncompleteMultipartUpload", Map.of("DaysAfterInitiation", 1)))),
                        "PublicAccessBlockConfiguration", Map.of("BlockPublicAcls", true, "BlockPublicPolicy", true,
                                "IgnorePublicAcls", true, "RestrictPublicBuckets", true)))));
        template.hasResource("AWS::S3::BucketPolicy", Map.of(
                "Condition", "CreateBucket",
                "Properties", Match.objectLike(Map.of("PolicyDocument", Match.objectLike(Map.of("Statement", List.of(
                        Match.objectLike(Map.of("Effect", "Deny",
                                "Condition", Map.of("Bool", Map.of("aws:SecureTransport", "false")))))))))));
    }

    @Test
    void deliveryStream_whenSynthesized_writesNewlineDelimitedJsonUnderPrefixAndUtcDay() {
        template.hasResourceProperties("AWS::KinesisFirehose::DeliveryStream", Map.of(
                "DeliveryStreamType", "DirectPut",
                "DeliveryStreamEncryptionConfigurationInput", Map.of("KeyType", "AWS_OWNED_CMK"),
                "ExtendedS3DestinationConfiguration", Match.objectLike(Map.of(
                        "BucketARN", Map.of("Fn::Join", List.of("", List.of(
                                "arn:", ref("AWS::Partition"), ":s3:::", bucketName()))),
                        "Prefix", Map.of("Fn::Join", List.of("", List.of(ref("EventPrefix"), "!{timestamp:yyyy/MM/dd}/"))),
                        "ErrorOutputPrefix", "smus-cicd-delivery-errors/!{firehose:error-output-type}/!{timestamp:yyyy/MM/dd}/",
                        "FileExtension", ".json",
                        "CompressionFormat", "UNCOMPRESSED",
                        "ProcessingConfiguration", Map.of("Enabled", true,
                                "Processors", List.of(Map.of("Type", "AppendDelimiterToRecord")))))));
    }

    @Test
    void deliveryRole_permissions_areExactlyBucketLookupAndWritesUnderTheTwoPrefixes() {
        String role = deliveryRoleId();
        assertThat(properties(template.findResources("AWS::IAM::Role").get(role)).get("AssumeRolePolicyDocument"))
                .isEqualTo(Map.of("Version", "2012-10-17", "Statement", List.of(Map.of(
                        "Action", "sts:AssumeRole", "Effect", "Allow",
                        "Principal", Map.of("Service", "firehose.amazonaws.com"),
                        "Condition", Map.of("StringEquals", Map.of("sts:ExternalId", ref("AWS::AccountId")))))));
        permissions.assertExactly(role, "the Firehose delivery stream",
                allow(List.of("s3:GetBucketLocation", "s3:ListBucket", "s3:ListBucketMultipartUploads"),
                        join("arn:", ref("AWS::Partition"), ":s3:::", bucketName())),
                allow(List.of("s3:PutObject", "s3:GetObject", "s3:AbortMultipartUpload"), List.of(
                        join("arn:", ref("AWS::Partition"), ":s3:::", bucketName(), "/", ref("EventPrefix"), "*"),
                        join("arn:", ref("AWS::Partition"), ":s3:::", bucketName(), "/smus-cicd-delivery-errors/*"))));
    }

    @Test
    void captureTargetRole_permissions_areExactlyPuttingRecordsIntoTheOneStream() {
        String role = OrchestratorStackTest.getAttTarget(archiveTarget().get("RoleArn"));
        assertThat(properties(template.findResources("AWS::IAM::Role").get(role)).get("AssumeRolePolicyDocument"))
                .isEqualTo(Map.of("Version", "2012-10-17", "Statement", List.of(Map.of(
                        "Action", "sts:AssumeRole", "Effect", "Allow", "Principal", Map.of("Service", "events.amazonaws.com")))));
        permissions.assertExactly(role, "the capture rule's Archive target",
                allow(List.of("firehose:PutRecord", "firehose:PutRecordBatch"), getAtt(streamId(), "Arn")));
    }

    @Test
    void roles_whenSynthesized_areTheDeliveryAndCaptureTargetRolesOnly() {
        // a role none of the tests above names would have permissions nobody checks
        assertThat(permissions.roleIds()).as("roles of the stack").containsExactlyInAnyOrder(
                deliveryRoleId(), OrchestratorStackTest.getAttTarget(archiveTarget().get("RoleArn")));
        assertThat(permissions.policiesAttachedElsewhere()).as("policies on users, groups or other roles").isEmpty();
    }

    @Test
    void rule_pattern_isTheSpecsCapturePattern() throws Exception {
        @SuppressWarnings("unchecked")
        Map<String, Object> capture = JSON.readValue(SCHEMAS.resolve("patterns/capture-all.json").toFile(), Map.class);
        template.resourceCountIs("AWS::Events::Rule", 1);
        template.hasResourceProperties("AWS::Events::Rule", Map.of(
                "EventPattern", Match.exact(capture),
                "EventBusName", ref("EventBusName"),
                "State", "ENABLED",
                "Name", "smus-cicd-events-capture"));
    }

    @Test
    void rule_targets_archiveAlwaysAndLogsWhenEnabledBothWithRetriesAndDeadLetterQueue() {
        String queue = template.findResources("AWS::SQS::Queue").keySet().iterator().next();
        String stream = template.findResources("AWS::KinesisFirehose::DeliveryStream").keySet().iterator().next();
        String logGroup = template.findResources("AWS::Logs::LogGroup").keySet().iterator().next();
        Map<String, Object> deadLetter = Map.of("Arn", getAtt(queue, "Arn"));
        Map<String, Object> retry = Map.of("MaximumRetryAttempts", 185, "MaximumEventAgeInSeconds", 86400);
        template.hasResourceProperties("AWS::Events::Rule", Map.of("Targets", List.of(
                Map.of("Id", "Archive", "Arn", getAtt(stream, "Arn"), "RoleArn", Match.objectLike(Map.of("Fn::GetAtt", Match.anyValue())),
                        "DeadLetterConfig", deadLetter, "RetryPolicy", retry),
                Map.of("Fn::If", List.of("CloudWatchLogsEnabled",
                        Map.of("Id", "Logs",
                                "Arn", Map.of("Fn::Sub", List.of(
                                        "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:${Name}",
                                        Map.of("Name", ref(logGroup)))),
                                "DeadLetterConfig", deadLetter, "RetryPolicy", retry),
                        ref("AWS::NoValue"))))));
        template.hasResourceProperties("AWS::SQS::Queue", Map.of("SqsManagedSseEnabled", true));
        template.hasResourceProperties("AWS::SQS::QueuePolicy", Map.of("PolicyDocument", Match.objectLike(Map.of(
                "Statement", Match.arrayWith(List.of(Map.of(
                        "Sid", "CaptureRuleDeadLetters", "Effect", "Allow", "Action", "sqs:SendMessage",
                        "Principal", Map.of("Service", "events.amazonaws.com"),
                        "Resource", getAtt(queue, "Arn"),
                        "Condition", Map.of("ArnEquals", Map.of("aws:SourceArn",
                                getAtt(template.findResources("AWS::Events::Rule").keySet().iterator().next(), "Arn"))))))))));
    }

    @Test
    void logGroup_whenEnabled_isAwsEventsSmusCicdWithAResourcePolicyForEventBridgeOnly() throws Exception {
        template.hasResource("AWS::Logs::LogGroup", Map.of("Condition", "CloudWatchLogsEnabled",
                "Properties", Map.of("LogGroupName", "/aws/events/smus-cicd", "RetentionInDays", 90)));
        Map<String, Map<String, Object>> policies = template.findResources("AWS::Logs::ResourcePolicy");
        assertThat(policies).hasSize(1);
        Map<String, Object> policy = policies.values().iterator().next();
        assertThat(policy).containsEntry("Condition", "CloudWatchLogsEnabled");
        assertThat(properties(policy).get("PolicyName")).isEqualTo(Map.of("Fn::Sub", "${AWS::StackName}-events-to-logs"));
        List<?> sub = (List<?>) ((Map<?, ?>) properties(policy).get("PolicyDocument")).get("Fn::Sub");
        assertThat(sub).hasSize(2);
        // The whole document, so that a second principal, action or statement cannot slip in.
        assertThat(JSON.readTree((String) sub.get(0))).isEqualTo(JSON.readTree(
                TestApps.class.getResourceAsStream("/monitoring/events-log-group-policy.json")));
        assertThat(sub.get(1)).isEqualTo(Map.of("LogGroupName",
                ref(template.findResources("AWS::Logs::LogGroup").keySet().iterator().next())));
    }

    @Test
    void alarms_onFailedInvocationsAndDeadLetters_notifyTheTopicWhenGiven() {
        Map<String, Object> actions = Map.of("Fn::If", List.of("HasAlarmTopic", List.of(ref("AlarmTopicArn")), ref("AWS::NoValue")));
        template.resourceCountIs("AWS::CloudWatch::Alarm", 2);
        template.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of(
                "Namespace", "AWS/Events", "MetricName", "FailedInvocations",
                // EventBridge adds EventBusName to the rule's metrics on any bus but the default one
                "Dimensions", List.of(
                        Map.of("Fn::If", List.of("CustomEventBus",
                                Map.of("Name", "EventBusName", "Value", ref("EventBusName")), ref("AWS::NoValue"))),
                        Map.of("Name", "RuleName", "Value", "smus-cicd-events-capture")),
                "Statistic", "Sum", "Period", 300, "EvaluationPeriods", 1, "Threshold", 1,
                "ComparisonOperator", "GreaterThanOrEqualToThreshold", "TreatMissingData", "notBreaching",
                "AlarmActions", actions));
        template.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of(
                "Namespace", "AWS/SQS", "MetricName", "ApproximateNumberOfMessagesVisible",
                "Threshold", 1, "AlarmActions", actions));
    }

    @Test
    void glue_rawTable_readsTheArchiveWithOpenXJsonAndDailyPartitionProjection() {
        Map<String, Object> location = Map.of("Fn::Join", List.of("", List.of("s3://", bucketName(), "/", ref("EventPrefix"))));
        template.hasResourceProperties("AWS::Glue::Database", Map.of(
                "CatalogId", ref("AWS::AccountId"),
                "DatabaseInput", Match.objectLike(Map.of("Name", "smus_cicd"))));
        template.hasResourceProperties("AWS::Glue::Table", Map.of(
                "DatabaseName", "smus_cicd",
                "TableInput", Match.objectLike(Map.of(
                        "Name", "smus_events_raw",
                        "TableType", "EXTERNAL_TABLE",
                        "PartitionKeys", List.of(Match.objectLike(Map.of("Name", "dt", "Type", "string"))),
                        "Parameters", Map.of(
                                "classification", "json",
                                "projection.enabled", "true",
                                "projection.dt.type", "date",
                                "projection.dt.format", "yyyy/MM/dd",
                                "projection.dt.range", "2025/01/01,NOW",
                                "projection.dt.interval", "1",
                                "projection.dt.interval.unit", "DAYS",
                                "storage.location.template", Map.of("Fn::Join", List.of("", List.of(
                                        "s3://", bucketName(), "/", ref("EventPrefix"), "${dt}/")))),
                        "StorageDescriptor", Match.objectLike(Map.of(
                                "Location", location,
                                "SerdeInfo", Map.of("SerializationLibrary", "org.openx.data.jsonserde.JsonSerDe",
                                        "Parameters", Map.of("mapping.detail_type", "detail-type", "case.insensitive", "true",
                                                "ignore.malformed.json", "true")),
                                "Columns", SmusEventsView.RAW_COLUMNS.stream()
                                        .map(c -> Map.of("Name", c.name(), "Type", c.type().hive())).toList()))))));
    }

    @Test
    void glue_view_isTheAthenaViewSmusEventsOverTheRawTable() {
        template.hasResourceProperties("AWS::Glue::Table", Map.of(
                "DatabaseName", "smus_cicd",
                "TableInput", Match.objectLike(Map.of(
                        "Name", "smus_events",
                        "TableType", "VIRTUAL_VIEW",
                        "Parameters", Map.of("presto_view", "true", "comment", "Presto View"),
                        "ViewOriginalText", SmusEventsView.prestoViewText("smus_cicd", "smus_events_raw"),
                        "ViewExpandedText", "/* Presto View */",
                        "StorageDescriptor", Match.objectLike(Map.of("Columns", SmusEventsView.columns().stream()
                                .map(c -> Map.of("Name", c.name(), "Type", c.type().hive())).toList()))))));
    }

    @Test
    void schemaRegistry_schema_isTheEventContractAsJsonSchemaDraft4() throws Exception {
        String expected = JSON.writeValueAsString(JSON.readTree(SCHEMAS.resolve("envelope.schema.json").toFile()));
        template.hasResourceProperties("AWS::EventSchemas::Registry", Map.of("RegistryName", "smus-cicd"));
        template.hasResourceProperties("AWS::EventSchemas::Schema", Map.of(
                "RegistryName", Match.objectLike(Map.of("Fn::GetAtt", Match.anyValue())),
                "SchemaName", "com.amazon.smus.cicd@SmusCicdDeploymentEvent",
                "Type", "JSONSchemaDraft4",
                "Content", expected));
        assertThat(JSON.readTree(expected).get("$schema").asText()).isEqualTo("http://json-schema.org/draft-04/schema#");
    }

    @Test
    void outputs_whenSynthesized_nameWhereEventsGoAndHowToQueryThem() {
        template.hasOutput("EventBucketName", Map.of("Value", bucketName()));
        template.hasOutput("EventLocation", Map.of("Value",
                Map.of("Fn::Join", List.of("", List.of("s3://", bucketName(), "/", ref("EventPrefix"))))));
        template.hasOutput("LogGroupName", Map.of("Condition", "CloudWatchLogsEnabled"));
        template.hasOutput("DashboardName", Map.of("Condition", "CloudWatchLogsEnabled"));
        template.hasOutput("AthenaWorkGroup", Map.of("Value",
                ref(template.findResources("AWS::Athena::WorkGroup").keySet().iterator().next())));
        assertThat(template.findOutputs("*")).containsKeys("RuleArn", "DeliveryStreamName", "DeadLetterQueueUrl",
                "AthenaDatabase", "SchemaRegistryName");
    }

    @Test
    void template_whenSynthesized_needsNoCdkBootstrap() {
        assertThat(template.findParameters("BootstrapVersion")).isEmpty();
        assertThat(template.toJSON()).doesNotContainKey("Rules");
        template.resourceCountIs("AWS::CDK::Metadata", 0);
    }

    private static String streamId() {
        return template.findResources("AWS::KinesisFirehose::DeliveryStream").keySet().iterator().next();
    }

    /** The role the delivery stream writes to S3 as. */
    @SuppressWarnings("unchecked")
    private static String deliveryRoleId() {
        Map<String, Object> destination = (Map<String, Object>) properties(
                template.findResources("AWS::KinesisFirehose::DeliveryStream").get(streamId())).get("ExtendedS3DestinationConfiguration");
        return OrchestratorStackTest.getAttTarget(destination.get("RoleARN"));
    }

    /** The capture rule's target that puts events into the stream. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> archiveTarget() {
        List<Object> targets = (List<Object>) properties(template.findResources("AWS::Events::Rule").values().iterator().next())
                .get("Targets");
        return targets.stream().map(t -> (Map<String, Object>) t).filter(t -> "Archive".equals(t.get("Id")))
                .findFirst().orElseThrow();
    }

    private static Map<String, Object> bucketName() {
        return Map.of("Fn::If", List.of("CreateBucket", ref(bucketId), ref("BucketName")));
    }
}
