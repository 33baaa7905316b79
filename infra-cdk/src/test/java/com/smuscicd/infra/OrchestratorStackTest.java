package com.smuscicd.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;
import software.amazon.event.ruler.Machine;

class OrchestratorStackTest {

    private static final Path ASL = TestApps.repositoryFile("statemachine/src/main/resources/statemachine/deploy.asl.json");
    private static final Map<String, Object> ACCOUNT = Map.of("Ref", "AWS::AccountId");

    private static Template template;
    private static RolePermissions permissions;
    private static DocumentedPermissions documented;

    @BeforeAll
    static void synthesize() {
        template = TestApps.orchestratorTemplate(Map.of());
        permissions = new RolePermissions(template);
        documented = new DocumentedPermissions(template, DocumentedPermissions.DEFAULT_BUS, DocumentedPermissions.PROJECT_USER_ROLES);
    }

    @Test
    void functions_eachRunTheirOwnJar() {
        Map<String, String> keyByHandler = new java.util.TreeMap<>();
        for (Map<String, Object> function : template.findResources("AWS::Lambda::Function").values()) {
            @SuppressWarnings("unchecked")
            Map<String, Object> props = (Map<String, Object>) function.get("Properties");
            String handler = String.valueOf(props.get("Handler"));
            if (handler.startsWith("com.smuscicd.lambda.")) {
                @SuppressWarnings("unchecked")
                Map<String, Object> code = (Map<String, Object>) props.get("Code");
                keyByHandler.put(handler.substring("com.smuscicd.lambda.".length(), handler.indexOf("::")),
                        String.valueOf(code.get("S3Key")));
            }
        }

        assertThat(keyByHandler).containsOnlyKeys(TestApps.HANDLERS);
        // the stand-in jars differ per function, like the real ones: six assets, none shared
        assertThat(new java.util.HashSet<>(keyByHandler.values())).hasSize(TestApps.HANDLERS.size());
    }

    @Test
    void functions_whenSynthesized_oneJava25Arm64FunctionPerHandlerWithJsonLogs() {
        template.resourceCountIs("AWS::Lambda::Function", TestApps.HANDLERS.size());
        for (String handler : TestApps.HANDLERS) {
            template.hasResourceProperties("AWS::Lambda::Function", Map.of(
                    "Handler", "com.smuscicd.lambda." + handler + "::handleRequest",
                    "Runtime", "java25",
                    "Architectures", List.of("arm64"),
                    "LoggingConfig", Map.of("LogFormat", "JSON", "LogGroup", Match.objectLike(Map.of("Ref", Match.anyValue()))),
                    "Environment", Map.of("Variables", Match.objectLike(Map.of(
                            "JAVA_TOOL_OPTIONS", "-XX:+TieredCompilation -XX:TieredStopAtLevel=1",
                            "EVENT_BUS_NAME", "default")))));
        }
    }

    @Test
    void functions_whenSnapStartIsOff_haveNoSnapStartAndNoAliases() {
        for (Map<String, Object> function : template.findResources("AWS::Lambda::Function").values()) {
            assertThat(properties(function)).doesNotContainKey("SnapStart");
        }
        template.resourceCountIs("AWS::Lambda::Alias", 0);
    }

    @Test
    void logGroups_eachFunctionAndTheStateMachine_keepLogsThirtyDays() {
        template.resourceCountIs("AWS::Logs::LogGroup", TestApps.HANDLERS.size() + 1);
        Map<String, Map<String, Object>> groups = template.findResources("AWS::Logs::LogGroup");
        for (Map<String, Object> group : groups.values()) {
            assertThat(properties(group)).containsEntry("RetentionInDays", 30);
        }
    }

