package com.smuscicd.infra;

import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.ArnFormat;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Stack;
import software.constructs.Construct;

/**
 * The functions the state machine calls: the deploy lifecycle (Deploy-Started/Completed/Failed)
 * and one per phase, each with exactly the permissions of {@link Permissions} it needs.
 */
public final class DeployFunctions extends Construct {

    /** Placeholder in the ASL file of each function, in the order the state machine runs them. */
    public static final String LIFECYCLE_PLACEHOLDER = "DeployLifecycleFunctionArn";
    public static final String PROJECT_INITIALIZATION_PLACEHOLDER = "ProjectInitializationFunctionArn";
    public static final String BUNDLE_UPLOAD_PLACEHOLDER = "BundleUploadFunctionArn";
    public static final String WORKFLOW_CREATION_PLACEHOLDER = "WorkflowCreationFunctionArn";
    public static final String CATALOG_ASSETS_PLACEHOLDER = "CatalogAssetsFunctionArn";

    /**
     * Smallest gap between a function's timeout and its task's: covers the init phase Lambda
     * allows outside the function timeout (10 s, also the SnapStart restore limit) and the
     * invocation's scheduling.
     */
    static final int MIN_INIT_MARGIN_SECONDS = 20;

    /** Why reading any key of the bundle bucket is fine. */
    static final String BUNDLE_KEYS_REASON =
            "Bundle keys are chosen by whoever uploads them; reading is limited to the one bundle bucket.";

    private final Map<String, PhaseFunction> byPlaceholder = new LinkedHashMap<>();

