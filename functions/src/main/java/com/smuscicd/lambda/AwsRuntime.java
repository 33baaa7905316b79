package com.smuscicd.lambda;

import com.smuscicd.aws.AwsPorts;
import com.smuscicd.deploy.DeployFunctions;

/**
 * The AWS wiring of this process, built once on the first invocation's cold start (the JVM
 * initialises a nested holder class only when it is first used).
 */
final class AwsRuntime {

    private AwsRuntime() {
    }

    static DeployFunctions functions() {
        return FunctionsHolder.FUNCTIONS;
    }

    private static final class FunctionsHolder {
        static final DeployFunctions FUNCTIONS = AwsPorts.fromEnvironment();
    }
}
