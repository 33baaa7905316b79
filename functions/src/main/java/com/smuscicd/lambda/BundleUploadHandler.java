package com.smuscicd.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.smuscicd.deploy.TaskFunction;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** Lambda entry point of the BundleUpload phase: JSON in, JSON out. */
public final class BundleUploadHandler implements RequestStreamHandler {

    private final TaskFunction task;

    /** Used by the Lambda runtime: AWS adapters configured from the environment. */
    public BundleUploadHandler() {
        this(AwsRuntime.functions().bundleUpload());
    }

    BundleUploadHandler(TaskFunction task) {
        this.task = task;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        LambdaJson.invoke(task, input, output);
    }
}
