package com.smuscicd.events;

import java.util.List;

/**
 * What every event of one deployment shares.
 *
 * @param deploymentId  correlates all events of one deployment
 * @param pipelineName  the manifest's pipelineName
 * @param target        the target being deployed
 * @param metadata      CI/git/user metadata, or null when {@code includeMetadata} is false
 * @param resources     ARNs for the envelope's {@code resources} (execution ARN first), possibly empty
 */
public record DeploymentContext(
        String deploymentId,
        String pipelineName,
        EventDetail.TargetInfo target,
        Metadata metadata,
        List<String> resources) {

    public DeploymentContext {
        resources = resources == null ? List.of() : List.copyOf(resources);
    }
}
