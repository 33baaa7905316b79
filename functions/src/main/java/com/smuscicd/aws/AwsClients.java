package com.smuscicd.aws;

import com.smuscicd.events.DryRun;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;

/**
 * The AWS SDK clients of one process, each built on first use and then reused (they are
 * thread-safe), so a Lambda cold start pays only for the clients its handler needs.
 *
 * <p>This class names no service: each adapter declares its client as a {@link Service} (S3 in
 * {@link S3BundleStore}, DataZone in {@link DataZoneClientGateway}, ...). That keeps every
 * function's jar free of the SDKs it does not call: a function that never touches DataZone ships
 * without the DataZone SDK, and nothing on its code path can reach for it.
 *
 * <p>Every client uses the URL-connection HTTP client (no Apache, no Netty), the SDK's standard
 * retry strategy, an explicit region ({@code AWS_REGION}, which Lambda always sets, else the SDK's
 * default region chain), the default credentials chain, and no endpoint override: the SDK's own
 * {@code AWS_ENDPOINT_URL} and {@code AWS_ENDPOINT_URL_<SERVICE>} settings apply, so the same code
 * reaches AWS or a local emulator.
 */
public final class AwsClients {

    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);
    static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(60);

    private final Region region;
    private final URI endpointOverride;
    private final AwsCredentialsProvider credentials;
    private final boolean dryRun;
    private final Map<Key, Built> clients = new ConcurrentHashMap<>();

    /**
     * One kind of client: a name (the cache key) and how to make its builder.
     *
     * @param <C> the client type
     */
    public static final class Service<C> {
        private final String name;
        private final BiFunction<AwsClients, Region, C> factory;

        private Service(String name, BiFunction<AwsClients, Region, C> factory) {
            this.name = name;
            this.factory = factory;
        }

        /** The name the client is cached under. */
        public String name() {
            return name;
        }
    }

    private record Key(String service, Region region) {
    }

    /** A client, with what it was asked for as (so a dry run's clients can be rebuilt for real). */
    private record Built(Object client, Service<?> service, String regionName) {
    }

    private AwsClients(Region region, URI endpointOverride, AwsCredentialsProvider credentials,
                       boolean dryRun) {
        this.region = region;
        this.endpointOverride = endpointOverride;
        this.credentials = credentials;
        this.dryRun = dryRun;
    }

    /** Clients configured from the environment: {@code AWS_REGION} if set, else the SDK's region chain. */
    public static AwsClients fromEnvironment() {
        return create(regionFrom(System.getenv()));
    }

    /** Clients in {@code region} (null: the SDK's default region chain). */
    public static AwsClients create(Region region) {
        return new AwsClients(region, null, null, false);
    }

    /** For tests: every client pointed at one endpoint (moto, a stub) with fixed credentials. */
    static AwsClients forEndpoint(URI endpoint, Region region, AwsCredentialsProvider credentials) {
        return new AwsClients(Objects.requireNonNull(region, "region"), Objects.requireNonNull(endpoint, "endpoint"),
                credentials, false);
    }

    /**
     * Declares a kind of client; {@code builder} makes a fresh builder, to which the shared
     * configuration ({@link #configure}) is applied.
     */
    public static <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> Service<C> service(
            String name, Supplier<B> builder) {
        Objects.requireNonNull(builder, "builder");
        return new Service<>(Objects.requireNonNull(name, "name"),
                (clients, in) -> {
                    B configured = configure(builder.get(), in, clients.endpointOverride, clients.credentials);
                    return (clients.dryRun ? DryRun.configure(configured) : configured).build();
                });
    }

    /** The region of {@code AWS_REGION} (or {@code AWS_DEFAULT_REGION}); null when neither is set. */
    static Region regionFrom(Map<String, String> env) {
        for (String name : new String[] {"AWS_REGION", "AWS_DEFAULT_REGION"}) {
            String value = env.get(name);
            if (value != null && !value.isBlank()) {
                return Region.of(value.trim());
            }
        }
        return null;
    }

    /** The configured region; null when left to the SDK's default chain. */
    public Region region() {
        return region;
    }

    /** The client of {@code service} in this process's region. */
    public <C> C client(Service<C> service) {
        return client(service, null);
    }

    /**
     * The client of {@code service} in a region (a domain, and so its project's workflows, may live
     * in another region than the orchestrator); null or blank: this process's region.
     */
    @SuppressWarnings("unchecked")
    public <C> C client(Service<C> service, String regionName) {
        Region target = regionName == null || regionName.isBlank() ? region : Region.of(regionName.trim());
        // No region anywhere in our configuration: the SDK's chain decides, once (AWS_GLOBAL keys that client).
        Key key = new Key(service.name, target == null ? Region.AWS_GLOBAL : target);
        return (C) clients.computeIfAbsent(key, k -> new Built(service.factory.apply(this, target), service, regionName))
                .client();
    }

    /**
     * Clients configured like these whose requests go through the SDK's whole pipeline but are
     * answered without a network ({@link DryRun}): for priming a function before a Lambda SnapStart
     * snapshot.
     */
    public AwsClients dryRun() {
        return new AwsClients(region, endpointOverride, credentials, true);
    }

    /** The names of the services whose clients were asked for, e.g. {@code [s3]}: for diagnostics and tests. */
    public Set<String> servicesUsed() {
        Set<String> names = new TreeSet<>();
        clients.values().forEach(built -> names.add(built.service().name()));
        return names;
    }

    /** Builds here every client that {@code other} built (e.g. a dry run's), so they exist before a snapshot. */
    public void buildClientsOf(AwsClients other) {
        other.clients.values().forEach(built -> client(built.service(), built.regionName()));
    }

    /**
     * The shared configuration of every client: URL-connection HTTP client, standard retries,
     * region if known, credentials and endpoint only when given (tests).
     */
    public static <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> B configure(
            B builder, Region region, URI endpointOverride, AwsCredentialsProvider credentials) {
        builder.httpClientBuilder(UrlConnectionHttpClient.builder()
                        .connectionTimeout(CONNECT_TIMEOUT)
                        .socketTimeout(SOCKET_TIMEOUT))
                .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.standardRetryStrategy()));
        if (region != null) {
            builder.region(region);
        }
        if (endpointOverride != null) {
            builder.endpointOverride(endpointOverride);
        }
        if (credentials != null) {
            builder.credentialsProvider(credentials);
        }
        return builder;
    }
}
