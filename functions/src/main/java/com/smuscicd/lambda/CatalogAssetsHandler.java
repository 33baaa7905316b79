package com.smuscicd.lambda;

import com.smuscicd.aws.AwsClients;
import com.smuscicd.aws.AwsPorts;
import com.smuscicd.aws.DataZoneClientGateway;
import com.smuscicd.deploy.TaskFunction;
import com.smuscicd.events.EventPublisher;
import java.util.Map;
import java.util.function.Function;

/** Lambda entry point of the CatalogAssets phase: JSON in, JSON out. */
public final class CatalogAssetsHandler extends TaskHandler {

    /** Used by the Lambda runtime: AWS adapters configured from the environment, and the priming hook. */
    public CatalogAssetsHandler() {
        super(Wiring.TASK, Wiring.CLIENTS, CatalogAssetsHandler::wire, dry -> { });
    }

    CatalogAssetsHandler(TaskFunction task) {
        super(task);
    }

    /**
     * This function's task over AWS: the event publishers and DataZone (the SDKs in this
     * function's jar; nothing else may be named here).
     */
    static TaskFunction wire(Map<String, String> env, AwsClients clients, Function<String, EventPublisher> publishers) {
        return AwsPorts.functions(env, publishers, DataZoneClientGateway.fromEnvironment(env, clients), null, null)
                .catalogAssets();
    }

    /** Built on the first construction (the cold start), once per JVM. */
    private static final class Wiring {
        static final AwsClients CLIENTS = AwsClients.fromEnvironment();
        static final TaskFunction TASK = wire(System.getenv(), CLIENTS, AwsPorts.eventBridgePublishers());
    }
}
