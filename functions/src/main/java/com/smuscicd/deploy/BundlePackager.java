package com.smuscicd.deploy;

import com.smuscicd.errors.InvalidManifestException;
import com.smuscicd.manifest.PipelineManifest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Packs a manifest's content into a bundle zip: {@code pipeline.yaml}, every storage file as
 * {@code storage/<name>/<relative path>} (filtered by include/exclude globs) and every workflow
 * file as {@code workflows/<file name>}. Deterministic: the same content gives the same bytes.
 */
public final class BundlePackager {

    private BundlePackager() {
    }

    /** A packed bundle. */
    public record PackedBundle(byte[] zip, String digest, int files, long contentBytes,
                               List<PipelineManifest.WorkflowItem> workflows) {

        /** The zip's size. */
        public long bytes() {
            return zip.length;
        }
    }

    /**
     * Packs the bundle of a validated manifest.
     *
     * @throws InvalidManifestException when content files cannot be read or two workflows share a file name
     */
    public static PackedBundle pack(PipelineManifest manifest, long maxBytes) {
        Path base = manifest.source().toAbsolutePath().getParent();
        SortedMap<String, byte[]> entries = new TreeMap<>();
        List<String> problems = new ArrayList<>();
        long total = 0;
        try {
            entries.put(BundleArchive.MANIFEST_ENTRY, Files.readAllBytes(manifest.source()));
            for (PipelineManifest.StorageItem storage : manifest.bundle().storage()) {
                Path dir = base.resolve(storage.path()).normalize();
                List<PathMatcher> include = matchers(storage.include());
                List<PathMatcher> exclude = matchers(storage.exclude());
                Path realDir = dir.toRealPath();
                try (Stream<Path> files = Files.walk(dir)) {
                    for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile).sorted()::iterator) {
                        Path relative = dir.relativize(file);
                        if (!file.toRealPath().startsWith(realDir)) {
                            // A link to ~/.aws/credentials or /proc/self/environ must not ship secrets.
                            problems.add(manifest.source() + ": bundle.storage '" + storage.name() + "': "
                                    + relative + " links outside " + storage.path());
                            continue;
                        }
                        if (matchesAny(include, relative) && !matchesAny(exclude, relative)) {
                            byte[] content = Files.readAllBytes(file);
                            total += content.length;
                            entries.put(BundleArchive.STORAGE_PREFIX + storage.name() + "/"
                                    + relative.toString().replace('\\', '/'), content);
                        }
                    }
                }
            }
            List<PipelineManifest.WorkflowItem> workflows = new ArrayList<>();
            for (PipelineManifest.WorkflowItem workflow : manifest.bundle().workflows()) {
                Path file = base.resolve(workflow.file()).normalize();
                String entry = BundleArchive.workflowEntry(file.getFileName().toString());
                if (entries.containsKey(entry)) {
                    problems.add(manifest.source() + ": bundle.workflows: two workflows use the file name '"
                            + file.getFileName() + "'");
                    continue;
                }
                byte[] content = Files.readAllBytes(file);
                total += content.length;
                entries.put(entry, content);
                workflows.add(new PipelineManifest.WorkflowItem(workflow.name(), entry));
            }
            if (!problems.isEmpty()) {
                throw new InvalidManifestException(problems);
            }
            if (total > maxBytes) {
                throw new InvalidManifestException(List.of(manifest.source() + ": bundle content is " + total
                        + " bytes, more than the limit of " + maxBytes));
            }
            byte[] zip = BundleArchive.write(entries);
            int files = (int) entries.keySet().stream().filter(k -> k.startsWith(BundleArchive.STORAGE_PREFIX)).count();
            return new PackedBundle(zip, "sha256:" + BundleArchive.sha256Hex(zip), files, total, workflows);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read bundle content: " + e.getMessage(), e);
        }
    }

    private static List<PathMatcher> matchers(List<String> globs) {
        List<PathMatcher> matchers = new ArrayList<>();
        for (String glob : globs) {
            matchers.add(FileSystems.getDefault().getPathMatcher("glob:" + glob));
            if (glob.startsWith("**/")) {
                // "**/*.py" should also match "x.py" at the top level, as users expect from gitignore-like globs.
                matchers.add(FileSystems.getDefault().getPathMatcher("glob:" + glob.substring(3)));
            }
        }
        return matchers;
    }

    private static boolean matchesAny(List<PathMatcher> matchers, Path relative) {
        for (PathMatcher m : matchers) {
            if (m.matches(relative)) {
                return true;
            }
        }
        return false;
    }
}
