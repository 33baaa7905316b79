package com.smuscicd.aws;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.datazone.DataZoneClient;
import software.amazon.awssdk.services.mwaaserverless.MwaaServerlessClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sfn.SfnClient;

/**
 * The AWS SDK clients of one process, each built on first use and then reused (they are
 * thread-safe), so a Lambda cold start pays only for the clients its handler needs.
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
    // A project's bucket lives in its domain's region, which may not be ours: let the SDK follow the
    // bucket's region (301/redirect) instead of failing, so one S3 client serves every target.
    private final Supplier<S3Client> s3 =
            memoize(() -> build(S3Client.builder().crossRegionAccessEnabled(true), region()));
    private final Supplier<SfnClient> sfn = memoize(() -> build(SfnClient.builder(), region()));
    private final Map<Region, MwaaServerlessClient> mwaaServerless = new ConcurrentHashMap<>();
    private final Map<Region, DataZoneClient> dataZone = new ConcurrentHashMap<>();

    private AwsClients(Region region, URI endpointOverride, AwsCredentialsProvider credentials) {
        this.region = region;
        this.endpointOverride = endpointOverride;
        this.credentials = credentials;
    }

    /** Clients configured from the environment: {@code AWS_REGION} if set, else the SDK's region chain. */
    public static AwsClients fromEnvironment() {
        return create(regionFrom(System.getenv()));
    }

    /** Clients in {@code region} (null: the SDK's default region chain). */
    public static AwsClients create(Region region) {
        return new AwsClients(region, null, null);
    }

    /** For tests: every client pointed at one endpoint (moto, a stub) with fixed credentials. */
    static AwsClients forEndpoint(URI endpoint, Region region, AwsCredentialsProvider credentials) {
        return new AwsClients(Objects.requireNonNull(region, "region"), Objects.requireNonNull(endpoint, "endpoint"),
                credentials);
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

    public S3Client s3() {
        return s3.get();
    }

    public SfnClient sfn() {
        return sfn.get();
    }

    /**
     * The MWAA Serverless client of a region (a project's workflows run in its domain's region);
     * null or blank: this process's region.
     */
    public MwaaServerlessClient mwaaServerless(String regionName) {
        return perRegion(mwaaServerless, regionName, MwaaServerlessClient::builder);
    }

    /** The DataZone client of a region (a domain lives in one region, which may not be this one). */
    public DataZoneClient dataZone(String regionName) {
        return perRegion(dataZone, regionName, DataZoneClient::builder);
    }

    private <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C perRegion(
            Map<Region, C> clients, String regionName, Supplier<B> builder) {
        Region target = regionName == null || regionName.isBlank() ? region : Region.of(regionName.trim());
        if (target == null) {
            // No region anywhere in our configuration: let the SDK's chain decide, once.
            return clients.computeIfAbsent(Region.AWS_GLOBAL, r -> build(builder.get(), null));
        }
        return clients.computeIfAbsent(target, r -> build(builder.get(), r));
    }

    private <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C build(B builder, Region in) {
        configure(builder, in, endpointOverride, credentials);
        return builder.build();
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

    private static <T> Supplier<T> memoize(Supplier<T> factory) {
        return new Supplier<>() {
            private volatile T value;

            @Override
            public T get() {
                T result = value;
                if (result == null) {
                    synchronized (this) {
                        result = value;
                        if (result == null) {
                            result = factory.get();
                            value = result;
                        }
                    }
                }
                return result;
            }
        };
    }
}
