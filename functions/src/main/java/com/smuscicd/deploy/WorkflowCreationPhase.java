package com.smuscicd.deploy;

import com.smuscicd.errors.PhaseFailure;
import com.smuscicd.events.Stage;
import com.smuscicd.manifest.PipelineManifest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Places each workflow (Airflow DAG) file in the project's workflow location and creates or
 * updates the workflow.
 *
 * <p>The DAG files come from the bundle the deployment was started with: the version its input
 * names, checked against its digest and size before any file is placed ({@code BUNDLE_CHANGED}
 * otherwise, see {@link BundleUploadPhase}).
 */
public final class WorkflowCreationPhase implements Phase {

    /** Where DAG files go below the project's S3 location. */
    public static final String DAGS_PREFIX = "workflows/dags/";

    private final BundleStore store;
    private final WorkflowGateway workflows;
    private final long maxBundleBytes;

    public WorkflowCreationPhase(BundleStore store, WorkflowGateway workflows, long maxBundleBytes) {
        this.store = store;
        this.workflows = workflows;
        this.maxBundleBytes = maxBundleBytes;
    }

    @Override
    public Stage stage() {
        return Stage.WORKFLOW_CREATION;
    }

    @Override
    public Map<String, Object> run(TaskInput task) {
        DeploymentInput deployment = task.deployment();
        List<String> names = new ArrayList<>();
        int created = 0;
        int updated = 0;
        if (!deployment.workflows().isEmpty()) {
            ProjectContext project = ProjectContext.of(task);
            if (deployment.bundle() == null) {
                throw new PhaseFailure("WORKFLOW_FILE_MISSING", "workflows are configured but the deployment has no bundle");
            }
            // Only the DAG files the workflows name are kept; the rest of the bundle is read past.
            Set<String> wanted = deployment.workflows().stream().map(PipelineManifest.WorkflowItem::file)
                    .collect(Collectors.toSet());
            Map<String, BundleArchive.Entry> entries = new HashMap<>();
            BundleUploadPhase.forEachEntry(store, deployment.bundle(), maxBundleBytes, wanted::contains, entry -> {
                if (entry.hasContent()) {
                    entries.put(entry.name(), entry);
                }
            });
            // One session per run: the workflows share one lookup of what exists, and the next run
            // (a warm Lambda's next invocation) looks again.
            WorkflowGateway.Session session = workflows.session();
            for (PipelineManifest.WorkflowItem workflow : deployment.workflows()) {
                BundleArchive.Entry entry = entries.get(workflow.file());
                if (entry == null) {
                    throw new PhaseFailure("WORKFLOW_FILE_MISSING",
                            "workflow '" + workflow.name() + "': bundle has no entry '" + workflow.file() + "'");
                }
                String fileName = BundleArchive.workflowEntry(workflow.file())
                        .substring(BundleArchive.WORKFLOWS_PREFIX.length());
                S3Location location = project.s3Location().resolve(DAGS_PREFIX + fileName);
                String sha = entry.sha256Hex();
                store.put(location, entry.content(), sha);
                WorkflowGateway.WorkflowOutcome outcome = session.createOrUpdate(new WorkflowGateway.WorkflowSpec(
                        workflow.name(), project.domain().id(), project.project().id(), project.domain().region(),
                        location, sha, project.userRoleArn()));
                names.add(workflow.name());
                if (outcome == WorkflowGateway.WorkflowOutcome.CREATED) {
                    created++;
                } else if (outcome == WorkflowGateway.WorkflowOutcome.UPDATED) {
                    updated++;
                }
            }
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("workflows", names);
        details.put("count", names.size());
        details.put("created", created);
        details.put("updated", updated);
        details.put("unchanged", names.size() - created - updated);
        return details;
    }
}