    public DeployFunctions(Construct scope, String id, DeployFunctionsProps props) {
        super(scope, id);
        Stack stack = Stack.of(this);
        String account = stack.getAccount();
        String projectBuckets = "arn:" + stack.getPartition() + ":s3:::" + props.projectBucketPattern();
        String projectObjects = projectBuckets + "/*";
        String bundleObjects = props.bundleBucket().arnForObjects("*");
        String projectBucketReason = "SageMaker Unified Studio creates one bucket per project, named "
                + "amazon-sagemaker-<account>-<region>-<id>, and the target project is known only at run time; "
                + "an aws:ResourceAccount condition keeps same-named buckets of other accounts out.";

        PhaseFunction lifecycle = function("DeployLifecycle", props, 512, Duration.minutes(1));

        PhaseFunction projectInitialization = function("ProjectInitialization", props, 1024, Duration.minutes(5));
        if (!props.projectProfileId().isEmpty()) {
            projectInitialization.function().addEnvironment("PROJECT_PROFILE_ID", props.projectProfileId());
        }
        projectInitialization.allow(Permissions.initializeProject());
        Acknowledgments.wildcardResource(projectInitialization.role(), "*",
                "DataZone defines no resource type for ListDomains, ListProjects, CreateProject, "
                        + "ListEnvironments or GetEnvironment: IAM accepts only Resource \"*\" for them.");

        PhaseFunction bundleUpload = function("BundleUpload", props, 1536, Duration.minutes(15));
        // the phases read the bundle version the trigger checked, not whatever the key holds now
        bundleUpload.allow(Permissions.readBundleVersions(bundleObjects));
        bundleUpload.allow(Permissions.writeProjectObjects(projectObjects, account));
        bundleUpload.allow(Permissions.listProjectBuckets(projectBuckets, account));
        Acknowledgments.wildcardResource(bundleUpload.role(), bundleObjects, BUNDLE_KEYS_REASON);
        Acknowledgments.wildcardResource(bundleUpload.role(), projectObjects, projectBucketReason);
        Acknowledgments.wildcardResource(bundleUpload.role(), projectBuckets, projectBucketReason);

        PhaseFunction workflowCreation = function("WorkflowCreation", props, 1024, Duration.minutes(10));
        String workflows = stack.formatArn(ArnComponents.builder()
                .service(Permissions.MWAA_SERVERLESS).region("*").resource("workflow").resourceName("*")
                .arnFormat(ArnFormat.SLASH_RESOURCE_NAME).build());
        boolean fixedRole = !props.workflowRoleArn().isEmpty();
        String workflowRoles = fixedRole ? props.workflowRoleArn() : stack.formatArn(ArnComponents.builder()
                .service("iam").region("").resource("role").resourceName(props.workflowExecutionRolePattern())
                .arnFormat(ArnFormat.SLASH_RESOURCE_NAME).build());
        // The workflow files come out of the bundle.
        workflowCreation.allow(Permissions.readBundleVersions(bundleObjects));
        workflowCreation.allow(Permissions.putWorkflowDefinitions(projectObjects, account));
        workflowCreation.allow(Permissions.createWorkflows());
        workflowCreation.allow(Permissions.updateWorkflows(workflows));
        if (fixedRole) {
            workflowCreation.function().addEnvironment("WORKFLOW_ROLE_ARN", props.workflowRoleArn());
        }
        workflowCreation.allow(Permissions.passWorkflowRole(workflowRoles));
        Acknowledgments.wildcardResource(workflowCreation.role(), bundleObjects, BUNDLE_KEYS_REASON);
        Acknowledgments.wildcardResource(workflowCreation.role(), projectObjects, projectBucketReason);
        Acknowledgments.wildcardResource(workflowCreation.role(), "*",
                "MWAA Serverless defines no resource type for CreateWorkflow and ListWorkflows: IAM accepts only "
                        + "Resource \"*\" for them.");
        Acknowledgments.wildcardResource(workflowCreation.role(), workflows,
                "Workflow names come from the bundle at run time; limited to this account (any region: workflows follow the target domain region).");
        if (!fixedRole) {
            Acknowledgments.wildcardResource(workflowCreation.role(), workflowRoles,
                    "Each SageMaker Unified Studio project has its own user role that its workflows run as; PassRole "
                            + "is limited to that naming pattern and to iam:PassedToService airflow-serverless.amazonaws.com.");
        }

        PhaseFunction catalogAssets = function("CatalogAssets", props, 1024, Duration.minutes(5));
        catalogAssets.allow(Permissions.subscribeToAssets());
        Acknowledgments.wildcardResource(catalogAssets.role(), "*",
                "DataZone defines no resource type for SearchListings, CreateSubscriptionRequest, "
                        + "ListSubscriptionRequests or ListSubscriptions: IAM accepts only Resource \"*\" for them.");

        byPlaceholder.put(LIFECYCLE_PLACEHOLDER, lifecycle);
        byPlaceholder.put(PROJECT_INITIALIZATION_PLACEHOLDER, projectInitialization);
        byPlaceholder.put(BUNDLE_UPLOAD_PLACEHOLDER, bundleUpload);
        byPlaceholder.put(WORKFLOW_CREATION_PLACEHOLDER, workflowCreation);
        byPlaceholder.put(CATALOG_ASSETS_PLACEHOLDER, catalogAssets);
    }

    /** Each function keyed by the ASL placeholder that names it. */
    public Map<String, PhaseFunction> byPlaceholder() {
        return Ordered.copy(byPlaceholder);
    }

    /**
     * Each function's timeout is shorter than the TimeoutSeconds of the ASL task states that call
     * it by at least {@link #MIN_INIT_MARGIN_SECONDS} or a tenth of the timeout, whichever is
     * larger (a test checks it): the task's timer runs from scheduling and includes the cold start,
     * the function's timeout does not, so with equal values Step Functions could time a task out
     * while its function still runs and later reports success.
     */
    private PhaseFunction function(String name, DeployFunctionsProps props, int memoryMb, Duration timeout) {
        PhaseFunction function = new PhaseFunction(this, name, PhaseFunctionProps.builder()
                .handlerClass(name + "Handler")
                .code(props.jars().code(name + "Handler"))
                .memoryMb(memoryMb)
                .timeout(timeout)
                .environment("EVENT_BUS_NAME", props.eventBuses().defaultBus().nameOrArn())
                .logRetention(props.logRetention())
                .snapStart(props.snapStart())
                .build());
        function.allow(Permissions.putEvents(props.eventBuses().arns()));
        return function;
    }
}
