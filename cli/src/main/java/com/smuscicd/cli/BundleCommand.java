package com.smuscicd.cli;

import com.smuscicd.deploy.BundleArchive;
import com.smuscicd.deploy.BundlePackager;
import com.smuscicd.errors.InvalidManifestException;
import com.smuscicd.events.Metadata;
import com.smuscicd.json.Json;
import com.smuscicd.manifest.ManifestLoader;
import com.smuscicd.manifest.PipelineManifest;
import com.smuscicd.trigger.BundleTrigger;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code smus-cli bundle}: packs the bundle zip {@code deploy} would upload (same files, same
 * bytes, same digest) for upload-to-deploy, and says how to upload it with the CI metadata as
 * the object's user metadata ({@code x-amz-meta-smus-git-commit}, ...), which the upload trigger
 * puts in the deployment's events.
 */
@Command(name = "bundle", mixinStandardHelpOptions = true,
        description = "Pack a pipeline's bundle zip, as deploy packs it, to upload to the bundle bucket "
                + "(upload-to-deploy).")
public final class BundleCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--pipeline", required = true, paramLabel = "FILE", description = "Pipeline manifest.")
    Path pipeline;

    @Option(names = {"-o", "--out"}, required = true, paramLabel = "FILE", description = "Where to write the zip.")
    Path out;

    @Option(names = "--output", paramLabel = "FORMAT", defaultValue = "text",
            description = "text (default) or json: the file, digest, sizes and the upload metadata.")
    String output;

    @Override
    public Integer call() {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            if (!output.equals("text") && !output.equals("json")) {
                err.println("error: --output must be text or json, got '" + output + "'");
                return SmusCli.EXIT_BAD_INPUT;
            }
            PipelineManifest manifest = ManifestLoader.create().load(pipeline);
            Path zip = out.toAbsolutePath().normalize();
            String problem = outProblem(manifest, zip);
            if (problem != null) {
                err.println("error: --out " + out + " " + problem);
                return SmusCli.EXIT_BAD_INPUT;
            }
            CompletableFuture<Metadata> collecting = DeployCommand.collectMetadata(manifest);
            BundlePackager.PackedBundle bundle = BundlePackager.pack(manifest, BundleArchive.DEFAULT_MAX_BYTES);
            write(zip, bundle.zip());
            Map<String, String> metadata = BundleTrigger.userMetadataFor(collecting.join());
            Contents contents = Contents.of(bundle.zip());
            if (output.equals("json")) {
                Map<String, Object> result = new LinkedHashMap<>();
                result.put("file", zip.toString());
                result.put("pipelineName", manifest.pipelineName());
                result.put("targets", List.copyOf(manifest.targets().keySet()));
                result.put("digest", bundle.digest());
                result.put("files", contents.files());
                result.put("storageFiles", contents.storageFiles());
                result.put("workflowFiles", contents.workflowFiles());
                result.put("contentBytes", contents.bytes());
                result.put("bytes", bundle.bytes());
                result.put("uploadMetadata", metadata);
                stdout.println(Json.write(result));
            } else {
                String name = zip.getFileName().toString();
                stdout.println(String.format(Locale.ROOT,
                        "%s: %d files (%s, %d storage, %d workflow), %,d B unpacked, zip %,d B, %s", out,
                        contents.files(), BundleArchive.MANIFEST_ENTRY, contents.storageFiles(),
                        contents.workflowFiles(), contents.bytes(), bundle.bytes(), bundle.digest()));
                stdout.println("upload it to <pipeline>/<target>/ in the bundle bucket to deploy that target"
                        + " (targets: " + String.join(", ", manifest.targets().keySet()) + "), e.g.:");
                stdout.println("  aws s3 cp " + shellQuoted(out.toString()) + " " + shellQuoted("s3://BUNDLE_BUCKET/"
                        + manifest.pipelineName() + "/TARGET/" + name)
                        + (metadata.isEmpty() ? "" : " --metadata " + shellQuoted(Json.write(metadata))));
            }
            stdout.flush();
            return 0;
        } catch (InvalidManifestException e) {
            e.problems().forEach(err::println);
            return SmusCli.EXIT_BAD_INPUT;
        } catch (UncheckedIOException e) {
            // a content file that cannot be read, as deploy reports it
            err.println("error: " + e.getMessage());
            return SmusCli.EXIT_BAD_INPUT;
        } catch (IOException e) {
            err.println("error: cannot write " + out + ": " + e.getMessage());
            return SmusCli.EXIT_FAILED;
        } finally {
            err.flush();
        }
    }

    /**
     * What the zip holds, counted from its entries so that the file count and the bytes cover the
     * same files: all of them, the manifest included.
     *
     * @param files         every file
     * @param storageFiles  the files under {@code storage/}
     * @param workflowFiles the files under {@code workflows/}
     * @param bytes         the size of every file, unpacked
     */
    record Contents(int files, int storageFiles, int workflowFiles, long bytes) {

        static Contents of(byte[] zip) {
            int[] counts = new int[3];
            long[] bytes = new long[1];
            // one entry held at a time; the packer has already kept the content within the limit
            BundleArchive.forEach(new ByteArrayInputStream(zip), Long.MAX_VALUE, name -> true, entry -> {
                counts[0]++;
                counts[1] += entry.name().startsWith(BundleArchive.STORAGE_PREFIX) ? 1 : 0;
                counts[2] += entry.name().startsWith(BundleArchive.WORKFLOWS_PREFIX) ? 1 : 0;
                bytes[0] += entry.content().length;
            });
            return new Contents(counts[0], counts[1], counts[2], bytes[0]);
        }
    }

    /**
     * Why {@code zip} cannot be written, or null: the upload trigger deploys {@code .zip} keys only;
     * a link or a device would be replaced, not written through; and a file a bundle packs (the
     * manifest, a workflow, a storage file) would be overwritten or packed into the next bundle.
     */
    private static String outProblem(PipelineManifest manifest, Path zip) throws IOException {
        String name = zip.getFileName() == null ? "" : zip.getFileName().toString();
        if (!name.toLowerCase(Locale.ROOT).endsWith(".zip") || name.length() <= ".zip".length()) {
            return "must name a .zip file: the upload trigger deploys only keys ending in .zip";
        }
        if (Files.exists(zip, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(zip, LinkOption.NOFOLLOW_LINKS)) {
            return "is " + (Files.isSymbolicLink(zip) ? "a symbolic link" : Files.isDirectory(zip) ? "a directory"
                    : "not a regular file") + "; name a regular file to write";
        }
        Path parent = zip.getParent();
        if (parent != null && Files.exists(parent) && !Files.isDirectory(parent)) {
            return "is below " + parent + ", which is a file, not a directory";
        }
        String input = BundlePackager.bundleInput(manifest, zip);
        return input == null ? null
                : "is bundle input (" + input + "): it would be overwritten or packed into the next bundle; write it"
                        + " elsewhere";
    }

    /** Written whole or not at all: a half-written zip must not be uploaded. */
    private static void write(Path zip, byte[] bytes) throws IOException {
        Path dir = zip.getParent();
        Files.createDirectories(dir);
        Path partial = Files.createTempFile(dir, ".smus-bundle-", ".partial");
        try {
            Files.write(partial, bytes);
            if (Files.getFileStore(partial).supportsFileAttributeView(PosixFileAttributeView.class)) {
                // readable like any file written with the usual umask (a temporary file is owner-only)
                Files.setPosixFilePermissions(partial, PosixFilePermissions.fromString("rw-r--r--"));
            }
            try {
                Files.move(partial, zip, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(partial, zip, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(partial);
        }
    }

    /** {@code text} as one single-quoted shell word. */
    private static String shellQuoted(String text) {
        return "'" + text.replace("'", "'\\''") + "'";
    }
}
