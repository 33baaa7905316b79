package com.smuscicd.deploy;

import com.smuscicd.errors.InvalidManifestException;
import com.smuscicd.manifest.PipelineManifest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Packs a manifest's content into a bundle zip: {@code pipeline.yaml}, every storage file as
 * {@code storage/<name>/<relative path>} (filtered by include/exclude globs) and every workflow
 * file as {@code workflows/<file name>}. Deterministic: the same content gives the same bytes.
 *
 * <p>Never packed, whatever the globs say: {@code .git} (at any depth; its config can hold a CI
 * token), {@code .smus} (at any depth) and the local state directory, which the CLI writes on every
 * run, so a bundle holding it would change on every run and never converge.
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

    /** Names of files and directories never packed, at any depth. */
    static final Set<String> LEFT_OUT = Set.of(".git", ".smus");

    /**
     * Packs the bundle of a validated manifest.
     *
     * @throws InvalidManifestException when content files cannot be read or two workflows share a file name
     */
    public static PackedBundle pack(PipelineManifest manifest, long maxBytes) {
        return pack(manifest, maxBytes, null);
    }

    /**
     * Packs the bundle of a validated manifest, leaving out {@code stateDir} (the local state
     * directory, or null) if it lies inside a storage path.
     *
     * @throws InvalidManifestException when content files cannot be read or two workflows share a file name
     */
    public static PackedBundle pack(PipelineManifest manifest, long maxBytes, Path stateDir) {
        Path base = manifest.source().toAbsolutePath().getParent();
        SortedMap<String, byte[]> entries = new TreeMap<>();
        List<String> problems = new ArrayList<>();
        long total = 0;
        try {
            entries.put(BundleArchive.MANIFEST_ENTRY, Files.readAllBytes(manifest.source()));
            List<PipelineManifest.StorageItem> storageItems = manifest.bundle().storage();
            for (int i = 0; i < storageItems.size(); i++) {
                PipelineManifest.StorageItem storage = storageItems.get(i);
                Path dir = base.resolve(storage.path()).normalize();
                Selection selection = Selection.of(storage);
                Path realDir = dir.toRealPath();
                for (Path file : contentFiles(dir, stateDir)) {
                    Path relative = dir.relativize(file);
                    if (!selection.packs(relative)) {
                        // Left out: where a link leads does not matter (a virtualenv's python, say).
                        continue;
                    }
                    if (!file.toRealPath().startsWith(realDir)) {
                        // A link to ~/.aws/credentials or /proc/self/environ must not ship secrets.
                        problems.add(manifest.source() + ": bundle.storage[" + i + "] '" + storage.name() + "': "
                                + relative + " links outside " + storage.path()
                                + "; exclude it, or put the file itself there");
                        continue;
                    }
                    String where = manifest.source() + ": bundle.storage[" + i + "] '" + storage.name() + "': ";
                    if (!roundTrips(relative)) {
                        // Zip entry names are text: the name would change (bytes become U+FFFD) and two
                        // such files could become one entry.
                        problems.add(where + "the file name " + relative + " is not valid UTF-8 (" + FILE_NAME_ENCODING
                                + " here; shown with replacement characters); rename it, or exclude it");
                        continue;
                    }
                    String entry = BundleArchive.STORAGE_PREFIX + storage.name() + "/"
                            + relative.toString().replace('\\', '/');
                    if (entries.containsKey(entry)) {
                        problems.add(where + relative + " and another file are both packed as " + entry);
                        continue;
                    }
                    // Counted before reading: a file of several GiB must not be read to learn it is too big.
                    total = addWithinLimit(total, Files.size(file), maxBytes, manifest, problems);
                    entries.put(entry, Files.readAllBytes(file));
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
                total = addWithinLimit(total, Files.size(file), maxBytes, manifest, problems);
                entries.put(entry, Files.readAllBytes(file));
                workflows.add(new PipelineManifest.WorkflowItem(workflow.name(), entry));
            }
            if (!problems.isEmpty()) {
                throw new InvalidManifestException(problems);
            }
            byte[] zip = BundleArchive.write(entries);
            int files = (int) entries.keySet().stream().filter(k -> k.startsWith(BundleArchive.STORAGE_PREFIX)).count();
            return new PackedBundle(zip, "sha256:" + BundleArchive.sha256Hex(zip), files, total, workflows);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read bundle content: " + e.getMessage(), e);
        }
    }

    /**
     * What a bundle of {@code manifest} would take {@code file} as, if anything: the manifest, a
     * workflow, or a file of a storage item (by the same rules as {@link #pack}: inside the storage
     * folder, real paths compared, not under {@link #LEFT_OUT}, included and not excluded).
     * {@code file} need not exist; its nearest existing parent is resolved.
     *
     * @return a description ({@code storage 'code' (src)}, {@code the manifest}, ...), or null
     */
    public static String bundleInput(PipelineManifest manifest, Path file) throws IOException {
        Path base = manifest.source().toAbsolutePath().getParent();
        Path real = realPath(file.toAbsolutePath().normalize());
        if (real.equals(realPath(manifest.source().toAbsolutePath().normalize()))) {
            return "the manifest";
        }
        for (PipelineManifest.WorkflowItem workflow : manifest.bundle().workflows()) {
            if (real.equals(realPath(base.resolve(workflow.file()).normalize()))) {
                return "workflow '" + workflow.name() + "' (" + workflow.file() + ")";
            }
        }
        for (PipelineManifest.StorageItem storage : manifest.bundle().storage()) {
            Path dir = base.resolve(storage.path()).normalize();
            if (!Files.isDirectory(dir) || !real.startsWith(dir.toRealPath())) {
                continue;
            }
            Path relative = dir.toRealPath().relativize(real);
            boolean leftOut = false;
            for (Path part : relative) {
                leftOut |= LEFT_OUT.contains(part.toString());
            }
            if (!leftOut && Selection.of(storage).packs(relative)) {
                return "storage '" + storage.name() + "' (" + storage.path() + ")";
            }
        }
        return null;
    }

    /** The real path of {@code path}: of its nearest existing ancestor, with the rest appended. */
    private static Path realPath(Path path) throws IOException {
        Path existing = path;
        Path rest = existing.getFileSystem().getPath("");
        while (existing != null && !Files.exists(existing)) {
            rest = existing.getFileName().resolve(rest);
            existing = existing.getParent();
        }
        return existing == null ? path : existing.toRealPath().resolve(rest).normalize();
    }

    /** How this JVM turns file names into text (on Linux, from the locale; UTF-8 under C.UTF-8 or en_US.UTF-8). */
    private static final String FILE_NAME_ENCODING = System.getProperty("sun.jnu.encoding", "UTF-8");

    /**
     * Whether the name, read as text, gives the same file name back: on Linux a name is bytes,
     * and bytes that are not valid in the file-name encoding come back as replacement characters.
     */
    private static boolean roundTrips(Path relative) {
        try {
            return relative.getFileSystem().getPath(relative.toString()).equals(relative);
        } catch (InvalidPathException e) {
            return false;
        }
    }

    /** {@code total + size}, or the problems so far and the limit's when that is over {@code maxBytes}. */
    private static long addWithinLimit(long total, long size, long maxBytes, PipelineManifest manifest,
                                       List<String> problems) {
        long sum = total + size;
        if (sum > maxBytes) {
            List<String> all = new ArrayList<>(problems);
            all.add(manifest.source() + ": bundle content is at least " + sum + " bytes, more than the limit of "
                    + maxBytes);
            throw new InvalidManifestException(all);
        }
        return sum;
    }

    /**
     * The regular files under {@code dir} (links to regular files included, link targets checked by
     * the caller), sorted, without {@link #LEFT_OUT} names and the state directory.
     */
    private static List<Path> contentFiles(Path dir, Path stateDir) throws IOException {
        Object stateKey = null;
        Path stateAbsolute = null;
        if (stateDir != null) {
            stateAbsolute = stateDir.toAbsolutePath().normalize();
            if (Files.isDirectory(stateDir)) {
                stateKey = Files.readAttributes(stateDir, BasicFileAttributes.class).fileKey();
            }
        }
        Object skipKey = stateKey;
        Path skipPath = stateAbsolute;
        List<Path> files = new ArrayList<>();
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
                if (d.equals(dir)) {
                    return FileVisitResult.CONTINUE;
                }
                boolean stateDirectory = skipKey != null ? Objects.equals(skipKey, attrs.fileKey())
                        : d.toAbsolutePath().normalize().equals(skipPath);
                return stateDirectory || LEFT_OUT.contains(d.getFileName().toString())
                        ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                if (!LEFT_OUT.contains(file.getFileName().toString())
                        && (attrs.isRegularFile() || (attrs.isSymbolicLink() && Files.isRegularFile(file)))) {
                    files.add(file);
                }
                return FileVisitResult.CONTINUE;
            }
        });
        files.sort(null);
        return files;
    }

    /** Which files of a storage item are packed: those its include globs match and its exclude globs do not. */
    private record Selection(List<PathMatcher> include, List<PathMatcher> exclude) {

        static Selection of(PipelineManifest.StorageItem storage) {
            return new Selection(matchers(storage.include()), matchers(storage.exclude()));
        }

        /** {@code relative}: to the storage item's folder. */
        boolean packs(Path relative) {
            return matchesAny(include, relative) && !matchesAny(exclude, relative);
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
