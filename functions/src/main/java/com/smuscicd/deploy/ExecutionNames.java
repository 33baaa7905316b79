package com.smuscicd.deploy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * Names derived from what identifies a thing, for APIs that de-duplicate by name (Step Functions
 * executions, MWAA Serverless workflows). Kept free of any SDK so every function can use it.
 */
public final class ExecutionNames {

    /** Longest name Step Functions accepts for an execution. */
    public static final int MAX_LENGTH = 80;
    static final int HASH_LENGTH = 24;

    private ExecutionNames() {
    }

    /**
     * An execution name derived from what identifies a deployment: a readable prefix (sanitized to
     * {@code [A-Za-z0-9-_]}, shortened as needed) and a hash of {@code identity}, at most
     * {@value #MAX_LENGTH} characters. Equal identities give equal names.
     */
    public static String of(String readablePrefix, String... identity) {
        MessageDigest digest = BundleArchive.newSha256();
        for (String part : identity) {
            // Length-prefixed, so ("ab","c") and ("a","bc") differ.
            byte[] bytes = String.valueOf(part).getBytes(StandardCharsets.UTF_8);
            digest.update((bytes.length + ":").getBytes(StandardCharsets.UTF_8));
            digest.update(bytes);
        }
        String hash = HexFormat.of().formatHex(digest.digest()).substring(0, HASH_LENGTH);
        String readable = readablePrefix == null ? "" : readablePrefix
                .replaceAll("[^A-Za-z0-9_-]+", "-")
                .replaceAll("-{2,}", "-")
                .replaceAll("^[-_]+|[-_]+$", "");
        int room = MAX_LENGTH - HASH_LENGTH - 1;
        if (readable.length() > room) {
            readable = readable.substring(0, room).replaceAll("[-_]+$", "");
        }
        return readable.isEmpty() ? hash : readable + "-" + hash;
    }
}
