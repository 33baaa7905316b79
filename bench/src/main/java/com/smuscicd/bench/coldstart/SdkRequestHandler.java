package com.smuscicd.bench.coldstart;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.smuscicd.aws.AwsClients;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;

/**
 * The cold-start floor of a handler that calls AWS once through the AWS SDK for Java v2: it reads
 * its input, builds an EventBridge client with the functions' own client settings
 * ({@link AwsClients#configure}: URL-connection HTTP client, region from {@code AWS_REGION},
 * default credentials, endpoint from {@code AWS_ENDPOINT_URL}) and sends the same one-entry
 * {@code PutEvents} as {@link OneRequestHandler}, signed, then answers {@code {}}. No Jackson and
 * none of the project's event code: what is left between this and {@link OneRequestHandler} is
 * the SDK's own cost at a cold start, which every phase handler pays at least once.
 */
public final class SdkRequestHandler implements RequestStreamHandler {

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        input.readAllBytes();
        try (EventBridgeClient eventBridge = AwsClients.configure(EventBridgeClient.builder(),
                AwsClients.fromEnvironment().region(), null, null).build()) {
            PutEventsResponse response = eventBridge.putEvents(r -> r.entries(PutEventsRequestEntry.builder()
                    .source("com.amazon.smus.cicd.bench").detailType("SMUS-CICD-Bench-SdkRequest").detail("{}")
                    .build()));
            if (response.failedEntryCount() != 0) {
                throw new IOException("PutEvents failed: " + response.entries());
            }
        }
        output.write("{}".getBytes(StandardCharsets.UTF_8));
    }
}
