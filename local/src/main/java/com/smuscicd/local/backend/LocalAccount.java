package com.smuscicd.local.backend;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.smuscicd.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The local stand-in for an AWS account's SageMaker Unified Studio state: domains with their
 * projects, catalog listings, subscriptions and workflows, kept in one JSON file. It starts as a
 * copy of a seed file (the example ships one) and every change is written back, so a created
 * project still exists on the next run.
 *
 * <pre>
 * {"account": "123456789012",
 *  "domains": [{"id": "dzd_...", "name": "...", "region": "us-east-1",
 *               "projects": [{"id": "prj_...", "name": "...", "s3Location": "s3://..."}],
 *               "listings": [{"id": "...", "name": "...", "revision": "1"}],
 *               "subscriptions": [{"projectId": "...", "listingId": "...", "status": "APPROVED"}],
 *               "workflows": [{"name": "...", "projectId": "...", "region": "us-east-1", "definitionLocation": "s3://...", "sha256": "...", "version": 1}]}]}
 * </pre>
 */
public final class LocalAccount {

    private final Path file;
    private final ObjectNode root;

    private LocalAccount(Path file, ObjectNode root) {
        this.file = file;
        this.root = root;
    }

    /**
     * Opens the account at {@code file}, creating it from {@code seed} when it does not exist yet.
     *
     * @throws IllegalArgumentException naming the file when it is not a valid account document
     */
    public static LocalAccount open(Path file, Path seed) {
        try {
            if (!Files.exists(file)) {
                if (seed == null || !Files.isRegularFile(seed)) {
                    throw new IllegalArgumentException("no local account at " + file
                            + (seed == null ? "" : " and the seed file " + seed + " does not exist"));
                }
                // Check the seed before copying it: a broken copy would outlive the fix of the seed.
                read(seed);
                Files.createDirectories(file.toAbsolutePath().getParent());
                Path temp = Files.createTempFile(file.toAbsolutePath().getParent(), ".account-", ".tmp");
                Files.copy(seed, temp, StandardCopyOption.REPLACE_EXISTING);
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
            }
            return new LocalAccount(file, read(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ObjectNode read(Path file) {
        JsonNode root;
        try {
            root = Json.mapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": not valid JSON: " + e.getMessage());
        }
        if (root == null || !root.isObject() || !root.path("domains").isArray()) {
            throw new IllegalArgumentException(file + ": a local account needs a \"domains\" array");
        }
        return (ObjectNode) root;
    }

    /** The 12-digit account id the local runtime reports. */
    public synchronized String accountId() {
        return root.path("account").asText("123456789012");
    }

    synchronized Optional<ObjectNode> domainByName(String name, String region) {
        return find(root.withArray("domains"), d -> name.equals(d.path("name").asText())
                && region.equals(d.path("region").asText(region)));
    }

    synchronized Optional<ObjectNode> domainById(String id) {
        return find(root.withArray("domains"), d -> id.equals(d.path("id").asText()));
    }

    static Optional<ObjectNode> find(ArrayNode array, Predicate<JsonNode> match) {
        for (JsonNode node : array) {
            if (node.isObject() && match.test(node)) {
                return Optional.of((ObjectNode) node);
            }
        }
        return Optional.empty();
    }

    /** Writes the account back atomically. */
    synchronized void save() {
        try {
            Path temp = Files.createTempFile(file.toAbsolutePath().getParent(), ".account-", ".tmp");
            Json.mapper().writerWithDefaultPrettyPrinter().writeValue(temp.toFile(), root);
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs a change under the account's lock and saves it. */
    synchronized <T> T change(java.util.function.Supplier<T> mutation) {
        T result = mutation.get();
        save();
        return result;
    }
}
