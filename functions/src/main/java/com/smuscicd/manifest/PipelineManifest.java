package com.smuscicd.manifest;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A validated {@code pipeline.yaml}. Built only by {@link ManifestLoader}; every list and map is
 * non-null (possibly empty) and defaults are applied.
 *
 * @param source     the file it was read from (bundle paths are relative to its directory)
 * @param monitoring event settings; {@link Monitoring#DISABLED} when the manifest has no monitoring block
 * @param targets    by name, in file order
 */
public record PipelineManifest(
        Path source,
        String pipelineName,
        Monitoring monitoring,
        Bundle bundle,
        Catalog catalog,
        Map<String, Target> targets) {

    /**
     * {@code monitoring.eventbridge}. When the block is present: {@code enabled} and
     * {@code includeMetadata} default to true, {@code eventBusName} (a bus name or event-bus ARN)
     * to {@code "default"}.
     */
    public record Monitoring(boolean enabled, String eventBusName, boolean includeMetadata) {
        public static final Monitoring DISABLED = new Monitoring(false, "default", false);
    }

    /** {@code bundle}: what is uploaded to the project. */
    public record Bundle(List<StorageItem> storage, List<WorkflowItem> workflows) {
        public static final Bundle EMPTY = new Bundle(List.of(), List.of());
    }

    /**
     * {@code bundle.storage[]}: a directory (relative to the manifest) uploaded under {@code name/}.
     * {@code path} is normalised ({@code ./src/} becomes {@code src}, "/" between folders, {@code "."}
     * for the manifest's own directory); {@code include} defaults to {@code ["**"]}, {@code exclude}
     * to none.
     */
    public record StorageItem(String name, String path, List<String> include, List<String> exclude) {
    }

    /**
     * {@code bundle.workflows[]}: an Airflow DAG / workflow definition file; {@code file} is
     * normalised like {@link StorageItem#path()}, and file names are distinct across workflows.
     */
    public record WorkflowItem(String name, String file) {
    }

    /** {@code catalog}: catalog assets the project subscribes to. */
    public record Catalog(List<AssetItem> assets) {
        public static final Catalog EMPTY = new Catalog(List.of());
    }

    /**
     * {@code catalog.assets[]}; {@code permission} defaults to {@code READ}, {@code reason} to
     * "Requested by smus-cicd deployment of &lt;pipelineName&gt;".
     */
    public record AssetItem(String name, String permission, String reason) {
    }

    /** {@code targets.<name>}. */
    public record Target(String name, String stage, Domain domain, Project project) {
    }

    /** {@code targets.<name>.domain}. */
    public record Domain(String name, String region) {
    }

    /** {@code targets.<name>.project}; {@code create} defaults to false. */
    public record Project(String name, boolean create) {
    }
}
