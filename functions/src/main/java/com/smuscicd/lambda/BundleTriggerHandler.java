package com.smuscicd.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.smuscicd.aws.AwsClients;
import com.smuscicd.aws.AwsPorts;
import com.smuscicd.aws.S3BundleStore;
import com.smuscicd.aws.SfnExecutions;
import com.smuscicd.deploy.PublishableBuses;
import com.smuscicd.events.EventPublisher;
import com.smuscicd.json.Json;
import com.smuscicd.trigger.BundleTrigger;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import org.crac.Core;
import org.crac.Resource;

/**
 * Lambda entry point of upload-to-deploy: an S3 "Object Created" event from EventBridge in, the
 * {@link BundleTrigger.Outcome} out. Reads {@code STATE_MACHINE_ARN}, {@code EVENT_BUS_NAME} and
 * {@code EVENT_BUS_NAMES} (the buses this function may publish to, comma-separated; unset: not checked).
 */
public final class BundleTriggerHandler implements RequestStreamHandler, Resource {

    /** Priming: the sample run ends at its first S3 read (an empty bundle), so Step Functions gets its own call. */
    static final Consumer<AwsClients> MORE_PRIMING = dry -> dry.client(SfnExecutions.CLIENT).describeExecution(b -> b
            .executionArn("arn:aws:states:us-east-1:123456789012:execution:smus-cicd-deploy:priming"));

    private final BundleTrigger trigger;

    /**
     * Used by the Lambda runtime: AWS adapters configured from the environment. Registers the
     * SnapStart priming hook ({@link #beforeCheckpoint}); without SnapStart it never runs.
     */
    public BundleTriggerHandler() {
        this(TriggerHolder.TRIGGER);
        Core.getGlobalContext().register(this);
    }

    BundleTriggerHandler(BundleTrigger trigger) {
        this.trigger = trigger;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        LambdaJson.invoke(event -> Json.tree(trigger.handle(event)), input, output);
    }

    /**
     * The trigger over AWS: S3 (the bundle), Step Functions (the execution) and the event
     * publishers, the SDKs in this function's jar; nothing else may be named here.
     */
    static BundleTrigger wire(Map<String, String> env, AwsClients clients,
                              Function<String, EventPublisher> publisherForBus) {
        return wire(env, clients, publisherForBus, System.out::println);
    }

    /** As {@link #wire(Map, AwsClients, Function)}, with the one-line outcomes going to {@code log}. */
    static BundleTrigger wire(Map<String, String> env, AwsClients clients,
                              Function<String, EventPublisher> publisherForBus, Consumer<String> log) {
        String stateMachineArn = AwsPorts.stateMachineArn(env);
        S3BundleStore store = S3BundleStore.create(clients);
        SfnExecutions executions = SfnExecutions.create(clients);
        return BundleTrigger.create(store, store::userMetadata, (name, input) -> {
            SfnExecutions.Started started = executions.startOnce(stateMachineArn, name, input);
            return new BundleTrigger.StartedExecution(started.executionArn(), started.alreadyStarted());
        }, publisherForBus, AwsPorts.defaultBus(env), Clock.systemUTC(), AwsPorts.maxBundleBytes(env), log)
                .allowingBuses(PublishableBuses.of(env.get("EVENT_BUS_NAMES"), stateMachineArn));
    }

    /**
     * Before a SnapStart snapshot: handles a sample upload event over dry-run clients, logging
     * nothing (see {@link Priming}), then builds the real clients that used.
     */
    @Override
    public void beforeCheckpoint(org.crac.Context<? extends Resource> context) {
        Priming.prime(TriggerHolder.CLIENTS, "BundleTriggerHandler", (clients, publishers) -> {
            BundleTrigger dry = wire(System.getenv(), clients, publishers, line -> { });
            return event -> Json.tree(dry.handle(event));
        }, MORE_PRIMING);
    }

    @Override
    public void afterRestore(org.crac.Context<? extends Resource> context) {
        // nothing to renew: the SDK's credentials chain follows the restored sandbox's credentials
    }

    /** Built on the first construction (the cold start), once per JVM. */
    private static final class TriggerHolder {
        static final AwsClients CLIENTS = AwsClients.fromEnvironment();
        static final BundleTrigger TRIGGER = wire(System.getenv(), CLIENTS, AwsPorts.eventBridgePublishers());
    }
}
