package com.smuscicd.bench.coldstart;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * The cold-start floor of a handler that calls AWS once: it reads its input and makes one
 * EventBridge {@code PutEvents} request to {@code AWS_ENDPOINT_URL} with the JDK's own HTTP client,
 * no SDK, no JSON library, no signature (moto does not check it), then answers {@code {}}. The
 * emulator does the same work for it as for {@code DeployLifecycleHandler}'s one event (match the
 * rule, deliver to the queue), so the difference between the two is what the SDK, Jackson and the
 * project's code cost at a cold start; the difference between this and {@link TrivialHandler} is
 * one round trip from a fresh JVM, which no handler that calls AWS can avoid.
 */
public final class OneRequestHandler implements RequestStreamHandler {

    private static final String BODY = "{\"Entries\":[{\"Source\":\"com.amazon.smus.cicd.bench\","
            + "\"DetailType\":\"SMUS-CICD-Bench-OneRequest\",\"Detail\":\"{}\"}]}";

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        input.readAllBytes();
        String endpoint = System.getenv("AWS_ENDPOINT_URL");
        if (endpoint == null || endpoint.isBlank()) {
            throw new IllegalStateException("AWS_ENDPOINT_URL is not set: this baseline only runs against an emulator");
        }
        HttpURLConnection connection = (HttpURLConnection) URI.create(endpoint).toURL().openConnection();
        connection.setRequestMethod("POST");
        connection.setDoOutput(true);
        connection.setRequestProperty("Content-Type", "application/x-amz-json-1.1");
        connection.setRequestProperty("X-Amz-Target", "AWSEvents.PutEvents");
        connection.setRequestProperty("Authorization", "AWS4-HMAC-SHA256 Credential=testing/20251104/"
                + System.getenv().getOrDefault("AWS_REGION", "us-east-1") + "/events/aws4_request, "
                + "SignedHeaders=host, Signature=0");
        try (OutputStream body = connection.getOutputStream()) {
            body.write(BODY.getBytes(StandardCharsets.UTF_8));
        }
        int status = connection.getResponseCode();
        try (InputStream response = status < 400 ? connection.getInputStream() : connection.getErrorStream()) {
            String text = response == null ? "" : new String(response.readAllBytes(), StandardCharsets.UTF_8);
            if (status != 200 || !text.contains("\"FailedEntryCount\": 0") && !text.contains("\"FailedEntryCount\":0")) {
                throw new IOException("PutEvents answered " + status + ": " + text);
            }
        }
        output.write("{}".getBytes(StandardCharsets.UTF_8));
    }
}
