package com.smuscicd.deploy;

import com.smuscicd.events.Stage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Uploads the bundle's storage content ({@code storage/<name>/...}) to the project's S3 location,
 * skipping objects whose content is already there.
 */
public final class BundleUploadPhase implements Phase {

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

    /** Opens the deployment's bundle and walks it with {@link BundleArchive#forEach}. */
    static void forEachEntry(BundleStore store, DeploymentInput.BundleRef bundle, long maxBytes,
                             Predicate<String> wantContent, Consumer<BundleArchive.Entry> onEntry) {
        try (InputStream in = store.open(S3Location.parse(bundle.location()))) {
            BundleArchive.forEach(in, maxBytes, wantContent, onEntry);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean isStorage(String entryName) {
        return entryName.startsWith(BundleArchive.STORAGE_PREFIX);
    }

    /** Running counts of the upload, updated from the entry callback. */
    private static final class Tally {
        int files;
        int uploaded;
        long bytes;
    }
}
