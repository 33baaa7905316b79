package com.smuscicd.deploy;

/**
 * Creates or updates Airflow workflows of a project (Amazon MWAA Serverless in the cloud,
 * recorded in the local account offline).
 */
public interface WorkflowGateway {

    /**
     * Creates the workflow, or updates it when its definition changed.
     *
     * @return CREATED, UPDATED, or UNCHANGED when the same definition is already deployed
     */
    WorkflowOutcome createOrUpdate(WorkflowSpec spec);

    /**
     * A session for the workflows of one phase run: its calls may reuse what earlier calls of the
     * same session read (which workflows exist), so deploying N workflows does not cost N lookups.
     * Open one per run and drop it at the end: a session kept across runs (a warm Lambda's next
     * invocation) would not see what changed since. By default every call is
     * {@link #createOrUpdate}, which shares nothing.
     */
    default Session session() {
        return this::createOrUpdate;
    }

    /** The workflows of one phase run; see {@link #session()}. Not thread-safe. */
    @FunctionalInterface
    interface Session {

        /** As {@link WorkflowGateway#createOrUpdate}, possibly reusing what this session read before. */
        WorkflowOutcome createOrUpdate(WorkflowSpec spec);
    }

    /**
     * A workflow to deploy.
     *
     * @param name               workflow name (from the manifest)
     * @param domainId           the project's domain
     * @param projectId          the project
     * @param region             the domain's region, where the project's workflows run (null: the
     *                           orchestrator's own region)
     * @param definitionLocation where its definition file was placed
     * @param definitionSha256   content digest of the definition, to detect "unchanged"
     * @param projectRoleArn     the project's user role, which ProjectInitialization read from its
     *                           tooling environment; null when the domain did not say
     */
    record WorkflowSpec(String name, String domainId, String projectId, String region,
                        S3Location definitionLocation, String definitionSha256, String projectRoleArn) {
    }

    /** What {@link #createOrUpdate} did. */
    enum WorkflowOutcome { CREATED, UPDATED, UNCHANGED }
}
