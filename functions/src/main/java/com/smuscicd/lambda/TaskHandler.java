package com.smuscicd.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.smuscicd.aws.AwsClients;
import com.smuscicd.deploy.TaskFunction;
import com.smuscicd.events.EventPublisher;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import org.crac.Core;
import org.crac.Resource;

/**
 * What the state machine's task functions share: the task run on the raw JSON streams, and the
 * SnapStart priming hook ({@link #beforeCheckpoint}, see {@link Priming}). Each function's class
 * keeps its own wiring, so its jar holds only the SDKs it names.
 */
public abstract class TaskHandler implements RequestStreamHandler, Resource {

    /** How a function wires its task from the environment, the clients and the event publishers. */
    @FunctionalInterface
    interface Wire {
        TaskFunction wire(Map<String, String> env, AwsClients clients, Function<String, EventPublisher> publishers);
    }

    private final TaskFunction task;
    private final AwsClients clients;
    private final Wire wire;
    private final Consumer<AwsClients> morePriming;

    /** For tests: the task only, no priming hook. */
    TaskHandler(TaskFunction task) {
        this.task = task;
        this.clients = null;
        this.wire = null;
        this.morePriming = null;
    }

    /**
     * As the Lambda runtime builds a function: its task over {@code clients}, and the priming hook
     * registered with CRaC (it runs only when SnapStart takes a snapshot).
     *
     * @param morePriming dry calls of clients the sample run cannot reach ({@link Priming})
     */
    TaskHandler(TaskFunction task, AwsClients clients, Wire wire, Consumer<AwsClients> morePriming) {
        this.task = task;
        this.clients = clients;
        this.wire = wire;
        this.morePriming = morePriming;
        Core.getGlobalContext().register(this);
    }

    @Override
    public final void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        LambdaJson.invoke(task, input, output);
    }

    /** Before a SnapStart snapshot: runs this task once without sending anything ({@link Priming}). */
    @Override
    public final void beforeCheckpoint(org.crac.Context<? extends Resource> context) {
        if (clients != null) {
            Priming.prime(clients, getClass().getSimpleName(),
                    (dry, publishers) -> wire.wire(System.getenv(), dry, publishers), morePriming);
        }
    }

    @Override
    public final void afterRestore(org.crac.Context<? extends Resource> context) {
        // nothing to renew: the SDK's credentials chain follows the restored sandbox's credentials
    }
}
