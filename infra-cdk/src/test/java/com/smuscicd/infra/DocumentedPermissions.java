package com.smuscicd.infra;

import static com.smuscicd.infra.OrchestratorStackTest.functionId;
import static com.smuscicd.infra.OrchestratorStackTest.getAtt;
import static com.smuscicd.infra.OrchestratorStackTest.join;
import static com.smuscicd.infra.OrchestratorStackTest.properties;
import static com.smuscicd.infra.OrchestratorStackTest.ref;
import static com.smuscicd.infra.RolePermissions.allow;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.assertions.Template;

/**
 * The permissions of the orchestrator's roles as the IAM table of infra-cdk/README.md documents
 * them, on the template's own resources: one place for OrchestratorStackTest (default context)
 * and OrchestratorOptionsTest (every option set), so both compare against the same list.
 */
final class DocumentedPermissions {

    static final Map<String, Object> ACCOUNT = ref("AWS::AccountId");
    static final Map<String, Object> DEFAULT_BUS = join(
            "arn:", ref("AWS::Partition"), ":events:", ref("AWS::Region"), ":", ACCOUNT, ":event-bus/default");
    static final Map<String, Object> PROJECT_BUCKETS = join("arn:", ref("AWS::Partition"), ":s3:::amazon-sagemaker-*");
    static final Map<String, Object> PROJECT_OBJECTS = join("arn:", ref("AWS::Partition"), ":s3:::amazon-sagemaker-*/*");
    static final Map<String, Object> PROJECT_USER_ROLES =
            join("arn:", ref("AWS::Partition"), ":iam::", ACCOUNT, ":role/datazone_usr_role_*");
    static final Map<String, Object> OUR_EVENTS_ONLY =
            Map.of("StringEquals", Map.of("events:source", Permissions.EVENT_SOURCE));
    static final Map<String, Object> IN_THIS_ACCOUNT = Map.of("StringEquals", Map.of("aws:ResourceAccount", ACCOUNT));
    static final Map<String, Object> PASSED_TO_MWAA_SERVERLESS =
            Map.of("StringEquals", Map.of("iam:PassedToService", "airflow-serverless.amazonaws.com"));

    private final Template template;
    private final Object busArns;
    private final Object passableRoles;

    /**
     * @param busArns the configured buses' ARNs (one, or a list)
     * @param passableRoles what WorkflowCreation may pass: the user-role pattern, or {@code workflowRoleArn}
     */
    DocumentedPermissions(Template template, Object busArns, Object passableRoles) {
        this.template = template;
        this.busArns = busArns;
        this.passableRoles = passableRoles;
    }

    /** The README's rows for the function of {@code handler}, plus its own log group. */
    List<RolePermissions.Grant> ofFunction(String handler) {
        List<RolePermissions.Grant> grants = new ArrayList<>(logs(handler));
        // all six
        grants.addAll(allow("events:PutEvents", busArns, OUR_EVENTS_ONLY));
        switch (handler) {
            case "DeployLifecycleHandler" -> {
                // a policy of its own (EndedExecutionsRule), not the role's default one
                grants.addAll(allow("states:GetExecutionHistory", join("arn:", ref("AWS::Partition"), ":states:",
                        ref("AWS::Region"), ":", ACCOUNT, ":execution:", getAtt(stateMachineId(), "Name"), ":*")));
                // the status changes it fails to settle after Lambda's retries
                grants.addAll(sendToDeadLetterQueue());
            }
            case "ProjectInitializationHandler" -> grants.addAll(allow(List.of("datazone:ListDomains",
                    "datazone:ListProjects", "datazone:CreateProject", "datazone:ListEnvironments",
                    "datazone:GetEnvironment"), "*"));
            case "BundleUploadHandler" -> {
                grants.addAll(readBundleVersions());
                grants.addAll(allow(List.of("s3:PutObject", "s3:GetObject", "s3:AbortMultipartUpload"),
                        PROJECT_OBJECTS, IN_THIS_ACCOUNT));
                grants.addAll(allow("s3:ListBucket", PROJECT_BUCKETS, IN_THIS_ACCOUNT));
            }
            case "WorkflowCreationHandler" -> {
                grants.addAll(readBundleVersions());
                grants.addAll(allow("s3:PutObject", PROJECT_OBJECTS, IN_THIS_ACCOUNT));
                grants.addAll(allow(List.of("airflow-serverless:CreateWorkflow", "airflow-serverless:ListWorkflows"), "*"));
                // any region: workflows are created in the target domain's region
                grants.addAll(allow(List.of("airflow-serverless:UpdateWorkflow", "airflow-serverless:TagResource"),
                        join("arn:", ref("AWS::Partition"), ":airflow-serverless:*:", ACCOUNT, ":workflow/*")));
                grants.addAll(allow("iam:PassRole", passableRoles, PASSED_TO_MWAA_SERVERLESS));
            }
            case "CatalogAssetsHandler" -> grants.addAll(allow(List.of("datazone:SearchListings",
                    "datazone:CreateSubscriptionRequest", "datazone:ListSubscriptionRequests",
                    "datazone:ListSubscriptions"), "*"));
            case "BundleTriggerHandler" -> {
                grants.addAll(readBundleVersions());
                grants.addAll(allow("states:StartExecution", ref(stateMachineId())));
                // Lambda sends failed invocations to the on-failure destination with the function's role
                grants.addAll(sendToDeadLetterQueue());
            }
            default -> throw new IllegalArgumentException("no documented permissions for " + handler);
        }
        return grants;
    }

