package com.smuscicd.deploy;

import java.io.InputStream;

/**
 * Object storage for bundles and project files (S3 in the cloud, a directory offline).
 *
 * <p>Adapters translate transient failures (throttling, 5xx, I/O) into
 * {@link com.smuscicd.errors.RetryablePhaseException} and permanent ones (no such bucket, access
 * denied) into {@link com.smuscicd.errors.PhaseFailure} with a code.
 */
public interface BundleStore {

    /**
     * Opens the latest version of an object for reading; the caller closes the stream.
     *
     * @throws com.smuscicd.errors.PhaseFailure with code {@code BUNDLE_NOT_FOUND} if it does not exist
     */
    default InputStream open(S3Location location) {
        return open(location, null);
    }

    /**
     * Opens one version of an object for reading; the caller closes the stream. A store that keeps
     * no versions has only the latest, and no other version to give.
     *
     * @param versionId the version to read (an S3 version id); null: the latest
     * @throws com.smuscicd.errors.PhaseFailure with code {@code BUNDLE_NOT_FOUND} if the object, or
     *     that version of it, does not exist
     */
    InputStream open(S3Location location, String versionId);

    /**
     * Stores {@code content} at {@code location} unless an object with the same SHA-256 is already there.
     *
     * @param sha256Hex the lower-case hex SHA-256 of {@code content}
     * @return whether it was written or found unchanged
     */
    PutOutcome put(S3Location location, byte[] content, String sha256Hex);

    /** What {@link #put} did. */
    enum PutOutcome { UPLOADED, UNCHANGED }
}
