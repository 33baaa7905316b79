package com.smuscicd.deploy;

import com.smuscicd.events.Stage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
        int files = 0;
        int uploaded = 0;
        long bytes = 0;
        if (bundle != null) {
            for (BundleArchive.Entry entry : readBundle(store, bundle, maxBundleBytes)) {
                if (!entry.name().startsWith(BundleArchive.STORAGE_PREFIX)) {
                    continue;
                }
                String relative = entry.name().substring(BundleArchive.STORAGE_PREFIX.length());
                BundleStore.PutOutcome outcome = store.put(project.s3Location().resolve(relative), entry.content(),
                        entry.sha256Hex());
                files++;
                bytes += entry.content().length;
                if (outcome == BundleStore.PutOutcome.UPLOADED) {
                    uploaded++;
                }
            }
        }
        Map<String, Object> details = new LinkedHashMap<>();
        if (bundle != null) {
            details.put("bundleLocation", bundle.location());
            details.put("digest", bundle.digest());
        }
        details.put("destination", project.s3Location().toString());
        details.put("files", files);
        details.put("bytes", bytes);
        details.put("uploaded", uploaded);
        details.put("unchanged", files - uploaded);
        return details;
    }

    static List<BundleArchive.Entry> readBundle(BundleStore store, DeploymentInput.BundleRef bundle, long maxBytes) {
        try (InputStream in = store.open(S3Location.parse(bundle.location()))) {
            return BundleArchive.read(in, maxBytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
