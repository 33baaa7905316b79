package com.smuscicd.deploy;

import com.smuscicd.errors.PhaseFailure;
import com.smuscicd.events.Stage;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Uploads the bundle's storage content ({@code storage/<name>/...}) to the project's S3 location,
 * skipping objects whose content is already there.
 *
 * <p>The bundle read is the one the deployment was started with: the version its input names, and
 * only content with its digest and size; other content fails the phase with
 * {@value #BUNDLE_CHANGED} (not retried). The check needs the whole bundle, and storage files are
 * uploaded as they are read, so other content of the same size or shorter fails only after the
 * files before its end were written. A named version cannot change, so only a key without one (a
 * bucket without versioning) or an input whose digest is not its version's gets that far.
 */
public final class BundleUploadPhase implements Phase {

    /** The error code of a bundle whose content is not the one the deployment was started with. */
    public static final String BUNDLE_CHANGED = "BUNDLE_CHANGED";

    private final BundleStore store;
    private final long maxBundleBytes;

    public BundleUploadPhase(BundleStore store, long maxBundleBytes) {
        this.store = store;
        this.maxBundleBytes = maxBundleBytes;
    }

    @Override
    public Stage stage() {
        return Stage.BUNDLE_UPLOAD;
    }

    @Override
    public Map<String, Object> run(TaskInput task) {
        ProjectContext project = ProjectContext.of(task);
        DeploymentInput.BundleRef bundle = task.deployment().bundle();
        Tally tally = new Tally();
        if (bundle != null) {
            // One pass, one storage entry in memory at a time: each is uploaded as soon as it is read.
            forEachEntry(store, bundle, maxBundleBytes, BundleUploadPhase::isStorage, entry -> {
                if (!entry.hasContent()) {
                    return;
                }
                String relative = entry.name().substring(BundleArchive.STORAGE_PREFIX.length());
                BundleStore.PutOutcome outcome = store.put(project.s3Location().resolve(relative), entry.content(),
                        entry.sha256Hex());
                tally.files++;
                tally.bytes += entry.content().length;
                if (outcome == BundleStore.PutOutcome.UPLOADED) {
                    tally.uploaded++;
                }
            });
        }
        Map<String, Object> details = new LinkedHashMap<>();
        if (bundle != null) {
            details.put("bundleLocation", bundle.location());
            details.put("digest", bundle.digest());
        }
        details.put("destination", project.s3Location().toString());
        details.put("files", tally.files);
        details.put("bytes", tally.bytes);
        details.put("uploaded", tally.uploaded);
        details.put("unchanged", tally.files - tally.uploaded);
        return details;
    }

    /**
     * Opens the deployment's bundle, at the version it names, walks it with
     * {@link BundleArchive#forEach}, and checks that what was read is the bundle the deployment was
     * started with: its digest and size, as the CLI or the trigger recorded them when they checked
     * it. Content that is longer fails as soon as it is, other content once it is read to its end.
     * A bundle that is unreadable because it is not that bundle fails as changed, not as invalid.
     *
     * @throws PhaseFailure {@value #BUNDLE_CHANGED} when the content read is not that bundle (the
     *     key overwritten, on a bucket or store without versions, or an input whose digest is not
     *     its object's); a non-retryable code, since reading again cannot bring the checked bundle back
     */
    static void forEachEntry(BundleStore store, DeploymentInput.BundleRef bundle, long maxBytes,
                             Predicate<String> wantContent, Consumer<BundleArchive.Entry> onEntry) {
        try (InputStream raw = store.open(S3Location.parse(bundle.location()), bundle.versionId());
             CheckedBundleStream in = new CheckedBundleStream(raw, bundle)) {
            try {
                BundleArchive.forEach(in.unclosable(), maxBytes, wantContent, onEntry);
            } catch (PhaseFailure e) {
                if ("BUNDLE_INVALID".equals(e.code()) || "BUNDLE_TOO_LARGE".equals(e.code())) {
                    in.requireTheBundle(e);
                }
                throw e;
            }
            in.requireTheBundle(null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean isStorage(String entryName) {
        return entryName.startsWith(BundleArchive.STORAGE_PREFIX);
    }

    /**
     * The bundle as it is read, digested and counted, failing with {@value #BUNDLE_CHANGED} as soon
     * as it is longer than the deployment's bundle. Closing it closes the object's stream. A bundle
     * reference without a digest (no input the CLI or the trigger makes) has nothing to check against.
     */
    private static final class CheckedBundleStream extends FilterInputStream {

        private final DeploymentInput.BundleRef bundle;
        private final MessageDigest digest = BundleArchive.newSha256();
        private long count;

        CheckedBundleStream(InputStream in, DeploymentInput.BundleRef bundle) {
            super(in);
            this.bundle = bundle;
        }

        /** This stream, for a reader that closes what it reads (the zip reader) before the end is checked. */
        InputStream unclosable() {
            return new FilterInputStream(this) {
                @Override
                public void close() {
                }
            };
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) <= 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int off, int len) throws IOException {
            int n = super.read(buffer, off, len);
            if (n > 0) {
                digest.update(buffer, off, n);
                count += n;
                if (bundle.digest() != null && count > bundle.bytes()) {
                    throw changed("more than " + bundle.bytes() + " bytes", null);
                }
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            // Through read, so skipped bytes are digested and counted too.
            return Math.max(0, read(new byte[(int) Math.min(Math.max(n, 0), 8192)]));
        }

        /**
         * Reads what the zip reader left (the central directory) and fails unless the whole object
         * is the deployment's bundle.
         *
         * @param failure what reading the content failed with, if anything: kept as the cause
         */
        void requireTheBundle(PhaseFailure failure) throws IOException {
            byte[] buffer = new byte[8192];
            while (read(buffer, 0, buffer.length) >= 0) {
                // digested and counted by read
            }
            String read = "sha256:" + HexFormat.of().formatHex(digest.digest());
            if (bundle.digest() != null && (count != bundle.bytes() || !read.equals(bundle.digest()))) {
                throw changed(count + " bytes with digest " + read, failure);
            }
        }

        private PhaseFailure changed(String read, PhaseFailure failure) {
            String why = bundle.versionId() == null
                    ? "the key was overwritten since the bundle was checked"
                    : "the deployment input's digest or size is not that version's";
            return new PhaseFailure(BUNDLE_CHANGED, bundle.location()
                    + (bundle.versionId() == null ? "" : " (version " + bundle.versionId() + ")")
                    + " is not the bundle this deployment was started with (" + bundle.bytes()
                    + " bytes with digest " + bundle.digest() + "): it holds " + read + "; " + why, failure);
        }
    }

    /** Running counts of the upload, updated from the entry callback. */
    private static final class Tally {
        int files;
        int uploaded;
        long bytes;
    }
}
