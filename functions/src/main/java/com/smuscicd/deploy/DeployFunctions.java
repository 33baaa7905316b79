package com.smuscicd.deploy;

import com.smuscicd.events.EventPublisher;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Wires the state machine's task functions over a set of ports. The Lambda handlers use the AWS
 * adapters, the local runner the local backends; the keys are the placeholder names of the ASL
 * file's {@code Resource} fields (without {@code ${}}).
 *
 * @param publisherForBus the event publisher for a bus name or ARN
 */
public record DeployFunctions(
        Function<String, EventPublisher> publisherForBus,
        DataZoneGateway dataZone,
        BundleStore bundles,
        WorkflowGateway workflows,
        Clock clock,
        long maxBundleBytes) {

    public static final String LIFECYCLE = "DeployLifecycleFunctionArn";
    public static final String PROJECT_INITIALIZATION = "ProjectInitializationFunctionArn";
    public static final String BUNDLE_UPLOAD = "BundleUploadFunctionArn";
    public static final String WORKFLOW_CREATION = "WorkflowCreationFunctionArn";
    public static final String CATALOG_ASSETS = "CatalogAssetsFunctionArn";

    private EmitterFactory emitters() {
        return new EmitterFactory(publisherForBus, clock);
    }

    /** The deployment lifecycle task (start, complete, fail). */
    public TaskFunction lifecycle() {
        return new DeploymentLifecycle(emitters());
    }

    /** The ProjectInitialization task. */
    public TaskFunction projectInitialization() {
        return new PhaseRunner(new ProjectInitializationPhase(dataZone), emitters());
    }

    /** The BundleUpload task. */
    public TaskFunction bundleUpload() {
        return new PhaseRunner(new BundleUploadPhase(bundles, maxBundleBytes), emitters());
    }

    /** The WorkflowCreation task. */
    public TaskFunction workflowCreation() {
        return new PhaseRunner(new WorkflowCreationPhase(bundles, workflows, maxBundleBytes), emitters());
    }

    /** The CatalogAssets task. */
    public TaskFunction catalogAssets() {
        return new PhaseRunner(new CatalogAssetsPhase(dataZone), emitters());
    }

    /** Every task by placeholder name. */
    public Map<String, TaskFunction> byPlaceholder() {
        Map<String, TaskFunction> tasks = new LinkedHashMap<>();
        tasks.put(LIFECYCLE, lifecycle());
        tasks.put(PROJECT_INITIALIZATION, projectInitialization());
        tasks.put(BUNDLE_UPLOAD, bundleUpload());
        tasks.put(WORKFLOW_CREATION, workflowCreation());
        tasks.put(CATALOG_ASSETS, catalogAssets());
        return tasks;
    }
}
