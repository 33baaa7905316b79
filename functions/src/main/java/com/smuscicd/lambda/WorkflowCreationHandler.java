package com.smuscicd.lambda;

import com.smuscicd.aws.AwsClients;
import com.smuscicd.aws.AwsPorts;
import com.smuscicd.aws.MwaaServerlessWorkflowGateway;
import com.smuscicd.aws.S3BundleStore;
import com.smuscicd.deploy.TaskFunction;
import com.smuscicd.events.EventPublisher;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

/** Lambda entry point of the WorkflowCreation phase: JSON in, JSON out. */
public final class WorkflowCreationHandler extends TaskHandler {

    /** Priming: the sample run ends at its first S3 read (an empty bundle), so MWAA gets a call of its own. */
    static final Consumer<AwsClients> MORE_PRIMING =
            dry -> dry.client(MwaaServerlessWorkflowGateway.CLIENT).listWorkflows(b -> b.maxResults(1));

    /** Used by the Lambda runtime: AWS adapters configured from the environment, and the priming hook. */
    public WorkflowCreationHandler() {
        super(Wiring.TASK, Wiring.CLIENTS, WorkflowCreationHandler::wire, MORE_PRIMING);
    }

    WorkflowCreationHandler(TaskFunction task) {
        super(task);
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

    /** Built on the first construction (the cold start), once per JVM. */
    private static final class Wiring {
        static final AwsClients CLIENTS = AwsClients.fromEnvironment();
        static final TaskFunction TASK = wire(System.getenv(), CLIENTS, AwsPorts.eventBridgePublishers());
    }
}
