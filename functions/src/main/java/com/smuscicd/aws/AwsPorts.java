package com.smuscicd.aws;

import com.smuscicd.deploy.BundleArchive;
import com.smuscicd.deploy.BundleStore;
import com.smuscicd.deploy.DataZoneGateway;
import com.smuscicd.deploy.DeployFunctions;
import com.smuscicd.deploy.WorkflowGateway;
import com.smuscicd.events.EventBridgePublisher;
import com.smuscicd.events.EventPublisher;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * What every Lambda function's wiring shares, from environment variables:
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
 * <p>Each handler wires only the adapters it calls (see {@code com.smuscicd.lambda}), and this
 * class names none of them: each function's jar holds only the SDKs of its own adapters, and a
 * check of the built jars proves that nothing a handler can reach is missing from its jar.
 * Clients are built on first use.
 */
public final class AwsPorts {

    private AwsPorts() {
    }

    /**
     * The task functions over the given ports. A function's jar holds only the adapters it uses:
     * the ports it does not use are passed as null and answer with an {@link IllegalStateException}
     * naming the port, should anything call them. A deployment whose input names no bus publishes
     * to {@code EVENT_BUS_NAME}, else to the account's default bus.
     */
    public static DeployFunctions functions(Map<String, String> env, Function<String, EventPublisher> publishers,
                                            DataZoneGateway dataZone, BundleStore bundles,
                                            WorkflowGateway workflows) {
        return new DeployFunctions(publisherForBus(env, publishers),
                dataZone != null ? dataZone : unavailable(DataZoneGateway.class),
                bundles != null ? bundles : unavailable(BundleStore.class),
                workflows != null ? workflows : unavailable(WorkflowGateway.class),
                Clock.systemUTC(), maxBundleBytes(env));
    }

    /** The bus for deployments that name none ({@code EVENT_BUS_NAME}); null: the account's default bus. */
    public static String defaultBus(Map<String, String> env) {
        return blankToNull(env.get("EVENT_BUS_NAME"));
    }

    /** The publisher of a deployment's bus: the one it names, else {@code EVENT_BUS_NAME}, else the default bus. */
    public static Function<String, EventPublisher> publisherForBus(Map<String, String> env,
                                                                   Function<String, EventPublisher> publishers) {
        String defaultBus = defaultBus(env);
        return bus -> publishers.apply(blankToNull(bus) != null ? bus.trim() : defaultBus);
    }

    /** The bundle trigger's state machine ({@code STATE_MACHINE_ARN}), required. */
    public static String stateMachineArn(Map<String, String> env) {
        String stateMachineArn = blankToNull(env.get("STATE_MACHINE_ARN"));
        if (stateMachineArn == null) {
            throw new IllegalStateException("STATE_MACHINE_ARN is not set");
        }
        return stateMachineArn;
    }

    /** A port this function was not built with: every call fails, naming it. */
    static <T> T unavailable(Class<T> port) {
        return port.cast(Proxy.newProxyInstance(port.getClassLoader(), new Class<?>[] {port}, (proxy, method, args) -> {
            if (method.getDeclaringClass() == Object.class) {
                return switch (method.getName()) {
                    case "toString" -> "unavailable " + port.getSimpleName();
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> throw new UnsupportedOperationException(method.getName());
                };
            }
            throw new IllegalStateException(port.getSimpleName() + " is not wired in this function: "
                    + method.getName() + " cannot be called");
        }));
    }

    /** One EventBridge publisher per bus (null: the account's default bus), created on first use. */
    public static Function<String, EventPublisher> eventBridgePublishers() {
        Map<String, EventPublisher> byBus = new ConcurrentHashMap<>();
        return bus -> byBus.computeIfAbsent(bus == null ? "" : bus, EventBridgePublisher::create);
    }

    /** The bound on a bundle's uncompressed size ({@code MAX_BUNDLE_BYTES}, default 256 MiB). */
    public static long maxBundleBytes(Map<String, String> env) {
        return positive(env, "MAX_BUNDLE_BYTES", BundleArchive.DEFAULT_MAX_BYTES);
    }

    static long positive(Map<String, String> env, String name, long fallback) {
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

    static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
