package com.smuscicd.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.smuscicd.events.Stage;
import com.smuscicd.manifest.PipelineManifest;

/**
 * The domain and project resolved by ProjectInitialization, as the later phases read them;
 * {@code userRoleArn} is null when the domain did not provide the project's user role.
 */
record ProjectContext(DataZoneGateway.DomainRef domain, DataZoneGateway.ProjectRef project, S3Location s3Location,
                      String userRoleArn) {

    static ProjectContext of(TaskInput task) {
        JsonNode init = task.phaseOutput(Stage.PROJECT_INITIALIZATION);
        if (!init.path("projectId").isTextual() || !init.path("s3Location").isTextual()) {
            throw new IllegalStateException("ProjectInitialization output is missing from the execution state");
        }
        PipelineManifest.Target target = task.deployment().target();
        return new ProjectContext(
                new DataZoneGateway.DomainRef(init.path("domainId").asText(), target.domain().name(),
                        target.domain().region()),
                new DataZoneGateway.ProjectRef(init.path("projectId").asText(), target.project().name(),
                        init.path("projectCreated").asBoolean(false)),
                S3Location.parse(init.path("s3Location").asText()),
                init.path("userRoleArn").isTextual() ? init.path("userRoleArn").asText() : null);
    }
}
