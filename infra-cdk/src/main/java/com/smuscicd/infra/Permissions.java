package com.smuscicd.infra;

import java.util.List;
import java.util.Map;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.PolicyStatement;

/**
 * The IAM statements of each function, in one place so the README's IAM table, the stacks and
 * the tests all read the same list. Actions are always named exactly; a {@code "*"} resource
 * appears only where the service defines no resource type for the action (see each method).
 */
public final class Permissions {

    /** The {@code source} of every event this project emits. */
    public static final String EVENT_SOURCE = "com.amazon.smus.cicd";

    /** The IAM action prefix of Amazon MWAA Serverless (Service Authorization Reference). */
    static final String MWAA_SERVERLESS = "airflow-serverless";

    private Permissions() {
    }

    /** {@code events:PutEvents} on one bus, and only for events whose source is ours. */
    public static PolicyStatement putEvents(String eventBusArn) {
        return putEvents(List.of(eventBusArn));
    }

    /** {@code events:PutEvents} on each of these buses, and only for events whose source is ours. */
    public static PolicyStatement putEvents(List<String> eventBusArns) {
        if (eventBusArns.isEmpty()) {
            throw new IllegalArgumentException("at least one event bus ARN is needed");
        }
        return PolicyStatement.Builder.create()
                .sid("PutDeploymentEvents")
                .effect(Effect.ALLOW)
                .actions(List.of("events:PutEvents"))
                .resources(List.copyOf(eventBusArns))
                .conditions(Map.of("StringEquals", Map.of("events:source", EVENT_SOURCE)))
                .build();
    }

    /**
     * Project get-or-create. DataZone defines no resource type for these actions (they are
     * authorized by the domain's own membership model), so IAM only accepts {@code "*"}.
     */
    public static PolicyStatement initializeProject() {
        return PolicyStatement.Builder.create()
                .sid("GetOrCreateProject")
                .actions(List.of(
                        "datazone:ListDomains",
                        "datazone:ListProjects",
                        "datazone:CreateProject",
                        "datazone:ListEnvironments",
                        "datazone:GetEnvironment"))
                .resources(List.of("*"))
                .build();
    }

    /**
     * Reads uploaded bundles, by key or by the exact version an upload event names (object and
     * metadata): S3 authorizes reads by version id with {@code s3:GetObjectVersion}, not
     * {@code s3:GetObject}.
     */
    public static PolicyStatement readBundleVersions(String bundleObjectsArn) {
        return PolicyStatement.Builder.create()
                .sid("ReadBundleVersions")
                .actions(List.of("s3:GetObject", "s3:GetObjectVersion"))
                .resources(List.of(bundleObjectsArn))
                .build();
    }

    /**
     * Writes bundle files into project buckets (large ones in parts, aborted on failure), reading
     * back (HEAD) to skip unchanged files.
     */
    public static PolicyStatement writeProjectObjects(String projectObjectsArn, String account) {
        return PolicyStatement.Builder.create()
                .sid("WriteProjectObjects")
                .actions(List.of("s3:PutObject", "s3:GetObject", "s3:AbortMultipartUpload"))
                .resources(List.of(projectObjectsArn))
                .conditions(inAccount(account))
                .build();
    }

    /** Lists project buckets to find what is already there. */
    public static PolicyStatement listProjectBuckets(String projectBucketsArn, String account) {
        return PolicyStatement.Builder.create()
                .sid("ListProjectBuckets")
                .actions(List.of("s3:ListBucket"))
                .resources(List.of(projectBucketsArn))
                .conditions(inAccount(account))
                .build();
    }

    /** Writes workflow definitions into project buckets. */
    public static PolicyStatement putWorkflowDefinitions(String projectObjectsArn, String account) {
        return PolicyStatement.Builder.create()
                .sid("PutWorkflowDefinitions")
                .actions(List.of("s3:PutObject"))
                .resources(List.of(projectObjectsArn))
                .conditions(inAccount(account))
                .build();
    }

    /**
     * Creating and listing workflows: MWAA Serverless defines no resource type for these two
     * actions, so IAM only accepts {@code "*"}.
     */
    public static PolicyStatement createWorkflows() {
        return PolicyStatement.Builder.create()
                .sid("CreateWorkflows")
                .actions(List.of(MWAA_SERVERLESS + ":CreateWorkflow", MWAA_SERVERLESS + ":ListWorkflows"))
                .resources(List.of("*"))
                .build();
    }

    /** Updating existing workflows, and tagging new ones (CreateWorkflow with tags). */
    public static PolicyStatement updateWorkflows(String workflowArnPattern) {
        return PolicyStatement.Builder.create()
                .sid("UpdateWorkflows")
                .actions(List.of(
                        MWAA_SERVERLESS + ":UpdateWorkflow",
                        MWAA_SERVERLESS + ":TagResource"))
                .resources(List.of(workflowArnPattern))
                .build();
    }

    /** Hands the workflow execution role to MWAA Serverless, and to nothing else. */
    public static PolicyStatement passWorkflowRole(String roleArnPattern) {
        return PolicyStatement.Builder.create()
                .sid("PassWorkflowExecutionRole")
                .actions(List.of("iam:PassRole"))
                .resources(List.of(roleArnPattern))
                .conditions(Map.of("StringEquals",
                        Map.of("iam:PassedToService", MWAA_SERVERLESS + ".amazonaws.com")))
                .build();
    }

    /**
     * Finding catalog assets and subscribing the project to them. DataZone defines no resource
     * type for these actions, so IAM only accepts {@code "*"}.
     */
    public static PolicyStatement subscribeToAssets() {
        return PolicyStatement.Builder.create()
                .sid("SubscribeToCatalogAssets")
                .actions(List.of(
                        "datazone:SearchListings",
                        "datazone:CreateSubscriptionRequest",
                        "datazone:ListSubscriptionRequests",
                        "datazone:ListSubscriptions"))
                .resources(List.of("*"))
                .build();
    }

    /** Starts deployments of the one state machine. */
    public static PolicyStatement startDeployment(String stateMachineArn) {
        return PolicyStatement.Builder.create()
                .sid("StartDeployment")
                .actions(List.of("states:StartExecution"))
                .resources(List.of(stateMachineArn))
                .build();
    }

    /** Reads the histories of the deploy state machine's executions (to settle those that ended without a terminal event). */
    public static PolicyStatement readExecutionHistory(String executionsArn) {
        return PolicyStatement.Builder.create()
                .sid("ReadExecutionHistory")
                .actions(List.of("states:GetExecutionHistory"))
                .resources(List.of(executionsArn))
                .build();
    }

    /** Lets Step Functions call exactly the given function ARNs (the ones the definition names). */
    public static PolicyStatement invokeFunctions(List<String> functionArns) {
        return PolicyStatement.Builder.create()
                .sid("InvokePhaseFunctions")
                .actions(List.of("lambda:InvokeFunction"))
                .resources(functionArns)
                .build();
    }

    private static Map<String, Object> inAccount(String account) {
        return Map.of("StringEquals", Map.of("aws:ResourceAccount", account));
    }
}
