package com.smuscicd.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.smuscicd.deploy.BundleArchive;
import com.smuscicd.deploy.BundlePackager;
import com.smuscicd.json.Json;
import com.smuscicd.manifest.ManifestLoader;
import com.smuscicd.testsupport.TestTrees;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** {@code smus-cli bundle}: the zip deploy would upload, for upload-to-deploy. */
class BundleCommandTest {

    private static final Path EXAMPLE = Path.of("..", "examples", "basic_pipeline", "pipeline.yaml");

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int bundle(String... args) {
        CommandLine cli = SmusCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        List<String> all = new ArrayList<>(List.of("bundle"));
        all.addAll(List.of(args));
        return cli.execute(all.toArray(String[]::new));
    }

    @Test
    void bundle_writesTheZipDeployUploadsAndSaysWhereToUploadIt() throws Exception {
        Path zip = dir.resolve("out/release.zip");

        int exit = bundle("--pipeline", EXAMPLE.toString(), "-o", zip.toString());

        assertThat(exit).as(err.toString()).isZero();
        byte[] written = Files.readAllBytes(zip);
        BundlePackager.PackedBundle packed = BundlePackager.pack(ManifestLoader.create().load(EXAMPLE),
                BundleArchive.DEFAULT_MAX_BYTES);
        assertThat(written).isEqualTo(packed.zip());
        assertThat("sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(written)))
                .isEqualTo(packed.digest());
        assertThat(entries(zip)).allSatisfy(name -> assertThat(name)
                .matches("pipeline\\.yaml|storage/code/.+|workflows/[^/]+"));
        assertThat(out.toString()).contains(packed.digest(),
                "aws s3 cp '" + zip + "' 's3://BUNDLE_BUCKET/MyPipeline/TARGET/release.zip' --metadata '{", "targets: dev, prod, broken");
        try (var leftovers = Files.list(zip.getParent())) {
            assertThat(leftovers).as("no partial file left").containsExactly(zip);
        }
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(zip)))
                .isEqualTo("rw-r--r--");
    }

    @Test
    void bundle_summary_countsTheSameFilesAsItsBytes() throws IOException {
        Path zip = dir.resolve("release.zip");

        int exit = bundle("--pipeline", EXAMPLE.toString(), "-o", zip.toString());

        assertThat(exit).as(err.toString()).isZero();
        assertThat(entries(zip)).hasSize(6);
        assertThat(out.toString().lines().findFirst().orElseThrow()).startsWith(zip + ": 6 files (pipeline.yaml,"
                + " 3 storage, 2 workflow), " + String.format(Locale.ROOT, "%,d B unpacked, zip %,d B, sha256:",
                        unpackedBytes(zip), Files.size(zip)));
    }

    @Test
    void bundle_withJsonOutput_givesTheFileDigestSizesAndUploadMetadata() throws IOException {
        Path zip = dir.resolve("b.zip");

        int exit = bundle("--pipeline", EXAMPLE.toString(), "-o", zip.toString(), "--output", "json");

        assertThat(exit).as(err.toString()).isZero();
        JsonNode result = Json.read(out.toString());
        assertThat(result.path("file").asText()).isEqualTo(zip.toAbsolutePath().toString());
        assertThat(result.path("pipelineName").asText()).isEqualTo("MyPipeline");
        assertThat(result.path("digest").asText()).startsWith("sha256:");
        assertThat(result.path("files").asInt()).isEqualTo(6);
        assertThat(result.path("storageFiles").asInt()).isEqualTo(3);
        assertThat(result.path("workflowFiles").asInt()).isEqualTo(2);
        assertThat(result.path("contentBytes").asLong()).isEqualTo(unpackedBytes(zip));
        assertThat(result.path("bytes").asLong()).isEqualTo(zip.toFile().length());
        assertThat(result.path("uploadMetadata").isObject()).isTrue();
        result.path("uploadMetadata").fieldNames().forEachRemaining(key -> assertThat(key).startsWith("smus-"));
    }

    @Test
    void bundle_whenTheZipWouldLandInsideAStorageFolder_exitsTwoAndWritesNothing() throws IOException {
        Path project = dir.resolve("project");
        TestTrees.copy(EXAMPLE.getParent(), project);
        // every file of src is packed
        Path manifest = project.resolve("pipeline.yaml");
        Files.writeString(manifest, Files.readString(manifest).replace("include: [\"**/*.py\", \"**/*.sql\"]",
                "include: [\"**/*\"]"));
        Path inside = project.resolve("src/release.zip");
        // also through a link to the storage folder: the real path is what the next bundle packs
        Path link = Files.createSymbolicLink(dir.resolve("to-src"), project.resolve("src"));

        for (Path out : List.of(inside, link.resolve("release.zip"))) {
            int exit = bundle("--pipeline", project.resolve("pipeline.yaml").toString(), "-o", out.toString());

            assertThat(exit).as(out.toString()).isEqualTo(SmusCli.EXIT_BAD_INPUT);
        }
        assertThat(err.toString()).contains("is bundle input (storage 'code' (src))",
                "packed into the next bundle");
        assertThat(inside).doesNotExist();
    }

    @Test
    void bundle_whenTheStorageIsTheWholeProject_refusesOnlyWhereTheNextBundleWouldPackIt() throws IOException {
        Path project = dir.resolve("project");
        TestTrees.copy(EXAMPLE.getParent(), project);
        Path manifest = project.resolve("pipeline.yaml");
        Files.writeString(manifest, Files.readString(manifest)
                .replace("path: src", "path: .").replace("\"**/*.sql\"", "\"releases/**\""));

        int packed = bundle("--pipeline", manifest.toString(), "-o", project.resolve("releases/r.zip").toString());
        int notIncluded = bundle("--pipeline", manifest.toString(), "-o", project.resolve("release.zip").toString());
        int leftOut = bundle("--pipeline", manifest.toString(), "-o", project.resolve(".smus/release.zip").toString());

        assertThat(packed).isEqualTo(SmusCli.EXIT_BAD_INPUT);
        assertThat(notIncluded).as(err.toString()).isZero();
        assertThat(leftOut).as(err.toString()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"release.tgz", "-", ".zip"})
    void bundle_whenTheOutIsNotAZipFileName_exitsTwoSayingTheTriggerOnlyDeploysZips(String name) {
        int exit = bundle("--pipeline", EXAMPLE.toString(), "-o", dir.resolve("x").toString() + "/" + name);

        assertThat(exit).isEqualTo(SmusCli.EXIT_BAD_INPUT);
        assertThat(err.toString()).contains("must name a .zip file");
    }

    @Test
    void bundle_whenTheOutIsALink_exitsTwoInsteadOfReplacingIt() throws IOException {
        Path target = Files.writeString(dir.resolve("kept.zip"), "not to be replaced");
        Path link = Files.createSymbolicLink(dir.resolve("link.zip"), target);

        int exit = bundle("--pipeline", EXAMPLE.toString(), "-o", link.toString());

        assertThat(exit).isEqualTo(SmusCli.EXIT_BAD_INPUT);
        assertThat(err.toString()).contains("is a symbolic link");
        assertThat(Files.isSymbolicLink(link)).isTrue();
        assertThat(Files.readString(target)).isEqualTo("not to be replaced");
    }

    @Test
    void bundle_whenTheManifestIsInvalid_namesTheProblemAndExitsTwo() throws IOException {
        Path manifest = Files.writeString(dir.resolve("pipeline.yaml"), "pipelineName: [\n");

        int exit = bundle("--pipeline", manifest.toString(), "-o", dir.resolve("b.zip").toString());

        assertThat(exit).isEqualTo(SmusCli.EXIT_BAD_INPUT);
        assertThat(err.toString()).contains(manifest.toString() + ":");
        assertThat(dir.resolve("b.zip")).doesNotExist();
    }

    /** The sizes of the zip's files, unpacked. */
    private static long unpackedBytes(Path zip) throws IOException {
        long bytes = 0;
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
            while (in.getNextEntry() != null) {
                bytes += in.transferTo(OutputStream.nullOutputStream());
            }
        }
        return bytes;
    }

    private static List<String> entries(Path zip) throws IOException {
        List<String> names = new ArrayList<>();
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
            for (ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                names.add(entry.getName());
            }
        }
        return names;
    }

}
