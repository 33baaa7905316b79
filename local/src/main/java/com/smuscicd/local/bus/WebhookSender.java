package com.smuscicd.local.bus;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * POSTs a target's payload to a webhook: up to {@link #MAX_ATTEMPTS} attempts, retrying only what may
 * succeed later (5xx, 429, I/O errors) after a short, doubling pause.
 */
final class WebhookSender {

    static final int MAX_ATTEMPTS = 3;
    static final Duration FIRST_BACKOFF = Duration.ofMillis(100);
    private static final int MAX_BODY_IN_ERROR = 200;

    private final HttpClient client;
    private final Duration timeout;
    private final Sleeper sleeper;

    WebhookSender(HttpClient client, Duration timeout, Sleeper sleeper) {
        this.client = client;
        this.timeout = timeout;
        this.sleeper = sleeper;
    }

    /** What became of one delivery. */
    record Outcome(boolean delivered, int attempts, String error) {
    }

    Outcome post(URI endpoint, String body, String contentType) {
        HttpRequest request = HttpRequest.newBuilder(endpoint)
                .timeout(timeout)
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                .build();
        String error = null;
        int attempts = 0;
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            try {
                if (attempt > 1) {
                    sleeper.sleep(FIRST_BACKOFF.multipliedBy(1L << (attempt - 2)));
                }
                attempts = attempt;
                HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
                int status = response.statusCode();
                if (status >= 200 && status < 300) {
                    return new Outcome(true, attempt, null);
                }
                error = "HTTP " + status + bodyExcerpt(response.body());
                if (status < 500 && status != 429) {
                    // The request itself is wrong (bad payload, revoked hook): sending it again cannot help.
                    return new Outcome(false, attempt, error);
                }
            } catch (IOException e) {
                error = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Outcome(false, attempts, (error == null ? "" : error + "; ") + "interrupted");
            }
        }
        return new Outcome(false, MAX_ATTEMPTS, error);
    }

    private static String bodyExcerpt(String body) {
        if (body == null || body.isBlank()) {
            return "";
        }
        String oneLine = body.strip().replaceAll("\\s+", " ");
        return ": " + (oneLine.length() > MAX_BODY_IN_ERROR ? oneLine.substring(0, MAX_BODY_IN_ERROR) + "…" : oneLine);
    }
}
