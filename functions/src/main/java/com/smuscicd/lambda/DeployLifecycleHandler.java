package com.smuscicd.lambda;

import com.smuscicd.aws.AwsClients;
import com.smuscicd.aws.AwsPorts;
import com.smuscicd.aws.EndedExecutions;
import com.smuscicd.aws.SfnExecutions;
import com.smuscicd.deploy.TaskFunction;
import com.smuscicd.events.EventPublisher;
import java.util.Map;
import java.util.function.Function;

/**
 * Lambda entry point of the deployment lifecycle task (Deploy-Started, each phase's Started,
 * Deploy-Completed, the failure path), and of the rule that settles executions which ended
 * without a terminal event ({@link EndedExecutions}): JSON in, JSON out.
 */
public final class DeployLifecycleHandler extends TaskHandler {

    /** Used by the Lambda runtime: AWS adapters configured from the environment, and the priming hook. */
    public DeployLifecycleHandler() {
        super(Wiring.TASK, Wiring.CLIENTS, DeployLifecycleHandler::wire, dry -> { });
    }

    DeployLifecycleHandler(TaskFunction task) {
        super(task);
    }

    /**
     * This function's task over AWS: the event publishers, EventBridge, and Step Functions for the
     * histories of executions that ended without their terminal event (the SDKs in this function's
     * jar; nothing else may be named here). Task inputs go to the lifecycle; Step Functions' status
     * change events to {@link EndedExecutions}.
     */
    static TaskFunction wire(Map<String, String> env, AwsClients clients, Function<String, EventPublisher> publishers) {
        TaskFunction lifecycle = AwsPorts.functions(env, publishers, null, null, null).lifecycle();
        // Step Functions is named only inside the call: its classes load on the first status
        // change, not in every cold start of the lifecycle task (the client itself is cached)
        EndedExecutions ended = new EndedExecutions(arn -> SfnExecutions.create(clients).history(arn, 0), lifecycle);
        return input -> EndedExecutions.isStatusChange(input) ? ended.invoke(input) : lifecycle.invoke(input);
    }

    /** Built on the first construction (the cold start), once per JVM. */
    private static final class Wiring {
        static final AwsClients CLIENTS = AwsClients.fromEnvironment();
        static final TaskFunction TASK = wire(System.getenv(), CLIENTS, AwsPorts.eventBridgePublishers());
    }
}
