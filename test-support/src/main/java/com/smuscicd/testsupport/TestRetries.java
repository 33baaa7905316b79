package com.smuscicd.testsupport;

import java.util.function.Consumer;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.retries.api.RetryStrategy;

/**
 * SDK client settings for fault tests: the functions' retry strategy without its waits, and a count
 * of the attempts each operation made.
 */
public final class TestRetries {

    private TestRetries() {
    }

    /**
     * The SDK's standard retry strategy (the one the functions use: same attempts, same retryable
     * errors) with no backoff, so a test's retries run at once.
     */
    public static RetryStrategy standardWithoutBackoff() {
        return AwsRetryStrategy.standardRetryStrategy().toBuilder()
                .backoffStrategy(BackoffStrategy.retryImmediately())
                .throttlingBackoffStrategy(BackoffStrategy.retryImmediately())
                .build();
    }

    /** An interceptor giving {@code attempt} the operation name of every attempt, retries included, as it is sent. */
    public static ExecutionInterceptor countingAttempts(Consumer<String> attempt) {
        return new ExecutionInterceptor() {
            @Override
            public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
                attempt.accept(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME));
            }
        };
    }
}
