package com.smuscicd.deploy;

import com.smuscicd.errors.PhaseFailure;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * The bundle zip: written deterministically (sorted entries, fixed timestamps, so the same content
 * gives the same bytes and digest) and read defensively (no path escaping the root, bounded size).
 */
public final class BundleArchive {

    /** Where the manifest sits in a bundle. */
    public static final String MANIFEST_ENTRY = "pipeline.yaml";
    /** Prefix of storage entries: {@code storage/<name>/<relative path>}. */
    public static final String STORAGE_PREFIX = "storage/";
    /** Prefix of workflow files: {@code workflows/<file name>}. */
    public static final String WORKFLOWS_PREFIX = "workflows/";
    /** The bundle entry of a workflow file: {@code workflows/<file name>}, whatever its directory. */
    public static String workflowEntry(String file) {
        String normalized = file.replace('\\', '/');
        return WORKFLOWS_PREFIX + normalized.substring(normalized.lastIndexOf('/') + 1);
    }

    /** Default bound on the uncompressed size of a bundle. */
    public static final long DEFAULT_MAX_BYTES = 256L * 1024 * 1024;

    private static final FileTime FIXED_TIME = FileTime.fromMillis(315_532_800_000L); // 1980-01-01, zip's epoch

    private BundleArchive() {
    }

    /**
     * One file of a bundle.
     *
     * @param content the bytes; null when the reader was told not to keep them ({@link #forEach})
     */
    public record Entry(String name, byte[] content) {

        /** Whether the bytes were kept. */
        public boolean hasContent() {
            return content != null;
        }

        /** Lower-case hex SHA-256 of the content; only for an entry {@linkplain #hasContent() with content}. */
        public String sha256Hex() {
            return BundleArchive.sha256Hex(content);
        }
    }

    /** Writes entries (name to content) as a deterministic zip. */
    public static byte[] write(SortedMap<String, byte[]> entries) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            zip.setLevel(6);
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                requireSafeName(e.getKey());
                ZipEntry entry = new ZipEntry(e.getKey());
                entry.setCreationTime(FIXED_TIME);
                entry.setLastModifiedTime(FIXED_TIME);
                entry.setLastAccessTime(FIXED_TIME);
                entry.setTime(FIXED_TIME.toMillis());
                zip.putNextEntry(entry);
                zip.write(e.getValue());
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /**
     * Reads every file entry of a bundle zip, content included. Holds the whole bundle in memory:
     * for anything but small bundles use {@link #forEach}.
     *
     * @throws PhaseFailure {@code BUNDLE_INVALID} for a stream that is not a zip or holds an unsafe
     *     path, {@code BUNDLE_TOO_LARGE} past {@code maxBytes} uncompressed
     */
    public static List<Entry> read(InputStream in, long maxBytes) {
        List<Entry> entries = new ArrayList<>();
        forEach(in, maxBytes, name -> true, entries::add);
        return entries;
    }

    /**
     * Walks the file entries of a bundle zip once, in order, handing each to {@code onEntry} as soon
     * as it is read, so a caller that does not keep them holds one entry at a time. Entries
     * {@code wantContent} rejects are drained (their bytes count towards {@code maxTotalBytes}) and
     * handed over with a null content: their names are still seen, their bytes never held.
     *
     * <p>The checks are those of {@link #read}; a bad entry stops the walk where it is found, after
     * the entries before it were handed over. Exceptions {@code onEntry} throws propagate unchanged.
     * The stream is closed.
     *
     * @param wantContent whether the content of the entry of that name is needed
     * @throws PhaseFailure {@code BUNDLE_INVALID} for a stream that is not a zip or holds an unsafe
     *     path, {@code BUNDLE_TOO_LARGE} past {@code maxTotalBytes} uncompressed
     */
    public static void forEach(InputStream zip, long maxTotalBytes, Predicate<String> wantContent,
                               Consumer<Entry> onEntry) {
        long total = 0;
        int files = 0;
        byte[] buffer = new byte[64 * 1024];
        try (ZipInputStream in = new ZipInputStream(zip)) {
            ZipEntry entry;
            while ((entry = nextEntry(in)) != null) {
                if (entry.isDirectory()) {
                    continue;
                }
                String name = entry.getName();
                String problem = unsafeNameProblem(name);
                if (problem != null) {
                    throw new PhaseFailure("BUNDLE_INVALID", "bundle entry '" + name + "' " + problem);
                }
                ByteArrayOutputStream content = wantContent.test(name) ? new ByteArrayOutputStream() : null;
                int n;
                while ((n = in.read(buffer)) > 0) {
                    total += n;
                    if (total > maxTotalBytes) {
                        throw new PhaseFailure("BUNDLE_TOO_LARGE",
                                "bundle is larger than " + maxTotalBytes + " bytes uncompressed");
                    }
                    if (content != null) {
                        content.write(buffer, 0, n);
                    }
                }
                files++;
                // Outside any catch that rewrites exceptions: the consumer's own failures (a
                // retryable storage error, say) must not turn into BUNDLE_INVALID.
                onEntry.accept(new Entry(name, content == null ? null : content.toByteArray()));
            }
        } catch (IOException e) {
            // A truncated zip (EOFException) or a bad entry (ZipException) is a bad bundle. Transient
            // storage errors never get here: the stores translate them into RetryablePhaseException first.
            throw notAZip(e);
        }
        if (files == 0) {
            throw new PhaseFailure("BUNDLE_INVALID", "bundle is empty or not a zip");
        }
    }

    /** The next entry; a name that is not valid UTF-8 (IllegalArgumentException) is a bad bundle too. */
    private static ZipEntry nextEntry(ZipInputStream in) throws IOException {
        try {
            return in.getNextEntry();
        } catch (IllegalArgumentException e) {
            throw notAZip(e);
        }
    }

    private static PhaseFailure notAZip(Exception e) {
        return new PhaseFailure("BUNDLE_INVALID", "bundle is not a readable zip: " + e.getMessage(), e);
    }

    /** Lower-case hex SHA-256. */
    public static String sha256Hex(byte[] content) {
        return HexFormat.of().formatHex(newSha256().digest(content));
    }

    /** A fresh SHA-256 digest, the one content digest of the project (bundles, objects, names). */
    public static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }

    private static void requireSafeName(String name) {
        String problem = unsafeNameProblem(name);
        if (problem != null) {
            throw new IllegalArgumentException("bundle entry '" + name + "' " + problem);
        }
    }

    /** Why an entry name is unsafe (escapes the root, absolute, odd separators), or null. */
    static String unsafeNameProblem(String name) {
        if (name.isEmpty()) {
            return "has an empty name";
        }
        if (name.startsWith("/") || name.matches("^[A-Za-z]:.*")) {
            return "is an absolute path";
        }
        if (name.contains("\\")) {
            return "contains a backslash";
        }
        if (name.indexOf('\0') >= 0) {
            return "contains a NUL character";
        }
        for (String part : name.split("/")) {
            if (part.equals("..")) {
                return "escapes the bundle root";
            }
        }
        return null;
    }
}
