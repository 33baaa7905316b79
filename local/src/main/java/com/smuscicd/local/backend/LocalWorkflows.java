package com.smuscicd.local.backend;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.smuscicd.deploy.WorkflowGateway;
import java.util.Optional;

/**
 * {@link WorkflowGateway} recording workflows in the {@link LocalAccount}, with a version per change
 * and the region the workflow would run in (its domain's; absent when the spec names none).
 */
public final class LocalWorkflows implements WorkflowGateway {

    private final LocalAccount account;

    public LocalWorkflows(LocalAccount account) {
        this.account = account;
    }

    @Override
    public WorkflowOutcome createOrUpdate(WorkflowSpec spec) {
        return account.change(() -> {
            ObjectNode domain = account.domainById(spec.domainId())
                    .orElseThrow(() -> new IllegalStateException("domain " + spec.domainId() + " is not in the local account"));
            Optional<ObjectNode> existing = LocalAccount.find(domain.withArray("workflows"),
                    w -> spec.name().equals(w.path("name").asText())
                            && spec.projectId().equals(w.path("projectId").asText()));
            if (existing.isEmpty()) {
                ObjectNode created = domain.withArray("workflows").addObject().put("name", spec.name())
                        .put("projectId", spec.projectId());
                putRegion(created, spec);
                created.put("definitionLocation", spec.definitionLocation().toString())
                        .put("sha256", spec.definitionSha256()).put("version", 1);
                return WorkflowOutcome.CREATED;
            }
            ObjectNode workflow = existing.get();
            if (spec.definitionSha256().equals(workflow.path("sha256").asText())
                    && spec.definitionLocation().toString().equals(workflow.path("definitionLocation").asText())) {
                return WorkflowOutcome.UNCHANGED;
            }
            putRegion(workflow, spec);
            workflow.put("definitionLocation", spec.definitionLocation().toString())
                    .put("sha256", spec.definitionSha256()).put("version", workflow.path("version").asInt(1) + 1);
            return WorkflowOutcome.UPDATED;
        });
    }

    private static void putRegion(ObjectNode workflow, WorkflowSpec spec) {
        if (spec.region() != null && !spec.region().isBlank()) {
            workflow.put("region", spec.region());
        }
        if (spec.projectRoleArn() != null) {
            // the role MWAA Serverless would run it as
            workflow.put("roleArn", spec.projectRoleArn());
        }
    }
}
