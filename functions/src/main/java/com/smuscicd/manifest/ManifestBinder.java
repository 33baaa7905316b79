package com.smuscicd.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.PatternSyntaxException;

/**
 * The checks a JSON Schema cannot express (unique names, paths that stay inside the manifest's
 * directory and exist, glob syntax) and the mapping of a valid tree to {@link PipelineManifest}
 * with its defaults.
 *
 * <p>The checks look only at values of the right type, so a value the schema already rejected is
 * not reported twice.
 */
final class ManifestBinder {

    static final String DEFAULT_EVENT_BUS = "default";
    static final List<String> DEFAULT_INCLUDE = List.of("**");
    static final String DEFAULT_PERMISSION = "READ";
    /** The first folder of WorkflowCreationPhase.DAGS_PREFIX, kept free of storage items. */
    static final String WORKFLOW_FOLDER = "workflows";

    private final YamlTree document;
    private final Path baseDir;
    private final Problems problems;

    /**
     * @param baseDir the manifest's directory, whose content is checked; null when the manifest is
     *                text without a directory (then only the form of paths is checked)
     */
    ManifestBinder(YamlTree document, Path baseDir, Problems problems) {
        this.document = document;
        this.baseDir = baseDir;
        this.problems = problems;
    }

    void check() {
        JsonNode root = document.root();
        List<Object> storageAt = List.of("bundle", "storage");
        JsonNode storage = root.path("bundle").path("storage");
        unique(storage, storageAt);
        forEachItem(storage, storageAt, (item, at) -> {
            JsonNode name = item.path("name");
            if (name.isTextual() && (name.asText().equals(".") || name.asText().equals(".."))) {
                problems.add(position(append(at, "name")), FieldPath.of(append(at, "name"))
                        + " must not be \".\" or \"..\"; it names a folder in the project's storage");
            }
            // Ignoring case: the local runtime keeps objects as files, and on macOS or Windows
            // "Workflows/" and "workflows/" are one folder.
            if (name.isTextual() && name.asText().equalsIgnoreCase(WORKFLOW_FOLDER)) {
                problems.add(position(append(at, "name")), FieldPath.of(append(at, "name")) + " "
                        + FieldPath.quote(name.asText()) + " is the folder where the deployment places workflow files ("
                        + WORKFLOW_FOLDER + "/dags/); storage uploaded there would replace them, choose another name");
            }
            relativePath(item.path("path"), append(at, "path"), true);
            globs(item.path("include"), append(at, "include"));
            globs(item.path("exclude"), append(at, "exclude"));
        });
        List<Object> workflowsAt = List.of("bundle", "workflows");
        JsonNode workflows = root.path("bundle").path("workflows");
        unique(workflows, workflowsAt);
        Map<String, List<Object>> fileNames = new HashMap<>();
        forEachItem(workflows, workflowsAt, (item, at) -> {
            List<Object> fileAt = append(at, "file");
            relativePath(item.path("file"), fileAt, false).ifPresent(normalized -> {
                // The bundle keeps workflow files flat (workflows/<file name>), so names must differ.
                String fileName = normalized.substring(normalized.lastIndexOf('/') + 1);
                List<Object> first = fileNames.putIfAbsent(fileName, fileAt);
                if (first != null) {
                    problems.add(position(fileAt), FieldPath.of(fileAt) + " has the same file name as "
                            + FieldPath.of(first) + " (" + FieldPath.quote(fileName)
                            + "); workflow files must have different names");
                }
            });
        });
        unique(root.path("catalog").path("assets"), List.of("catalog", "assets"));
    }

    PipelineManifest bind(Path source) {
        JsonNode root = document.root();
        String pipelineName = root.path("pipelineName").asText();
        List<PipelineManifest.StorageItem> storage = new ArrayList<>();
        root.path("bundle").path("storage").forEach(item -> storage.add(new PipelineManifest.StorageItem(
                item.path("name").asText(),
                normalize(item.path("path").asText()),
                strings(item.path("include"), DEFAULT_INCLUDE),
                strings(item.path("exclude"), List.of()))));
        List<PipelineManifest.WorkflowItem> workflows = new ArrayList<>();
        root.path("bundle").path("workflows").forEach(item -> workflows.add(new PipelineManifest.WorkflowItem(
                item.path("name").asText(), normalize(item.path("file").asText()))));
        List<PipelineManifest.AssetItem> assets = new ArrayList<>();
        root.path("catalog").path("assets").forEach(item -> assets.add(new PipelineManifest.AssetItem(
                item.path("name").asText(),
                item.path("permission").asText(DEFAULT_PERMISSION),
                item.path("reason").asText("Requested by smus-cicd deployment of " + pipelineName))));
        Map<String, PipelineManifest.Target> targets = new LinkedHashMap<>();
        root.path("targets").properties().forEach(e -> {
            JsonNode t = e.getValue();
            targets.put(e.getKey(), new PipelineManifest.Target(
                    e.getKey(),
                    t.path("stage").asText(),
                    new PipelineManifest.Domain(t.path("domain").path("name").asText(),
                            t.path("domain").path("region").asText()),
                    new PipelineManifest.Project(t.path("project").path("name").asText(),
                            t.path("project").path("create").asBoolean(false))));
        });
        return new PipelineManifest(
                source,
                pipelineName,
                monitoring(root.path("monitoring")),
                root.has("bundle") ? new PipelineManifest.Bundle(List.copyOf(storage), List.copyOf(workflows))
                        : PipelineManifest.Bundle.EMPTY,
                root.has("catalog") ? new PipelineManifest.Catalog(List.copyOf(assets))
                        : PipelineManifest.Catalog.EMPTY,
                Collections.unmodifiableMap(targets));
    }

