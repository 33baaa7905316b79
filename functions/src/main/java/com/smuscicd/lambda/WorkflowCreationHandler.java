package com.smuscicd.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.smuscicd.aws.AwsClients;
import com.smuscicd.aws.AwsPorts;
import com.smuscicd.aws.MwaaServerlessWorkflowGateway;
import com.smuscicd.aws.S3BundleStore;
import com.smuscicd.deploy.TaskFunction;
import com.smuscicd.events.EventPublisher;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;
import java.util.function.Function;
import org.crac.Core;
import org.crac.Resource;

/** Lambda entry point of the WorkflowCreation phase: JSON in, JSON out. */
public final class WorkflowCreationHandler implements RequestStreamHandler, Resource {

    private final TaskFunction task;

    /**
     * Used by the Lambda runtime: AWS adapters configured from the environment. Registers the
     * SnapStart priming hook ({@link #beforeCheckpoint}); without SnapStart it never runs.
     */
    public WorkflowCreationHandler() {
        this(Wiring.TASK);
        Core.getGlobalContext().register(this);
    }

    WorkflowCreationHandler(TaskFunction task) {
        this.task = task;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        LambdaJson.invoke(task, input, output);
    }

    /**
     * This function's task over AWS: the event publishers, S3 and MWAA Serverless (the SDKs in this
     * function's jar; nothing else may be named here). The project's user role comes from
     * ProjectInitialization's output, so this function needs no DataZone access.
     */
    static TaskFunction wire(Map<String, String> env, AwsClients clients, Function<String, EventPublisher> publishers) {
        return AwsPorts.functions(env, publishers, null, S3BundleStore.create(clients),
                MwaaServerlessWorkflowGateway.fromEnvironment(env, clients)).workflowCreation();
    }

    /** Before a SnapStart snapshot: runs this task once without sending anything ({@link Priming}). */
    @Override
    public void beforeCheckpoint(org.crac.Context<? extends Resource> context) {
        // the sample run ends at its first S3 read (an empty bundle): MWAA Serverless gets a call of its own
        Priming.prime(Wiring.CLIENTS, "WorkflowCreationHandler",
                (clients, publishers) -> wire(System.getenv(), clients, publishers),
                dry -> dry.client(MwaaServerlessWorkflowGateway.CLIENT).listWorkflows(b -> b.maxResults(1)));
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
