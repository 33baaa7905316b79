package com.smuscicd.deploy;

import com.smuscicd.events.EventPublisher;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.function.UnaryOperator;

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
        return runner(projectInitializationPhase());
    }

    /** The BundleUpload task. */
    public TaskFunction bundleUpload() {
        return runner(bundleUploadPhase());
    }

    /** The WorkflowCreation task. */
    public TaskFunction workflowCreation() {
        return runner(workflowCreationPhase());
    }

    /** The CatalogAssets task. */
    public TaskFunction catalogAssets() {
        return runner(catalogAssetsPhase());
    }

    private Phase projectInitializationPhase() {
        return new ProjectInitializationPhase(dataZone);
    }

    private Phase bundleUploadPhase() {
        return new BundleUploadPhase(bundles, maxBundleBytes);
    }

    private Phase workflowCreationPhase() {
        return new WorkflowCreationPhase(bundles, workflows, maxBundleBytes);
    }

    private Phase catalogAssetsPhase() {
        return new CatalogAssetsPhase(dataZone);
    }

    private TaskFunction runner(Phase phase) {
        return new PhaseRunner(phase, emitters());
    }

    /** Every task by placeholder name. */
    public Map<String, TaskFunction> byPlaceholder() {
        return byPlaceholder(UnaryOperator.identity());
    }

    /**
     * Every task by placeholder name, each phase's work passed through {@code around} first (a
     * local run's simulated failures): the phase tasks still emit its events and report its
     * failures as for a real one.
     */
    public Map<String, TaskFunction> byPlaceholder(UnaryOperator<Phase> around) {
        Map<String, TaskFunction> tasks = new LinkedHashMap<>();
        tasks.put(LIFECYCLE, lifecycle());
        tasks.put(PROJECT_INITIALIZATION, runner(around.apply(projectInitializationPhase())));
        tasks.put(BUNDLE_UPLOAD, runner(around.apply(bundleUploadPhase())));
        tasks.put(WORKFLOW_CREATION, runner(around.apply(workflowCreationPhase())));
        tasks.put(CATALOG_ASSETS, runner(around.apply(catalogAssetsPhase())));
        return tasks;
    }
}