    private static PipelineManifest.Monitoring monitoring(JsonNode monitoring) {
        JsonNode eventBridge = monitoring.path("eventbridge");
        if (!eventBridge.isObject()) {
            return PipelineManifest.Monitoring.DISABLED;
        }
        return new PipelineManifest.Monitoring(
                eventBridge.path("enabled").asBoolean(true),
                eventBridge.path("eventBusName").asText(DEFAULT_EVENT_BUS),
                eventBridge.path("includeMetadata").asBoolean(true));
    }

    private static List<String> strings(JsonNode array, List<String> absent) {
        if (!array.isArray()) {
            return absent;
        }
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asText()));
        return List.copyOf(values);
    }

    private void unique(JsonNode items, List<Object> listAt) {
        Map<String, List<Object>> seen = new HashMap<>();
        forEachItem(items, listAt, (item, at) -> {
            JsonNode name = item.path("name");
            if (!name.isTextual()) {
                return;
            }
            List<Object> nameAt = append(at, "name");
            List<Object> first = seen.putIfAbsent(name.asText(), at);
            if (first != null) {
                problems.add(position(nameAt), FieldPath.of(nameAt) + " " + FieldPath.quote(name.asText())
                        + " is already used by " + FieldPath.of(first) + "; names in " + FieldPath.of(listAt)
                        + " must be unique");
            }
        });
    }

    /**
     * Checks a relative path and, when the manifest has a directory, that it exists there with the
     * expected type and does not leave it (also through symbolic links).
     *
     * @return the normalized path when its form is valid
     */
    private Optional<String> relativePath(JsonNode value, List<Object> at, boolean directory) {
        if (!value.isTextual() || value.asText().isEmpty()) {
            return Optional.empty();
        }
        String raw = value.asText();
        String field = FieldPath.of(at);
        Position position = position(at);
        if (raw.startsWith("/") || raw.startsWith("\\") || raw.matches("^[A-Za-z]:.*")) {
            problems.add(position, field + " must be relative to the manifest's directory, got "
                    + FieldPath.quote(raw));
            return Optional.empty();
        }
        if (raw.contains("\\")) {
            problems.add(position, field + " must use '/' between folders, got " + FieldPath.quote(raw));
            return Optional.empty();
        }
        if (raw.indexOf('\0') >= 0) {
            problems.add(position, field + " must not contain a NUL character");
            return Optional.empty();
        }
        String normalized = normalize(raw);
        if (normalized.equals("..") || normalized.startsWith("../")) {
            problems.add(position, field + " must stay inside the manifest's directory, got " + FieldPath.quote(raw));
            return Optional.empty();
        }
        if (baseDir != null) {
            existsInside(normalized, directory, field, position);
        }
        return Optional.of(normalized);
    }

    private void existsInside(String normalized, boolean directory, String field, Position position) {
        String quoted = FieldPath.quote(normalized);
        try {
            Path base = baseDir.toRealPath();
            Path target = baseDir.resolve(normalized);
            if (!Files.exists(target)) {
                problems.add(position, field + " " + quoted + " does not exist in " + baseDir);
                return;
            }
            Path real = target.toRealPath();
            if (!real.startsWith(base)) {
                problems.add(position, field + " " + quoted
                        + " must stay inside the manifest's directory, but a symbolic link leads to " + real);
                return;
            }
            if (directory && !Files.isDirectory(real)) {
                problems.add(position, field + " " + quoted + " must be a directory, but it is a file");
            } else if (!directory && !Files.isRegularFile(real)) {
                problems.add(position, field + " " + quoted + " must be a file, but it is a directory");
            }
        } catch (NoSuchFileException e) {
            problems.add(position, field + " " + quoted + " does not exist in " + baseDir);
        } catch (IOException | InvalidPathException e) {
            problems.add(position, field + " " + quoted + " cannot be read: " + e.getMessage());
        }
    }

    private void globs(JsonNode list, List<Object> at) {
        forEach(list, (glob, globAt) -> {
            if (!glob.isTextual() || glob.asText().isEmpty()) {
                return;
            }
            try {
                FileSystems.getDefault().getPathMatcher("glob:" + glob.asText());
            } catch (PatternSyntaxException e) {
                problems.add(position(globAt), FieldPath.of(globAt) + " is not a valid glob pattern ("
                        + FieldPath.quote(glob.asText()) + "): " + e.getDescription());
            }
        }, at);
    }

    /** "a/./b/../c/" becomes "a/c"; "." and "" stay "."; a leading ".." is kept (and then rejected). */
    static String normalize(String path) {
        Deque<String> parts = new ArrayDeque<>();
        for (String part : path.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..") && !parts.isEmpty() && !parts.peekLast().equals("..")) {
                parts.removeLast();
            } else {
                parts.addLast(part);
            }
        }
        return parts.isEmpty() ? "." : String.join("/", parts);
    }

    private Position position(List<Object> at) {
        return document.valuePosition(at);
    }

    private interface ItemVisitor {
        void visit(JsonNode item, List<Object> at);
    }

    private static void forEachItem(JsonNode items, List<Object> listAt, ItemVisitor visitor) {
        forEach(items, (item, at) -> {
            if (item.isObject()) {
                visitor.visit(item, at);
            }
        }, listAt);
    }

    private static void forEach(JsonNode list, ItemVisitor visitor, List<Object> listAt) {
        if (!list.isArray()) {
            return;
        }
        for (int i = 0; i < list.size(); i++) {
            List<Object> at = new ArrayList<>(listAt);
            at.add(i);
            visitor.visit(list.get(i), at);
        }
    }

    private static List<Object> append(List<Object> at, Object segment) {
        List<Object> result = new ArrayList<>(at);
        result.add(segment);
        return result;
    }
}
