package com.smuscicd.local.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.smuscicd.deploy.BundleArchive;
import com.smuscicd.deploy.S3Location;
import com.smuscicd.errors.PhaseFailure;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local store keeps one version of each object: the latest is read, a named version is not found. */
class LocalObjectStoreTest {

    private static final S3Location BUNDLE = S3Location.parse("s3://smus-local-bundles/MyPipeline/prod/bundle.zip");

    @TempDir
    Path root;

    @Test
    void open_withoutAVersion_readsTheObject() throws IOException {
        LocalObjectStore store = new LocalObjectStore(root);
        byte[] content = "zip".getBytes(StandardCharsets.UTF_8);
        store.put(BUNDLE, content, BundleArchive.sha256Hex(content));

        try (InputStream in = store.open(BUNDLE, null)) {
            assertThat(in.readAllBytes()).isEqualTo(content);
        }
    }

    @Test
    void open_whenAVersionIsNamed_failsAsNotFoundNamingIt() {
        LocalObjectStore store = new LocalObjectStore(root);
        byte[] content = "zip".getBytes(StandardCharsets.UTF_8);
        store.put(BUNDLE, content, BundleArchive.sha256Hex(content));

        assertThatThrownBy(() -> store.open(BUNDLE, "3HL4kqtJlcpXroDTDmJ"))
                .isInstanceOf(PhaseFailure.class)
                .hasMessageContaining("3HL4kqtJlcpXroDTDmJ")
                .satisfies(e -> assertThat(((PhaseFailure) e).code()).isEqualTo("BUNDLE_NOT_FOUND"));
    }
}
