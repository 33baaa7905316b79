package com.smuscicd.infra;

import java.util.Objects;
import software.amazon.awscdk.CfnCondition;

/**
 * Settings of {@link EventArchive}.
 *
 * @param existingBucketName bucket to write to when {@code createBucket} is false (may be a parameter token)
 * @param createBucket condition under which the archive creates its own bucket
 * @param eventPrefix key prefix of the archive, ending in "/" (may be a parameter token)
 * @param retentionDays days before archived events expire, in a bucket the archive creates
 * @param bufferSeconds longest Firehose waits before writing a file
 * @param bufferMb largest file Firehose writes
 */
public record EventArchiveProps(
        String existingBucketName,
        CfnCondition createBucket,
        String eventPrefix,
        int retentionDays,
        int bufferSeconds,
        int bufferMb) {

    /** Where Firehose puts records it could not deliver, outside the archive prefix. */
    public static final String ERROR_PREFIX = "smus-cicd-delivery-errors/";

    public EventArchiveProps {
        Objects.requireNonNull(existingBucketName, "existingBucketName");
        Objects.requireNonNull(createBucket, "createBucket");
        Objects.requireNonNull(eventPrefix, "eventPrefix");
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builder of {@link EventArchiveProps}. */
    public static final class Builder {
        private String existingBucketName;
        private CfnCondition createBucket;
        private String eventPrefix = "smus-events/";
        private int retentionDays = 90;
        private int bufferSeconds = 60;
        private int bufferMb = 5;

        private Builder() {
        }

        public Builder existingBucketName(String value) {
            this.existingBucketName = value;
            return this;
        }

        public Builder createBucket(CfnCondition value) {
            this.createBucket = value;
            return this;
        }

        public Builder eventPrefix(String value) {
            this.eventPrefix = value;
            return this;
        }

        public Builder retentionDays(int value) {
            this.retentionDays = value;
            return this;
        }

        public Builder bufferSeconds(int value) {
            this.bufferSeconds = value;
            return this;
        }

        public Builder bufferMb(int value) {
            this.bufferMb = value;
            return this;
        }

        public EventArchiveProps build() {
            return new EventArchiveProps(existingBucketName, createBucket, eventPrefix, retentionDays,
                    bufferSeconds, bufferMb);
        }
    }
}
