package com.smuscicd.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.smuscicd.errors.InvalidManifestException;
import com.smuscicd.errors.PhaseFailure;
import com.smuscicd.manifest.ManifestLoader;
import com.smuscicd.manifest.PipelineManifest;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad bundles are explained, never thrown as I/O errors; packing never follows links out of the content. */
class BundleSafetyTest {

    @TempDir
    Path dir;

    private static byte[] zipOf(String name, String content) {
        TreeMap<String, byte[]> entries = new TreeMap<>();
        entries.put(name, content.getBytes(StandardCharsets.UTF_8));
        return BundleArchive.write(entries);
    }

    @Test
    void read_whenZipIsTruncated_failsWithBundleInvalid() {
        byte[] zip = zipOf("pipeline.yaml", "pipelineName: x\n".repeat(200));
        byte[] truncated = Arrays.copyOf(zip, zip.length / 2);

        assertThatThrownBy(() -> BundleArchive.read(new ByteArrayInputStream(truncated), 1 << 20))
                .isInstanceOf(PhaseFailure.class)
                .satisfies(e -> assertThat(((PhaseFailure) e).code()).isEqualTo("BUNDLE_INVALID"));
    }

    @Test
    void read_whenAnEntryNameIsNotUtf8_failsWithBundleInvalid() {
        byte[] zip = zipOf("abcd.txt", "x");
        // Patch the name bytes in both the local header and the central directory to an invalid UTF-8 sequence.
        byte[] name = "abcd".getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i + name.length <= zip.length; i++) {
            if (Arrays.equals(Arrays.copyOfRange(zip, i, i + name.length), name)) {
                zip[i] = (byte) 0xC3;
                zip[i + 1] = (byte) 0x28;
            }
        }
        byte[] patched = zip;

        assertThatThrownBy(() -> BundleArchive.read(new ByteArrayInputStream(patched), 1 << 20))
                .isInstanceOf(PhaseFailure.class)
                .satisfies(e -> assertThat(((PhaseFailure) e).code()).isEqualTo("BUNDLE_INVALID"));
    }

    @Test
    void read_whenAnEntryEscapesTheRoot_failsWithBundleInvalid() {
        TreeMap<String, byte[]> entries = new TreeMap<>();
        entries.put("storage/code/ok.txt", new byte[] {1});
        byte[] zip = BundleArchive.write(entries);
        byte[] escaping = new String(zip, StandardCharsets.ISO_8859_1)
                .replace("storage/code/ok.txt", "storage/../../ok.txt").getBytes(StandardCharsets.ISO_8859_1);

        assertThatThrownBy(() -> BundleArchive.read(new ByteArrayInputStream(escaping), 1 << 20))
                .isInstanceOf(PhaseFailure.class).hasMessageContaining("escapes the bundle root");
    }

    @Test
    void pack_whenStorageHoldsALinkToAFileOutside_refusesToPackIt() throws Exception {
        Path secret = Files.writeString(Files.createDirectories(dir.resolve("outside")).resolve("credentials"),
                "aws_secret_access_key=wJalr");
        Path content = Files.createDirectories(dir.resolve("pipeline").resolve("src"));
        Files.writeString(content.resolve("job.py"), "print('hi')\n");
        Files.createSymbolicLink(content.resolve("creds.txt"), secret);
        Path manifestFile = Files.writeString(dir.resolve("pipeline").resolve("pipeline.yaml"), """
                pipelineName: LinkTest
                bundle:
                  storage:
                    - name: code
                      path: src
                targets:
                  dev:
                    stage: DEV
                    domain: {name: d, region: us-east-1}
                    project: {name: p}
                """);
        PipelineManifest manifest = ManifestLoader.create().load(manifestFile);

        assertThatThrownBy(() -> BundlePackager.pack(manifest, 1 << 20))
                .isInstanceOf(InvalidManifestException.class)
                .hasMessageContaining("creds.txt links outside src");
    }

    @Test
    void pack_whenContentIsUnchanged_givesTheSameBytesAndDigest() throws Exception {
        Path content = Files.createDirectories(dir.resolve("p2").resolve("src"));
        Files.writeString(content.resolve("a.py"), "a\n");
        Files.writeString(content.resolve("b.sql"), "select 1;\n");
        Path manifestFile = Files.writeString(dir.resolve("p2").resolve("pipeline.yaml"), """
                pipelineName: Same
                bundle:
                  storage:
                    - name: code
                      path: src
                targets:
                  dev:
                    stage: DEV
                    domain: {name: d, region: us-east-1}
                    project: {name: p}
                """);
        PipelineManifest manifest = ManifestLoader.create().load(manifestFile);

        BundlePackager.PackedBundle first = BundlePackager.pack(manifest, 1 << 20);
        Files.setLastModifiedTime(content.resolve("a.py"), java.nio.file.attribute.FileTime.fromMillis(0));
        BundlePackager.PackedBundle second = BundlePackager.pack(manifest, 1 << 20);

        assertThat(second.zip()).isEqualTo(first.zip());
        assertThat(second.digest()).isEqualTo(first.digest()).startsWith("sha256:");
        assertThat(first.files()).isEqualTo(2);
    }
}
