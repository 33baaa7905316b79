package com.smuscicd.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.smuscicd.aws.AwsPorts;
import com.smuscicd.json.Json;
import com.smuscicd.trigger.BundleTrigger;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Lambda entry point of upload-to-deploy: an S3 "Object Created" event from EventBridge in, the
 * {@link BundleTrigger.Outcome} out. Reads {@code STATE_MACHINE_ARN} and {@code EVENT_BUS_NAME}.
 */
public final class BundleTriggerHandler implements RequestStreamHandler {

    private final BundleTrigger trigger;

    /** Used by the Lambda runtime: AWS adapters configured from the environment. */
    public BundleTriggerHandler() {
        this(TriggerHolder.TRIGGER);
    }

    BundleTriggerHandler(BundleTrigger trigger) {
        this.trigger = trigger;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        LambdaJson.invoke(event -> Json.tree(trigger.handle(event)), input, output);
    }

    private static final class TriggerHolder {
        static final BundleTrigger TRIGGER = AwsPorts.bundleTrigger();
    }
}
