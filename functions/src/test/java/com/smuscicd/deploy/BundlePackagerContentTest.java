package com.smuscicd.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.smuscicd.errors.InvalidManifestException;
import com.smuscicd.manifest.ManifestLoader;
import com.smuscicd.manifest.PipelineManifest;
import java.io.ByteArrayInputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What packing takes from a storage directory, and what it leaves out whatever the globs say. */
class BundlePackagerContentTest {

    private static final String TOKEN = "ghs_16C7e42F292c6912E7710c838347Ae178B4a";

    @TempDir
    Path dir;

    private PipelineManifest manifest(String storage) throws Exception {
        Path file = Files.writeString(dir.resolve("pipeline.yaml"), """
                pipelineName: ContentTest
                bundle:
                  storage:
                %s
                targets:
                  dev:
                    stage: DEV
                    domain: {name: d, region: us-east-1}
                    project: {name: p}
                """.formatted(storage.indent(4).stripTrailing()));
        return ManifestLoader.create().load(file);
    }

    private static List<String> entryNames(BundlePackager.PackedBundle bundle) {
        return BundleArchive.read(new ByteArrayInputStream(bundle.zip()), 1 << 20).stream()
                .map(BundleArchive.Entry::name).toList();
    }

    @Test
    void pack_whenStoragePathIsTheRepositoryRoot_leavesOutGitAndTheStateDirectories() throws Exception {
        Files.writeString(Files.createDirectories(dir.resolve(".git")).resolve("config"),
                "[remote \"origin\"]\n\turl = https://x-access-token:" + TOKEN + "@github.com/o/r.git\n");
        Files.writeString(Files.createDirectories(dir.resolve("vendor/lib/.git")).resolve("config"), TOKEN);
        Files.writeString(dir.resolve("vendor/lib/.git/../.git-keep"), "kept");
        Files.writeString(Files.createDirectories(dir.resolve(".smus/local")).resolve("account.json"), "{}");
        Files.writeString(Files.createDirectories(dir.resolve("state/s3")).resolve("bundle.zip"), "old bundle");
        Files.writeString(Files.createDirectories(dir.resolve("src")).resolve("job.py"), "print('hi')\n");
        PipelineManifest manifest = manifest("- name: repo\n  path: .");

        BundlePackager.PackedBundle bundle = BundlePackager.pack(manifest, 1 << 20, dir.resolve("state"));

        assertThat(entryNames(bundle)).containsExactlyInAnyOrder("pipeline.yaml", "storage/repo/pipeline.yaml",
                "storage/repo/src/job.py", "storage/repo/vendor/lib/.git-keep");
        assertThat(BundleArchive.read(new ByteArrayInputStream(bundle.zip()), 1 << 20))
                .noneMatch(e -> new String(e.content(), StandardCharsets.UTF_8).contains(TOKEN));
    }

    @Test
    void pack_whenTheStateDirectoryIsInsideStorageAndARunWroteToIt_givesTheSameBundleAgain() throws Exception {
        Files.writeString(Files.createDirectories(dir.resolve("src")).resolve("job.py"), "print('hi')\n");
        PipelineManifest manifest = manifest("- name: repo\n  path: .");
        Path stateDir = dir.resolve("runs/state");

        BundlePackager.PackedBundle first = BundlePackager.pack(manifest, 1 << 20, stateDir);
        Files.write(Files.createDirectories(stateDir.resolve("s3/smus-local-bundles")).resolve("b.zip"), first.zip());
        Files.writeString(Files.createDirectories(dir.resolve(".smus/local")).resolve("account.json"), "{}");
        BundlePackager.PackedBundle second = BundlePackager.pack(manifest, 1 << 20, stateDir);

        assertThat(second.digest()).isEqualTo(first.digest());
        assertThat(second.files()).isEqualTo(first.files()).isEqualTo(2);
    }

