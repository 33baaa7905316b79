package com.smuscicd.deploy;

/**
 * An S3 object or prefix, {@code s3://bucket/key}. The local backends use the same addresses.
 */
public record S3Location(String bucket, String key) {

    public S3Location {
        if (bucket == null || bucket.isBlank()) {
            throw new IllegalArgumentException("S3 location needs a bucket");
        }
        key = key == null ? "" : key;
    }

    /** Parses {@code s3://bucket/key}. */
    public static S3Location parse(String uri) {
        if (uri == null || !uri.startsWith("s3://")) {
            throw new IllegalArgumentException("not an s3:// location: " + uri);
        }
        String rest = uri.substring("s3://".length());
        int slash = rest.indexOf('/');
        return slash < 0 ? new S3Location(rest, "") : new S3Location(rest.substring(0, slash), rest.substring(slash + 1));
    }

    /** This location with {@code relative} appended as a key below it (a '/' is inserted if needed). */
    public S3Location resolve(String relative) {
        if (key.isEmpty()) {
            return new S3Location(bucket, relative);
        }
        return new S3Location(bucket, key.endsWith("/") ? key + relative : key + "/" + relative);
    }

    @Override
    public String toString() {
        return "s3://" + bucket + "/" + key;
    }
}