    @Test
    void functionTimeouts_whenComparedWithTheTaskStates_leaveTheTaskAnInitMargin() throws Exception {
        JsonNode asl = new ObjectMapper().readTree(ASL.toFile());
        Map<String, Object> substitutions = stateMachineSubstitutions();
        List<String> checked = new ArrayList<>();
        asl.get("States").fields().forEachRemaining(state -> {
            JsonNode task = state.getValue();
            if (!"Task".equals(task.path("Type").asText()) || !task.has("TimeoutSeconds")) {
                return;
            }
            String placeholder = task.get("Resource").asText().replace("${", "").replace("}", "");
            String functionId = getAttTarget(substitutions.get(placeholder));
            int lambdaTimeout = (Integer) properties(template.findResources("AWS::Lambda::Function").get(functionId)).get("Timeout");
            // The task's timer includes the function's init (cold start), the function's own timeout does not.
            int margin = Math.max(DeployFunctions.MIN_INIT_MARGIN_SECONDS, (lambdaTimeout + 9) / 10);
            assertThat(task.get("TimeoutSeconds").asInt())
                    .as("TimeoutSeconds of state %s, calling %s (timeout %d s)", state.getKey(), functionId, lambdaTimeout)
                    .isGreaterThanOrEqualTo(lambdaTimeout + margin);
            checked.add(state.getKey());
        });
        assertThat(checked).hasSizeGreaterThanOrEqualTo(5);
    }

    @Test
    void functionTimeouts_leaveRoomForAPublishThatUsesItsWholeTime() {
        // EventBridgePublisher.DEFAULT_MAX_PUBLISH_TIME (20 s) after the function's other work: a
        // function Lambda ends first would neither deliver nor log its last events
        Map<String, Map<String, Object>> functions = template.findResources("AWS::Lambda::Function");
        List<String> checked = new ArrayList<>();
        functions.forEach((id, function) -> {
            if (String.valueOf(properties(function).get("Handler")).startsWith("com.smuscicd.")) {
                assertThat((Integer) properties(function).get("Timeout")).as("Timeout of %s", id)
                        .isGreaterThanOrEqualTo(60);
                checked.add(id);
            }
        });
        assertThat(checked).hasSize(6);
        assertThat(properties(functions.get(functionId("BundleTriggerHandler"))).get("Timeout")).isEqualTo(120);
    }

    @Test
    void stateMachine_definition_isTheAslFileVerbatimWithEachPlaceholderSubstituted() throws Exception {
        Map<String, Object> substitutions = new LinkedHashMap<>();
        substitutions.put("DeployLifecycleFunctionArn", getAtt(functionId("DeployLifecycleHandler"), "Arn"));
        substitutions.put("ProjectInitializationFunctionArn", getAtt(functionId("ProjectInitializationHandler"), "Arn"));
        substitutions.put("BundleUploadFunctionArn", getAtt(functionId("BundleUploadHandler"), "Arn"));
        substitutions.put("WorkflowCreationFunctionArn", getAtt(functionId("WorkflowCreationHandler"), "Arn"));
        substitutions.put("CatalogAssetsFunctionArn", getAtt(functionId("CatalogAssetsHandler"), "Arn"));

        template.resourceCountIs("AWS::StepFunctions::StateMachine", 1);
        template.hasResourceProperties("AWS::StepFunctions::StateMachine", Map.of(
                "DefinitionString", Files.readString(ASL),
                "DefinitionSubstitutions", Match.exact(substitutions)));
    }

    @Test
    void stateMachine_whenRunning_logsAllExecutionDataAndTraces() {
        template.hasResourceProperties("AWS::StepFunctions::StateMachine", Map.of(
                "StateMachineType", "STANDARD",
                "LoggingConfiguration", Map.of("Level", "ALL", "IncludeExecutionData", true,
                        "Destinations", List.of(Map.of("CloudWatchLogsLogGroup",
                                Map.of("LogGroupArn", Match.objectLike(Map.of("Fn::GetAtt", Match.anyValue())))))),
                "TracingConfiguration", Map.of("Enabled", true)));
        template.hasResourceProperties("AWS::Logs::LogGroup", Map.of(
                "LogGroupName", "/aws/vendedlogs/states/smus-cicd-orchestrator-deploy"));
    }

    // Each role's permissions are compared whole (every policy on the role, its inline policies and
    // managed ones) with DocumentedPermissions, the IAM table of infra-cdk/README.md.

    @Test
    void stateMachineRole_permissions_areExactlyInvokingTheFiveFunctionsOfTheDefinitionPlusLogDeliveryAndXRay() {
        permissions.assertExactly(documented.stateMachineRoleId(), "the deploy state machine",
                documented.ofStateMachine(List.of(
                        getAtt(functionId("DeployLifecycleHandler"), "Arn"),
                        getAtt(functionId("ProjectInitializationHandler"), "Arn"),
                        getAtt(functionId("BundleUploadHandler"), "Arn"),
                        getAtt(functionId("WorkflowCreationHandler"), "Arn"),
                        getAtt(functionId("CatalogAssetsHandler"), "Arn"))));
    }

