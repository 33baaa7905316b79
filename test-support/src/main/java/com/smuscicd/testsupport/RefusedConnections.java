package com.smuscicd.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiPredicate;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.utils.AttributeMap;

/**
 * Refused connections for fault tests. A closed port refuses every request; {@link #refusing}
 * refuses chosen attempts only (a service out of reach for a while), by sending them to a closed
 * port through the real HTTP client, so the SDK meets a real refused connection and retries it as
 * it would in AWS.
 */
public final class RefusedConnections {

    private RefusedConnections() {
    }

    /** A local port nothing listens on: connections to it are refused. */
    public static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * {@code http}'s clients, sending the attempts {@code refuse} accepts to a closed port instead
     * of their endpoint. {@code refuse} is given the operation (for the JSON protocol services,
     * Step Functions say, what the {@code X-Amz-Target} header names after the dot, e.g.
     * {@code DescribeExecution}; else the empty string) and the number of the attempt among that
     * operation's, from 1, SDK retries included.
     */
    public static SdkHttpClient.Builder<?> refusing(SdkHttpClient.Builder<?> http,
                                                   BiPredicate<String, Integer> refuse) {
        return new Builder(http, refuse);
    }

    private record Builder(SdkHttpClient.Builder<?> http, BiPredicate<String, Integer> refuse)
            implements SdkHttpClient.Builder<Builder> {

        @Override
        public SdkHttpClient buildWithDefaults(AttributeMap serviceDefaults) {
            return new Refusing(http.buildWithDefaults(serviceDefaults), refuse, closedPort());
        }
    }

    private static final class Refusing implements SdkHttpClient {

        private final SdkHttpClient http;
        private final BiPredicate<String, Integer> refuse;
        private final int closedPort;
        private final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();

        Refusing(SdkHttpClient http, BiPredicate<String, Integer> refuse, int closedPort) {
            this.http = http;
            this.refuse = refuse;
            this.closedPort = closedPort;
        }

        @Override
        public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
            String operation = request.httpRequest().firstMatchingHeader("X-Amz-Target")
                    .map(target -> target.substring(target.indexOf('.') + 1)).orElse("");
            int attempt = attempts.computeIfAbsent(operation, k -> new AtomicInteger()).incrementAndGet();
            if (!refuse.test(operation, attempt)) {
                return http.prepareRequest(request);
            }
            return http.prepareRequest(HttpExecuteRequest.builder()
                    .request(request.httpRequest().toBuilder().host("127.0.0.1").port(closedPort).build())
                    .contentStreamProvider(request.contentStreamProvider().orElse(null))
                    .metricCollector(request.metricCollector().orElse(null))
                    .build());
        }

        @Override
        public String clientName() {
            return http.clientName();
        }

        @Override
        public void close() {
            http.close();
        }
    }
}