    /**
     * The state machine's role: invoking exactly {@code invoked} (what the definition names), plus
     * Step Functions' log delivery and X-Ray actions, which accept only {@code "*"}.
     */
    List<RolePermissions.Grant> ofStateMachine(List<Object> invoked) {
        List<RolePermissions.Grant> grants = new ArrayList<>(allow("lambda:InvokeFunction", invoked));
        grants.addAll(allow(List.of(
                "logs:CreateLogDelivery", "logs:GetLogDelivery", "logs:UpdateLogDelivery",
                "logs:DeleteLogDelivery", "logs:ListLogDeliveries", "logs:PutResourcePolicy",
                "logs:DescribeResourcePolicies", "logs:DescribeLogGroups"), "*"));
        grants.addAll(allow(List.of("xray:PutTraceSegments", "xray:PutTelemetryRecords",
                "xray:GetSamplingRules", "xray:GetSamplingTargets"), "*"));
        return grants;
    }

    /** The logical id of the state machine's role. */
    String stateMachineRoleId() {
        return OrchestratorStackTest.getAttTarget(properties(
                template.findResources("AWS::StepFunctions::StateMachine").values().iterator().next()).get("RoleArn"));
    }

    private List<RolePermissions.Grant> logs(String handler) {
        Map<String, Object> function = properties(template.findResources("AWS::Lambda::Function").get(functionId(template, handler)));
        @SuppressWarnings("unchecked")
        Map<String, Object> logGroup = (Map<String, Object>) ((Map<String, Object>) function.get("LoggingConfig")).get("LogGroup");
        return allow(List.of("logs:CreateLogStream", "logs:PutLogEvents"), getAtt((String) logGroup.get("Ref"), "Arn"));
    }

    private List<RolePermissions.Grant> readBundleVersions() {
        return allow(List.of("s3:GetObject", "s3:GetObjectVersion"), join(getAtt(onlyId("AWS::S3::Bucket"), "Arn"), "/*"));
    }

    /** What CDK grants for a queue as a Lambda on-failure destination. */
    private List<RolePermissions.Grant> sendToDeadLetterQueue() {
        return allow(List.of("sqs:SendMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl"),
                getAtt(onlyId("AWS::SQS::Queue"), "Arn"));
    }

    private String stateMachineId() {
        return onlyId("AWS::StepFunctions::StateMachine");
    }

    private String onlyId(String type) {
        Map<String, Map<String, Object>> found = template.findResources(type);
        if (found.size() != 1) {
            throw new AssertionError("expected one " + type + ", found " + found.keySet());
        }
        return found.keySet().iterator().next();
    }
}
