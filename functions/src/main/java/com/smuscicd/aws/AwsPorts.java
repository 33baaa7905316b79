package com.smuscicd.aws;

import com.smuscicd.deploy.BundleArchive;
import com.smuscicd.deploy.DeployFunctions;
import com.smuscicd.deploy.WorkflowGateway;
import com.smuscicd.events.EventBridgePublisher;
import com.smuscicd.events.EventPublisher;
import com.smuscicd.trigger.BundleTrigger;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Wires the domain to AWS for the Lambda functions, from environment variables:
 *
 * <table>
 *   <caption>Environment</caption>
 *   <tr><td>{@code EVENT_BUS_NAME}</td><td>bus for deployments whose input names none (unset: the default bus)</td></tr>
 *   <tr><td>{@code STATE_MACHINE_ARN}</td><td>the bundle trigger's state machine</td></tr>
 *   <tr><td>{@code MAX_BUNDLE_BYTES}</td><td>bound on a bundle's uncompressed size (default 256 MiB)</td></tr>
 *   <tr><td>{@code PROJECT_PROFILE_ID}</td><td>project profile for projects the deployment creates
 *       (required by SageMaker Unified Studio domains, e.g. the "All capabilities" profile's id)</td></tr>
 *   <tr><td>{@code PROJECT_READY_TIMEOUT_SECONDS}</td><td>how long ProjectInitialization waits for a new
 *       project's tooling environment (default 90)</td></tr>
 *   <tr><td>{@code WORKFLOW_ROLE_ARN}</td><td>execution role of every workflow; unset: each project's own
 *       user role (the {@code userRoleArn} of its tooling environment)</td></tr>
 *   <tr><td>{@code AWS_REGION}, {@code AWS_ENDPOINT_URL}, {@code AWS_ENDPOINT_URL_<SERVICE>}</td><td>the SDK's own</td></tr>
 * </table>
 *
 * Clients are built on first use, so each function's cold start builds only what it calls.
 */
public final class AwsPorts {

    private AwsPorts() {
    }

    /** The task functions over AWS, configured from this process's environment. */
    public static DeployFunctions fromEnvironment() {
        return create(System.getenv(), AwsClients.fromEnvironment(), eventBridgePublishers());
    }

    /** The bundle trigger over AWS, configured from this process's environment. */
    public static BundleTrigger bundleTrigger() {
        return bundleTrigger(System.getenv(), AwsClients.fromEnvironment(), eventBridgePublishers());
    }

    /**
     * The task functions over the given clients and publishers (tests point them at emulators).
     * A deployment whose input names no bus publishes to {@code EVENT_BUS_NAME}, else to the
     * account's default bus.
     */
    static DeployFunctions create(Map<String, String> env, AwsClients clients,
                                  Function<String, EventPublisher> publishers) {
        String defaultBus = blankToNull(env.get("EVENT_BUS_NAME"));
        Function<String, EventPublisher> publisherForBus = bus -> publishers.apply(
                blankToNull(bus) != null ? bus.trim() : defaultBus);
        S3BundleStore store = S3BundleStore.lazy(clients::s3);
        DataZoneClientGateway dataZone = DataZoneClientGateway.create(clients::dataZone,
                env.get("PROJECT_PROFILE_ID"),
                Duration.ofSeconds(positive(env, "PROJECT_READY_TIMEOUT_SECONDS",
                        DataZoneClientGateway.DEFAULT_READY_TIMEOUT.toSeconds())));
        String configuredRole = blankToNull(env.get("WORKFLOW_ROLE_ARN"));
        // The project's user role is read from its domain, in the domain's region (null: ours, as DataZone
        // client selection does).
        Function<WorkflowGateway.WorkflowSpec, String> role = configuredRole != null
                ? spec -> configuredRole
                : spec -> dataZone.projectUserRoleArn(spec.domainId(), spec.region(), spec.projectId());
        MwaaServerlessWorkflowGateway workflows = MwaaServerlessWorkflowGateway.create(clients::mwaaServerless, role);
        return new DeployFunctions(publisherForBus, dataZone, store, workflows, Clock.systemUTC(),
                maxBundleBytes(env));
    }

    static BundleTrigger bundleTrigger(Map<String, String> env, AwsClients clients,
                                       Function<String, EventPublisher> publisherForBus) {
        String stateMachineArn = blankToNull(env.get("STATE_MACHINE_ARN"));
        if (stateMachineArn == null) {
            throw new IllegalStateException("STATE_MACHINE_ARN is not set");
        }
        S3BundleStore store = S3BundleStore.lazy(clients::s3);
        SfnExecutions executions = SfnExecutions.lazy(clients::sfn);
        return BundleTrigger.create(store, store::userMetadata, (name, input) -> {
            SfnExecutions.Started started = executions.start(stateMachineArn, name, input);
            return new BundleTrigger.StartedExecution(started.executionArn(), started.alreadyStarted());
        }, publisherForBus, blankToNull(env.get("EVENT_BUS_NAME")), Clock.systemUTC(), maxBundleBytes(env));
    }

    /** One EventBridge publisher per bus (null: the account's default bus), created on first use. */
    static Function<String, EventPublisher> eventBridgePublishers() {
        Map<String, EventPublisher> byBus = new ConcurrentHashMap<>();
        return bus -> byBus.computeIfAbsent(bus == null ? "" : bus, EventBridgePublisher::create);
    }

    static long maxBundleBytes(Map<String, String> env) {
        return positive(env, "MAX_BUNDLE_BYTES", BundleArchive.DEFAULT_MAX_BYTES);
    }

    private static long positive(Map<String, String> env, String name, long fallback) {
        String value = blankToNull(env.get(name));
        if (value == null) {
            return fallback;
        }
        try {
            long parsed = Long.parseLong(value);
            if (parsed > 0) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalStateException(name + " must be a positive whole number, got '" + value + "'");
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