    @Test
    void deployLifecycle_permissions_areExactlyLogsPutEventsExecutionHistoriesAndTheDeadLetterQueue() {
        assertDocumentedPermissions("DeployLifecycleHandler");
    }

    @Test
    void projectInitialization_permissions_areExactlyLogsPutEventsAndProjectGetOrCreate() {
        assertDocumentedPermissions("ProjectInitializationHandler");
    }

    @Test
    void bundleUpload_permissions_areExactlyBundleVersionReadsAndWritesToProjectBucketsOfThisAccount() {
        assertDocumentedPermissions("BundleUploadHandler");
    }

    @Test
    void workflowCreation_permissions_areExactlyBundleVersionReadsDefinitionsWorkflowsAndPassRoleToMwaaServerlessNoDataZone() {
        assertDocumentedPermissions("WorkflowCreationHandler");
        assertThat(permissions.grants(roleId("WorkflowCreationHandler")))
                .noneMatch(grant -> grant.action().startsWith("datazone:"));
    }

    @Test
    void catalogAssets_permissions_areExactlyLogsPutEventsAndCatalogSearchAndSubscriptions() {
        assertDocumentedPermissions("CatalogAssetsHandler");
    }

    @Test
    void bundleTrigger_permissions_areExactlyBundleReadsStartingTheStateMachinePutEventsAndTheDeadLetterQueue() {
        assertDocumentedPermissions("BundleTriggerHandler");
    }

    private static void assertDocumentedPermissions(String handler) {
        permissions.assertExactly(roleId(handler), handler, documented.ofFunction(handler));
    }

    @Test
    void endedExecutions_whenTheLifecycleFunctionFailsToSettleAfterLambdasRetries_sendsTheEventToTheDeadLetterQueue() {
        assertFailedAsyncInvocationsGoToTheDeadLetterQueue("DeployLifecycleHandler");
    }

    @Test
    void bundleTrigger_whenTheFunctionFailsAfterLambdasRetries_sendsTheEventToTheDeadLetterQueue() {
        template.resourceCountIs("AWS::Lambda::EventInvokeConfig", 2);
        assertFailedAsyncInvocationsGoToTheDeadLetterQueue("BundleTriggerHandler");
    }

    /** Lambda retries a failed asynchronous invocation twice, then sends it to the dead-letter queue. */
    private static void assertFailedAsyncInvocationsGoToTheDeadLetterQueue(String handler) {
        template.hasResourceProperties("AWS::Lambda::EventInvokeConfig", Map.of(
                "FunctionName", ref(functionId(handler)),
                "Qualifier", "$LATEST",
                "MaximumRetryAttempts", 2,
                "MaximumEventAgeInSeconds", 7200,
                "DestinationConfig", Map.of("OnFailure", Map.of("Destination", getAtt(queueId(), "Arn")))));
    }

