package com.smuscicd.lambda;

import com.smuscicd.aws.AwsClients;
import com.smuscicd.aws.AwsPorts;
import com.smuscicd.aws.S3BundleStore;
import com.smuscicd.deploy.TaskFunction;
import com.smuscicd.events.EventPublisher;
import java.util.Map;
import java.util.function.Function;

/** Lambda entry point of the BundleUpload phase: JSON in, JSON out. */
public final class BundleUploadHandler extends TaskHandler {

    /** Used by the Lambda runtime: AWS adapters configured from the environment, and the priming hook. */
    public BundleUploadHandler() {
        super(Wiring.TASK, Wiring.CLIENTS, BundleUploadHandler::wire, dry -> { });
    }

    BundleUploadHandler(TaskFunction task) {
        super(task);
    }

    /**
     * This function's task over AWS: the event publishers and S3 (the SDKs in this
     * function's jar; nothing else may be named here).
     */
    static TaskFunction wire(Map<String, String> env, AwsClients clients, Function<String, EventPublisher> publishers) {
        return AwsPorts.functions(env, publishers, null, S3BundleStore.create(clients), null).bundleUpload();
    }

    /** Built on the first construction (the cold start), once per JVM. */
    private static final class Wiring {
        static final AwsClients CLIENTS = AwsClients.fromEnvironment();
        static final TaskFunction TASK = wire(System.getenv(), CLIENTS, AwsPorts.eventBridgePublishers());
    }
}
