package com.smuscicd.local.backend;

import com.smuscicd.deploy.BundleArchive;
import com.smuscicd.deploy.BundleStore;
import com.smuscicd.deploy.S3Location;
import com.smuscicd.errors.PhaseFailure;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * A filesystem-backed S3: object {@code s3://bucket/key} is the file {@code <root>/<bucket>/<key>}.
 * Writes are atomic (temp file and move) and skipped when the same content is already there.
 */
public final class LocalObjectStore implements BundleStore {

    private final Path root;

    public LocalObjectStore(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    /** The directory holding the buckets. */
    public Path root() {
        return root;
    }

    /** The file behind an S3 location; rejects keys that would escape the root. */
    public Path fileOf(S3Location location) {
        Path file = root.resolve(location.bucket()).resolve(location.key()).normalize();
        if (!file.startsWith(root.resolve(location.bucket())) || location.key().isEmpty()) {
            throw new PhaseFailure("INVALID_S3_KEY", "invalid object key: " + location);
        }
        return file;
    }

    /** The object's one version: a directory keeps no others, so a named version is not found. */
    @Override
    public InputStream open(S3Location location, String versionId) {
        if (versionId != null) {
            throw new PhaseFailure("BUNDLE_NOT_FOUND", "no version " + versionId + " of " + location
                    + ": the local store keeps one version of each object");
        }
        try {
            return Files.newInputStream(fileOf(location));
        } catch (NoSuchFileException e) {
            throw new PhaseFailure("BUNDLE_NOT_FOUND", "no object at " + location);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public PutOutcome put(S3Location location, byte[] content, String sha256Hex) {
        Path file = fileOf(location);
        try {
            if (Files.isRegularFile(file) && Files.size(file) == content.length
                    && BundleArchive.sha256Hex(Files.readAllBytes(file)).equals(sha256Hex)) {
                return PutOutcome.UNCHANGED;
            }
            Files.createDirectories(file.getParent());
            Path temp = Files.createTempFile(file.getParent(), ".upload-", ".tmp");
            Files.write(temp, content);
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return PutOutcome.UPLOADED;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
