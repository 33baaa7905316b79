package com.smuscicd.deploy;

import com.smuscicd.errors.PhaseFailure;
import com.smuscicd.events.Stage;
import com.smuscicd.manifest.PipelineManifest;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Finds the target's domain and project (creating the project when {@code project.create} is
 * true) and resolves where the project keeps its files.
 */
public final class ProjectInitializationPhase implements Phase {

    private final DataZoneGateway dataZone;

    public ProjectInitializationPhase(DataZoneGateway dataZone) {
        this.dataZone = dataZone;
    }

    @Override
    public Stage stage() {
        return Stage.PROJECT_INITIALIZATION;
    }

    @Override
    public Map<String, Object> run(TaskInput task) {
        PipelineManifest.Target target = task.deployment().target();
        String domainName = target.domain().name();
        String region = target.domain().region();
        DataZoneGateway.DomainRef domain = dataZone.findDomainByName(domainName, region)
                .orElseThrow(() -> new PhaseFailure("DOMAIN_NOT_FOUND",
                        "no domain named '" + domainName + "' in " + region));
        String projectName = target.project().name();
        DataZoneGateway.ProjectRef project = dataZone.findProjectByName(domain, projectName)
                .orElseGet(() -> {
                    if (!target.project().create()) {
                        throw new PhaseFailure("PROJECT_NOT_FOUND", "no project named '" + projectName
                                + "' in domain '" + domainName + "' and project.create is false");
                    }
                    return dataZone.createProject(domain, projectName);
                });
        DataZoneGateway.ProjectResources resources = dataZone.projectResources(domain, project);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("domainId", domain.id());
        details.put("projectId", project.id());
        details.put("projectCreated", project.created());
        details.put("s3Location", resources.s3Location().toString());
        if (resources.userRoleArn() != null) {
            // WorkflowCreation runs the project's workflows as this role (unless one is configured)
            details.put("userRoleArn", resources.userRoleArn());
        }
        return details;
    }
}