    @Test
    void bundleTrigger_deadLetterQueue_alarmsAsSoonAsAnEventIsInIt() {
        template.resourceCountIs("AWS::CloudWatch::Alarm", 1);
        template.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of(
                "Namespace", "AWS/SQS", "MetricName", "ApproximateNumberOfMessagesVisible",
                "Dimensions", List.of(Map.of("Name", "QueueName", "Value", getAtt(queueId(), "QueueName"))),
                "Statistic", "Maximum", "Period", 300, "EvaluationPeriods", 1,
                "Threshold", 0, "ComparisonOperator", "GreaterThanThreshold", "TreatMissingData", "notBreaching"));
    }

    @Test
    void roles_whenSynthesized_areTheSixFunctionRolesAndTheStateMachineRoleOnly() {
        java.util.Set<String> asserted = new java.util.TreeSet<>();
        for (String handler : TestApps.HANDLERS) {
            asserted.add(roleId(handler));
        }
        asserted.add(documented.stateMachineRoleId());
        // a role none of the tests above names would have permissions nobody checks
        assertThat(permissions.roleIds()).as("roles of the stack").containsExactlyInAnyOrderElementsOf(asserted);
        assertThat(permissions.policiesAttachedElsewhere()).as("policies on users, groups or other roles").isEmpty();
    }

    @Test
    void roles_trust_isLambdaForEachFunctionRoleAndStepFunctionsForTheStateMachineRoleOnly() {
        for (String handler : TestApps.HANDLERS) {
            assertThat(trustPolicy(roleId(handler))).as("trust of %s's role", handler).isEqualTo(assumedBy("lambda.amazonaws.com"));
        }
        assertThat(trustPolicy(documented.stateMachineRoleId())).isEqualTo(assumedBy("states.amazonaws.com"));
    }

    private static Object trustPolicy(String roleId) {
        return properties(template.findResources("AWS::IAM::Role").get(roleId)).get("AssumeRolePolicyDocument");
    }

    private static Map<String, Object> assumedBy(String service) {
        return Map.of("Version", "2012-10-17", "Statement", List.of(Map.of(
                "Action", "sts:AssumeRole", "Effect", "Allow", "Principal", Map.of("Service", service))));
    }

    @Test
    void bundleTrigger_environment_namesTheStateMachineAndTheBusesItMayPublishTo() {
        template.hasResourceProperties("AWS::Lambda::Function", Map.of(
                "Handler", "com.smuscicd.lambda.BundleTriggerHandler::handleRequest",
                "Environment", Map.of("Variables", Map.of(
                        "JAVA_TOOL_OPTIONS", "-XX:+TieredCompilation -XX:TieredStopAtLevel=1",
                        "EVENT_BUS_NAME", "default",
                        "EVENT_BUS_NAMES", "default",
                        "STATE_MACHINE_ARN", ref(stateMachineId())))));
    }

    @Test
    void bundleBucket_whenSynthesized_isPrivateEncryptedVersionedAndSendsEventsToEventBridge() {
        template.resourceCountIs("AWS::S3::Bucket", 1);
        template.hasResourceProperties("AWS::S3::Bucket", Map.of(
                "BucketEncryption", Map.of("ServerSideEncryptionConfiguration", List.of(
                        Map.of("ServerSideEncryptionByDefault", Map.of("SSEAlgorithm", "AES256")))),
                "PublicAccessBlockConfiguration", Map.of("BlockPublicAcls", true, "BlockPublicPolicy", true,
                        "IgnorePublicAcls", true, "RestrictPublicBuckets", true),
                "VersioningConfiguration", Map.of("Status", "Enabled"),
                "NotificationConfiguration", Map.of("EventBridgeConfiguration", Map.of("EventBridgeEnabled", true))));
        template.hasResourceProperties("AWS::S3::BucketPolicy", Map.of(
                "Bucket", ref(bucketId()),
                "PolicyDocument", Map.of("Statement", Match.arrayWith(List.of(Match.objectLike(Map.of(
                        "Effect", "Deny", "Action", "s3:*", "Principal", Map.of("AWS", "*"),
                        "Condition", Map.of("Bool", Map.of("aws:SecureTransport", "false")))))))));
        // Set natively, not through CDK's notifications custom resource (a Lambda with a wildcard policy).
        template.resourceCountIs("Custom::S3BucketNotifications", 0);
    }

    @Test
    void triggerRule_pattern_matchesZipUploadsToTheBundleBucketOnly() {
        template.hasResourceProperties("AWS::Events::Rule", Map.of(
                "EventPattern", Map.of(
                        "source", List.of("aws.s3"),
                        "detail-type", List.of("Object Created"),
                        "detail", Map.of(
                                "bucket", Map.of("name", List.of(ref(bucketId()))),
                                "object", Map.of("key", List.of(Map.of("suffix", Map.of("equals-ignore-case", ".zip")))))),
                "Targets", List.of(Map.of(
                        "Arn", getAtt(functionId("BundleTriggerHandler"), "Arn"),
                        "DeadLetterConfig", Map.of("Arn", getAtt(queueId(), "Arn")),
                        "RetryPolicy", Map.of("MaximumRetryAttempts", 4, "MaximumEventAgeInSeconds", 7200)))));
        template.hasResourceProperties("AWS::SQS::Queue", Map.of(
                "SqsManagedSseEnabled", true, "MessageRetentionPeriod", 1_209_600));
    }

    @Test
    void triggerRule_pattern_whenRunByEventRuler_matchesZipKeysInAnyCaseOnly() throws Exception {
        Object pattern = properties(rule(template, "Trigger")).get("EventPattern");
        // the bucket name is a Ref in the template; put the name EventBridge would see in its place
        String json = new ObjectMapper().writeValueAsString(pattern)
                .replace(new ObjectMapper().writeValueAsString(ref(bucketId())), "\"bundles\"");
        Machine machine = new Machine();
        machine.addRule("trigger", json);

        assertThat(machine.rulesForJSONEvent(objectCreated("bundles", "pipe/prod/Release.ZIP"))).containsExactly("trigger");
        assertThat(machine.rulesForJSONEvent(objectCreated("bundles", "pipe/prod/a.zip"))).containsExactly("trigger");
        assertThat(machine.rulesForJSONEvent(objectCreated("bundles", "pipe/prod/a.Zip"))).containsExactly("trigger");
        assertThat(machine.rulesForJSONEvent(objectCreated("bundles", "pipe/prod/a.zip.txt"))).isEmpty();
        assertThat(machine.rulesForJSONEvent(objectCreated("bundles", "pipe/prod/zip"))).isEmpty();
        assertThat(machine.rulesForJSONEvent(objectCreated("other", "pipe/prod/a.zip"))).isEmpty();
    }

    private static String objectCreated(String bucket, String key) throws Exception {
        return new ObjectMapper().writeValueAsString(Map.of(
                "version", "0", "id", "1", "source", "aws.s3", "detail-type", "Object Created",
                "account", "123456789012", "region", "us-east-1", "time", "2026-01-01T00:00:00Z",
                "resources", List.of("arn:aws:s3:::" + bucket),
                "detail", Map.of("bucket", Map.of("name", bucket), "object", Map.of("key", key, "size", 1))));
    }

    @Test
    void endedExecutionsRule_pattern_sendsThisStateMachinesUnsuccessfulEndsToTheLifecycleFunction() throws Exception {
        Map<String, Object> rule = properties(rule(template, "EndedExecutions"));
        // the state machine ARN is a Ref in the template; put the ARN EventBridge would see in its place
        String machineArn = "arn:aws:states:us-east-1:123456789012:stateMachine:Deploy";
        Machine machine = new Machine();
        machine.addRule("ended", new ObjectMapper().writeValueAsString(rule.get("EventPattern"))
                .replace(new ObjectMapper().writeValueAsString(ref(stateMachineId())), "\"" + machineArn + "\""));

        for (String status : List.of("FAILED", "TIMED_OUT", "ABORTED")) {
            assertThat(machine.rulesForJSONEvent(statusChange(machineArn, status))).as(status).containsExactly("ended");
        }
        assertThat(machine.rulesForJSONEvent(statusChange(machineArn, "SUCCEEDED"))).isEmpty();
        assertThat(machine.rulesForJSONEvent(statusChange(machineArn, "RUNNING"))).isEmpty();
        assertThat(machine.rulesForJSONEvent(statusChange(machineArn + "Other", "FAILED"))).isEmpty();
        @SuppressWarnings("unchecked")
        Map<String, Object> target = ((List<Map<String, Object>>) rule.get("Targets")).get(0);
        assertThat(target.get("Arn")).isEqualTo(getAtt(functionId("DeployLifecycleHandler"), "Arn"));
        assertThat(target).containsEntry("DeadLetterConfig", Map.of("Arn", getAtt(queueId(), "Arn")))
                .containsEntry("RetryPolicy", Map.of("MaximumRetryAttempts", 4, "MaximumEventAgeInSeconds", 7200));
    }

    @Test
    void endedExecutionsRule_permissions_readOnlyTheHistoriesOfThisStateMachinesExecutions() {
        Map<String, Map<String, Object>> policies = template.findResources("AWS::IAM::Policy", Match.objectLike(Map.of(
                "Properties", Match.objectLike(Map.of("PolicyDocument", Match.objectLike(Map.of("Statement",
                        Match.arrayWith(List.of(Match.objectLike(Map.of("Sid", "ReadExecutionHistory")))))))))));
        assertThat(policies).hasSize(1);
        Map<String, Object> policy = properties(policies.values().iterator().next());
        assertThat(policy.get("Roles")).isEqualTo(List.of(ref(roleId("DeployLifecycleHandler"))));
        assertThat(policy.get("PolicyDocument")).isEqualTo(Map.of("Version", "2012-10-17", "Statement", List.of(Map.of(
                "Sid", "ReadExecutionHistory", "Effect", "Allow", "Action", "states:GetExecutionHistory",
                "Resource", join("arn:", ref("AWS::Partition"), ":states:", ref("AWS::Region"), ":", ACCOUNT,
                        ":execution:", getAtt(stateMachineId(), "Name"), ":*")))));
        // its own policy: the function (which the state machine names) must not wait for the state machine
        assertThat(policies.keySet().iterator().next()).doesNotContain("DefaultPolicy");
    }

    private static String statusChange(String machineArn, String status) throws Exception {
        return new ObjectMapper().writeValueAsString(Map.of(
                "version", "0", "id", "1", "source", "aws.states", "detail-type", "Step Functions Execution Status Change",
                "account", "123456789012", "region", "us-east-1", "time", "2026-01-01T00:00:00Z",
                "resources", List.of(machineArn.replace(":stateMachine:", ":execution:") + ":d1"),
                "detail", Map.of("executionArn", machineArn.replace(":stateMachine:", ":execution:") + ":d1",
                        "stateMachineArn", machineArn, "status", status)));
    }

    @Test
    void outputs_whenSynthesized_giveTheCliTheStateMachineArnBundleBucketAndEventBuses() {
        template.hasOutput("StateMachineArn", Map.of("Value", ref(stateMachineId())));
        template.hasOutput("BundleBucketName", Map.of("Value", ref(bucketId())));
        template.hasOutput("EventBusNames", Map.of("Value", "default"));
    }

    private static String functionId(String handler) {
        return functionId(template, handler);
    }

    static String functionId(Template template, String handler) {
        Map<String, Map<String, Object>> found = template.findResources("AWS::Lambda::Function", Match.objectLike(Map.of(
                "Properties", Match.objectLike(Map.of("Handler", "com.smuscicd.lambda." + handler + "::handleRequest")))));
        assertThat(found).as("function of %s", handler).hasSize(1);
        return found.keySet().iterator().next();
    }

    private static String roleId(String handler) {
        return roleId(template, handler);
    }

    /** The logical id of the role the function of {@code handler} runs as. */
    static String roleId(Template template, String handler) {
        return getAttTarget(properties(template.findResources("AWS::Lambda::Function").get(functionId(template, handler))).get("Role"));
    }

    private static String stateMachineId() {
        return template.findResources("AWS::StepFunctions::StateMachine").keySet().iterator().next();
    }

    private static String bucketId() {
        return template.findResources("AWS::S3::Bucket").keySet().iterator().next();
    }

    private static String queueId() {
        return template.findResources("AWS::SQS::Queue").keySet().iterator().next();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> stateMachineSubstitutions() {
        return (Map<String, Object>) properties(single("AWS::StepFunctions::StateMachine")).get("DefinitionSubstitutions");
    }

    /** The rule of the construct {@code id} (Trigger, EndedExecutions): the stack has one of each. */
    static Map<String, Object> rule(Template template, String id) {
        Map<String, Map<String, Object>> rules = new java.util.TreeMap<>(template.findResources("AWS::Events::Rule"));
        rules.keySet().removeIf(logicalId -> !logicalId.startsWith(id));
        assertThat(rules).as("rules of " + id).hasSize(1);
        return rules.values().iterator().next();
    }

    private static Map<String, Object> single(String type) {
        Map<String, Map<String, Object>> found = template.findResources(type);
        assertThat(found).hasSize(1);
        return found.values().iterator().next();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> properties(Map<String, Object> resource) {
        return (Map<String, Object>) resource.get("Properties");
    }

    @SuppressWarnings("unchecked")
    static String getAttTarget(Object getAtt) {
        return (String) ((List<Object>) ((Map<String, Object>) getAtt).get("Fn::GetAtt")).get(0);
    }

    static Map<String, Object> ref(String logicalId) {
        return Map.of("Ref", logicalId);
    }

    static Map<String, Object> getAtt(String logicalId, String attribute) {
        return Map.of("Fn::GetAtt", List.of(logicalId, attribute));
    }

    static Map<String, Object> join(Object... parts) {
        return Map.of("Fn::Join", List.of("", List.of(parts)));
    }
}
