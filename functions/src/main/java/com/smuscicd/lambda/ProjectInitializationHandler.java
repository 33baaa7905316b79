package com.smuscicd.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.smuscicd.aws.AwsClients;
import com.smuscicd.aws.AwsPorts;
import com.smuscicd.aws.DataZoneClientGateway;
import com.smuscicd.deploy.TaskFunction;
import com.smuscicd.events.EventPublisher;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;
import java.util.function.Function;
import org.crac.Core;
import org.crac.Resource;

/** Lambda entry point of the ProjectInitialization phase: JSON in, JSON out. */
public final class ProjectInitializationHandler implements RequestStreamHandler, Resource {

    private final TaskFunction task;

    /**
     * Used by the Lambda runtime: AWS adapters configured from the environment. Registers the
     * SnapStart priming hook ({@link #beforeCheckpoint}); without SnapStart it never runs.
     */
    public ProjectInitializationHandler() {
        this(Wiring.TASK);
        Core.getGlobalContext().register(this);
    }

    ProjectInitializationHandler(TaskFunction task) {
        this.task = task;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        LambdaJson.invoke(task, input, output);
    }

    /**
     * This function's task over AWS: the event publishers and DataZone (the SDKs in this
     * function's jar; nothing else may be named here).
     */
    static TaskFunction wire(Map<String, String> env, AwsClients clients, Function<String, EventPublisher> publishers) {
        return AwsPorts.functions(env, publishers, DataZoneClientGateway.fromEnvironment(env, clients), null, null)
                .projectInitialization();
    }

    /** Before a SnapStart snapshot: runs this task once without sending anything ({@link Priming}). */
    @Override
    public void beforeCheckpoint(org.crac.Context<? extends Resource> context) {
        Priming.prime(Wiring.CLIENTS, "ProjectInitializationHandler",
                (clients, publishers) -> wire(System.getenv(), clients, publishers));
    }

    @Override
    public void afterRestore(org.crac.Context<? extends Resource> context) {
        // nothing to renew: the SDK's credentials chain follows the restored sandbox's credentials
    }

    /** Built on the first construction (the cold start), once per JVM. */
    private static final class Wiring {
        static final AwsClients CLIENTS = AwsClients.fromEnvironment();
        static final TaskFunction TASK = wire(System.getenv(), CLIENTS, AwsPorts.eventBridgePublishers());
    }
}
