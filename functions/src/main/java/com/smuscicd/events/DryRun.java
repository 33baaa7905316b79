package com.smuscicd.events;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.utils.AttributeMap;

/**
 * AWS SDK calls that go through the whole client pipeline (parameter checks, marshalling,
 * endpoint rules, signing, retries' bookkeeping, response handling) without a network: the HTTP
 * client answers every request itself with {@code 200 {}}, an empty answer every JSON protocol
 * reads. Used to prime a function before Lambda SnapStart takes its snapshot: the classes and code
 * paths of its first calls are then loaded and warm in every restored copy, and nothing reached
 * AWS. What the code under priming makes of the empty answers (often a failure) does not matter.
 */
public final class DryRun {

    private static final byte[] EMPTY_JSON = "{}".getBytes(StandardCharsets.UTF_8);

    /**
     * Fixed credentials for dry-run clients, so priming signs requests without fetching real
     * credentials (from the container endpoint in Lambda, or IMDS elsewhere).
     */
    public static final AwsCredentialsProvider CREDENTIALS =
            StaticCredentialsProvider.create(AwsBasicCredentials.create("dry-run", "dry-run"));

    /** An HTTP client that sends nothing and answers {@code 200 {}}. */
    public static final SdkHttpClient HTTP_CLIENT = new SdkHttpClient() {
        @Override
        public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
            return new ExecutableHttpRequest() {
                @Override
                public HttpExecuteResponse call() {
                    return HttpExecuteResponse.builder()
                            .response(SdkHttpResponse.builder().statusCode(200)
                                    .putHeader("Content-Type", "application/json")
                                    .putHeader("Content-Length", String.valueOf(EMPTY_JSON.length))
                                    .build())
                            .responseBody(AbortableInputStream.create(new ByteArrayInputStream(EMPTY_JSON)))
                            .build();
                }

                @Override
                public void abort() {
                    // nothing in flight
                }
            };
        }

        @Override
        public String clientName() {
            return "DryRun";
        }

        @Override
        public void close() {
            // shared, holds nothing
        }
    };

    private DryRun() {
    }

    /**
     * Makes {@code builder}'s client a dry-run one: {@link #HTTP_CLIENT} instead of a network, and
     * {@link #CREDENTIALS}, so no credentials are fetched either (signing still runs).
     */
    public static <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> B configure(B builder) {
        builder.httpClientBuilder(new HttpClientBuilder()).credentialsProvider(CREDENTIALS);
        return builder;
    }

    private static final class HttpClientBuilder implements SdkHttpClient.Builder<HttpClientBuilder> {
        @Override
        public SdkHttpClient buildWithDefaults(AttributeMap serviceDefaults) {
            return HTTP_CLIENT;
        }
    }

    /**
     * Runs {@code action}, whose outcome does not matter (the empty answers often make it fail):
     * any runtime exception is an expected end, not an error.
     */
    public static void run(Runnable action) {
        try {
            action.run();
        } catch (RuntimeException expected) {
            // the code under priming failed on an empty answer: nothing to do
        }
    }
}
