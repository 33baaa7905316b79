package com.smuscicd.deploy;

import com.smuscicd.events.Metadata;
import com.smuscicd.manifest.PipelineManifest;
import java.time.Instant;
import java.util.List;

/** Builds the {@link DeploymentInput} of one (already looked-up) target from a validated manifest and the CLI's overrides. */
public final class DeploymentInputs {

    private DeploymentInputs() {
    }

    /**
     * @param metadata           collected metadata; dropped when the resolved settings exclude it
     * @param workflows          the workflows as paths inside the bundle (from {@link BundlePackager})
     */
    public static DeploymentInput of(PipelineManifest manifest, PipelineManifest.Target target,
                                     EventOverrides overrides,
                                     Metadata metadata, String deploymentId,
                                     Instant requestedAt, DeploymentInput.BundleRef bundle,
                                     List<PipelineManifest.WorkflowItem> workflows) {
        PipelineManifest.Monitoring monitoring = overrides.apply(manifest.monitoring());
        return new DeploymentInput(
                deploymentId,
                manifest.pipelineName(),
                target,
                monitoring,
                monitoring.enabled() && monitoring.includeMetadata() ? metadata : null,
                bundle,
                workflows,
                manifest.catalog().assets(),
                requestedAt.toString());
    }
}
