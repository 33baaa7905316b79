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
    /** Default bound on the uncompressed size of a bundle. */
    public static final long DEFAULT_MAX_BYTES = 256L * 1024 * 1024;

    private static final FileTime FIXED_TIME = FileTime.fromMillis(315_532_800_000L); // 1980-01-01, zip's epoch

    private BundleArchive() {
    }

    /** One file of a bundle. */
    public record Entry(String name, byte[] content) {

        /** Lower-case hex SHA-256 of the content. */
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
     * Reads every file entry of a bundle zip.
     *
     * @throws PhaseFailure {@code BUNDLE_INVALID} for a stream that is not a zip or holds an unsafe
     *     path, {@code BUNDLE_TOO_LARGE} past {@code maxBytes} uncompressed
     */
    public static List<Entry> read(InputStream in, long maxBytes) {
        List<Entry> entries = new ArrayList<>();
        long total = 0;
        try (ZipInputStream zip = new ZipInputStream(in)) {
            ZipEntry entry;
            byte[] buffer = new byte[64 * 1024];
            while ((entry = zip.getNextEntry()) != null) {
                if (entry.isDirectory()) {
                    continue;
                }
                String name = entry.getName();
                String problem = unsafeNameProblem(name);
                if (problem != null) {
                    throw new PhaseFailure("BUNDLE_INVALID", "bundle entry '" + name + "' " + problem);
                }
                ByteArrayOutputStream content = new ByteArrayOutputStream();
                int n;
                while ((n = zip.read(buffer)) > 0) {
                    total += n;
                    if (total > maxBytes) {
                        throw new PhaseFailure("BUNDLE_TOO_LARGE",
                                "bundle is larger than " + maxBytes + " bytes uncompressed");
                    }
                    content.write(buffer, 0, n);
                }
                entries.add(new Entry(name, content.toByteArray()));
            }
        } catch (IOException | IllegalArgumentException e) {
            // A truncated zip (EOFException), a bad entry (ZipException) or an entry name that is not
            // valid UTF-8 (IllegalArgumentException) are all bad bundles. Transient storage errors
            // never get here: the stores translate them into RetryablePhaseException first.
            throw new PhaseFailure("BUNDLE_INVALID", "bundle is not a readable zip: " + e.getMessage(), e);
        }
        if (entries.isEmpty()) {
            throw new PhaseFailure("BUNDLE_INVALID", "bundle is empty or not a zip");
        }
        return entries;
    }

    /** Lower-case hex SHA-256. */
    public static String sha256Hex(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
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
