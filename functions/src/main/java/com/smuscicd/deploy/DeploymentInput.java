package com.smuscicd.deploy;

import com.smuscicd.events.Metadata;
import com.smuscicd.manifest.PipelineManifest;
import java.util.List;

/**
 * The input of a deployment execution ({@code $.deployment} in the state machine): everything the
 * phases need, resolved by the CLI or the bundle trigger from the manifest, the flags and the CI
 * environment. Field names are the JSON names the state machine sees.
 *
 * @param deploymentId correlates every event of this deployment
 * @param monitoring   event settings after CLI overrides
 * @param metadata     null when {@code includeMetadata} is false
 * @param bundle       where the bundle zip is
 * @param workflows    workflow files, as paths inside the bundle zip
 * @param assets       catalog assets to subscribe to
 * @param requestedAt  ISO-8601 instant the deployment was requested
 */
public record DeploymentInput(
        String deploymentId,
        String pipelineName,
        PipelineManifest.Target target,
        PipelineManifest.Monitoring monitoring,
        Metadata metadata,
        BundleRef bundle,
        List<PipelineManifest.WorkflowItem> workflows,
        List<PipelineManifest.AssetItem> assets,
        String requestedAt) {

    public DeploymentInput {
        workflows = workflows == null ? List.of() : List.copyOf(workflows);
        assets = assets == null ? List.of() : List.copyOf(assets);
    }

    /**
     * The bundle zip: {@code pipeline.yaml} at its root, {@code storage/<name>/...} and
     * {@code workflows/<file>}. The phases read exactly this: the version named, if any, and only
     * content whose digest and size are these ({@code BUNDLE_CHANGED} otherwise).
     *
     * @param location  {@code s3://bucket/key} of the zip
     * @param digest    {@code sha256:<hex>} of the zip bytes
     * @param bytes     size of the zip
     * @param versionId the S3 version of the object to read; null (left out of the JSON): the
     *                  latest, for keys that are written once (the CLI's content-addressed keys,
     *                  local runs) and for inputs made before the field existed
     */
    public record BundleRef(String location, String digest, long bytes, String versionId) {

        /** A bundle at a key whose latest version is read. */
        public BundleRef(String location, String digest, long bytes) {
            this(location, digest, bytes, null);
        }
    }
}
