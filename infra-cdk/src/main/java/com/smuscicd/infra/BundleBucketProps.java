package com.smuscicd.infra;

import java.util.Objects;
import software.amazon.awscdk.RemovalPolicy;

/**
 * Settings of {@link BundleBucket}.
 *
 * @param noncurrentVersionDays how long a replaced bundle version is kept
 * @param removalPolicy what {@code cdk destroy} does with the bucket
 */
public record BundleBucketProps(int noncurrentVersionDays, RemovalPolicy removalPolicy) {

    public BundleBucketProps {
        Objects.requireNonNull(removalPolicy, "removalPolicy");
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builder of {@link BundleBucketProps}. */
    public static final class Builder {
        private int noncurrentVersionDays = 30;
        private RemovalPolicy removalPolicy = RemovalPolicy.RETAIN;

        private Builder() {
        }

        public Builder noncurrentVersionDays(int value) {
            this.noncurrentVersionDays = value;
            return this;
        }

        public Builder removalPolicy(RemovalPolicy value) {
            this.removalPolicy = value;
            return this;
        }

        public BundleBucketProps build() {
            return new BundleBucketProps(noncurrentVersionDays, removalPolicy);
        }
    }
}