    @Test
    void pack_whenAFileIsLargerThanTheLimit_failsWithoutReadingIt() throws Exception {
        Path src = Files.createDirectories(dir.resolve("src"));
        Files.writeString(src.resolve("a.py"), "a\n");
        try (RandomAccessFile sparse = new RandomAccessFile(src.resolve("model.bin").toFile(), "rw")) {
            // 3 GiB: more than a Java array holds, so reading it whole could only fail.
            sparse.setLength(3L << 30);
        }
        PipelineManifest manifest = manifest("- name: code\n  path: src");

        assertThatThrownBy(() -> BundlePackager.pack(manifest, BundleArchive.DEFAULT_MAX_BYTES))
                .isInstanceOf(InvalidManifestException.class)
                .hasMessageContaining("bundle content is at least " + ((3L << 30) + 2)
                        + " bytes, more than the limit of " + BundleArchive.DEFAULT_MAX_BYTES);
    }

    @Test
    void pack_whenALinkOutsideIsExcludedOrNotIncluded_packsTheRestWithoutComplaint() throws Exception {
        Path outside = Files.writeString(Files.createDirectories(dir.resolve("elsewhere")).resolve("python3"), "elf");
        Path src = Files.createDirectories(dir.resolve("src"));
        Files.writeString(src.resolve("job.py"), "print('hi')\n");
        Files.createSymbolicLink(Files.createDirectories(src.resolve(".venv/bin")).resolve("python"), outside);
        Files.createSymbolicLink(src.resolve("data.csv"), outside);
        PipelineManifest manifest = manifest("""
                - name: code
                  path: src
                  exclude: ["**/.venv/**", "data.csv"]
                - name: py
                  path: src
                  include: ["**/*.py"]""");

        BundlePackager.PackedBundle bundle = BundlePackager.pack(manifest, 1 << 20);

        assertThat(entryNames(bundle)).containsExactlyInAnyOrder("pipeline.yaml",
                "storage/code/job.py", "storage/py/job.py");
    }

    @Test
    void pack_whenAPackedFileLinksOutside_namesTheStorageItemByPosition() throws Exception {
        Path outside = Files.writeString(Files.createDirectories(dir.resolve("elsewhere")).resolve("python3"), "elf");
        Path src = Files.createDirectories(dir.resolve("src"));
        Files.createSymbolicLink(Files.createDirectories(src.resolve(".venv/bin")).resolve("python"), outside);
        PipelineManifest manifest = manifest("""
                - name: code
                  path: src
                  include: ["*.py"]
                - name: all
                  path: src""");

        assertThatThrownBy(() -> BundlePackager.pack(manifest, 1 << 20))
                .isInstanceOf(InvalidManifestException.class)
                .hasMessage(manifest.source() + ": bundle.storage[1] 'all': .venv/bin/python links outside src;"
                        + " exclude it, or put the file itself there");
    }

    @Test
    void pack_whenFileNamesAreNotUtf8_rejectsEachInsteadOfRenamingOrMergingThem() throws Exception {
        Path src = Files.createDirectories(dir.resolve("src"));
        Files.writeString(src.resolve("ok.py"), "ok\n");
        // A Java string cannot hold these names: they are raw bytes (Latin-1 0xFF and 0xFE), as an
        // archive unpacked on another system can leave them.
        Process shell = new ProcessBuilder("/bin/sh", "-c",
                "printf one > \"$(printf 'a\\377.txt')\" && printf two > \"$(printf 'a\\376.txt')\"")
                .directory(src.toFile()).redirectErrorStream(true).start();
        assertThat(shell.waitFor()).isZero();
        assertThat(Files.list(src).count()).isEqualTo(3);
        PipelineManifest manifest = manifest("- name: code\n  path: src");

        assertThatThrownBy(() -> BundlePackager.pack(manifest, 1 << 20))
                .isInstanceOfSatisfying(InvalidManifestException.class, e -> assertThat(e.problems())
                        .hasSize(2)
                        .allSatisfy(p -> assertThat(p).startsWith(manifest.source() + ": bundle.storage[0] 'code': "
                                + "the file name a").contains(".txt is not valid UTF-8")));
    }
}
