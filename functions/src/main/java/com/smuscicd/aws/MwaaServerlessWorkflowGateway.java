package com.smuscicd.aws;

import com.smuscicd.deploy.ExecutionNames;
import com.smuscicd.deploy.WorkflowGateway;
import com.smuscicd.errors.PhaseFailure;
import com.smuscicd.errors.RetryablePhaseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.mwaaserverless.MwaaServerlessClient;
import software.amazon.awssdk.services.mwaaserverless.model.ConflictException;
import software.amazon.awssdk.services.mwaaserverless.model.DefinitionS3Location;
import software.amazon.awssdk.services.mwaaserverless.model.ResourceNotFoundException;
import software.amazon.awssdk.services.mwaaserverless.model.ServiceQuotaExceededException;
import software.amazon.awssdk.services.mwaaserverless.model.ValidationException;
import software.amazon.awssdk.services.mwaaserverless.model.WorkflowStatus;
import software.amazon.awssdk.services.mwaaserverless.model.WorkflowSummary;

/**
 * {@link WorkflowGateway} on Amazon MWAA Serverless.
 *
 * <ul>
 *   <li>Region: a workflow is created where its project's domain lives ({@link WorkflowSpec#region()}),
 *       which need not be the orchestrator's region, so every call goes to that region's client.</li>
 *   <li>Name: workflow names are unique per account, and two targets of one pipeline may share an
 *       account, so the MWAA Serverless name is {@code <projectId>-<workflow name>}, reduced to the
 *       characters the service accepts ({@link #workflowName}).</li>
 *   <li>Existing workflows are found with {@code ListWorkflows} (every page) by that name.</li>
 *   <li>Unchanged: the workflow's description records the SHA-256 of the definition it was last
 *       deployed from ({@value #DESCRIPTION_PREFIX}{@code <hex>}). {@code ListWorkflows} returns
 *       descriptions, so an unchanged workflow costs no call beyond the listing, and the description is
 *       written by the same {@code CreateWorkflow}/{@code UpdateWorkflow} call that deploys the
 *       definition, so it can never claim a definition that was not deployed (a tag would need a
 *       second call that can fail on its own).</li>
 *   <li>Create: {@code CreateWorkflow} with the definition's S3 location, the execution role, the
 *       description and tags naming the domain, project and manifest workflow; a concurrent create
 *       ({@code ConflictException}) falls back to the update path. Update: {@code UpdateWorkflow}.</li>
 *   <li>Execution role: from {@code roleArn} (the project's user role, or a configured role), asked only
 *       when something is created or updated.</li>
 * </ul>
 */
public final class MwaaServerlessWorkflowGateway implements WorkflowGateway {

    /** Start of the description of every workflow this gateway deploys; the definition's hex SHA-256 follows. */
    public static final String DESCRIPTION_PREFIX = "Deployed by smus-cicd; definition sha256:";
    /** Tag keys set on creation. */
    public static final String DOMAIN_TAG = "smus-cicd:domain-id";
    public static final String PROJECT_TAG = "smus-cicd:project-id";
    public static final String WORKFLOW_TAG = "smus-cicd:workflow";

    static final int MAX_NAME_LENGTH = 100;

    private final Function<String, MwaaServerlessClient> clientForRegion;
    private final Function<WorkflowSpec, String> roleArn;

    private MwaaServerlessWorkflowGateway(Function<String, MwaaServerlessClient> clientForRegion,
                                          Function<WorkflowSpec, String> roleArn) {
        this.clientForRegion = Objects.requireNonNull(clientForRegion, "clientForRegion");
        this.roleArn = Objects.requireNonNull(roleArn, "roleArn");
    }

    /** The MWAA Serverless client of a region (a project's workflows run in its domain's region). */
    public static final AwsClients.Service<MwaaServerlessClient> CLIENT =
            AwsClients.service("mwaaserverless", MwaaServerlessClient::builder);

    /**
     * A gateway over the per-region clients of {@code clients}. Workflows run as
     * {@code WORKFLOW_ROLE_ARN} when it is set, else as their project's user role, which
     * ProjectInitialization read from the project's tooling environment.
     */
    public static MwaaServerlessWorkflowGateway fromEnvironment(Map<String, String> env, AwsClients clients) {
        Objects.requireNonNull(clients, "clients");
        return create(region -> clients.client(CLIENT, region), workflowRole(env));
    }

    /**
     * The execution role of a workflow: {@code WORKFLOW_ROLE_ARN} when set, else the spec's project
     * role; neither: a phase failure {@code WORKFLOW_ROLE_NOT_FOUND} that says what to set.
     */
    public static Function<WorkflowSpec, String> workflowRole(Map<String, String> env) {
        String configuredRole = AwsPorts.blankToNull(env.get("WORKFLOW_ROLE_ARN"));
        if (configuredRole != null) {
            return spec -> configuredRole;
        }
        return spec -> {
            if (spec.projectRoleArn() == null || spec.projectRoleArn().isBlank()) {
                throw new PhaseFailure("WORKFLOW_ROLE_NOT_FOUND", "project " + spec.projectId()
                        + " has no user role in its " + DataZoneClientGateway.TOOLING_ENVIRONMENT
                        + " environment to run workflow '" + spec.name() + "' as; set WORKFLOW_ROLE_ARN");
            }
            return spec.projectRoleArn();
        };
    }

    /**
     * A gateway over per-region clients.
     *
     * @param clientForRegion the MWAA Serverless client of a domain's region (asked on every call, so
     *                        it should cache; null region: the orchestrator's own)
     * @param roleArn         the execution role of a workflow (called only to create or update one)
     */
    public static MwaaServerlessWorkflowGateway create(Function<String, MwaaServerlessClient> clientForRegion,
                                                       Function<WorkflowSpec, String> roleArn) {
        return new MwaaServerlessWorkflowGateway(clientForRegion, roleArn);
    }

    /**
     * A gateway over one client, whatever the spec's region (an emulator serving every region).
     *
     * @param roleArn the execution role of a workflow (called only to create or update one)
     */
    public static MwaaServerlessWorkflowGateway create(MwaaServerlessClient client,
                                                       Function<WorkflowSpec, String> roleArn) {
        Objects.requireNonNull(client, "client");
        return new MwaaServerlessWorkflowGateway(region -> client, roleArn);
    }

    @Override
    public WorkflowOutcome createOrUpdate(WorkflowSpec spec) {
        String name = workflowName(spec.projectId(), spec.name());
        String description = DESCRIPTION_PREFIX + spec.definitionSha256();
        MwaaServerlessClient client = clientForRegion.apply(spec.region());
        Optional<WorkflowSummary> existing = find(client, name);
        if (existing.isEmpty()) {
            try {
                create(client, name, description, spec);
                return WorkflowOutcome.CREATED;
            } catch (ConflictException e) {
                // Created concurrently (or a lost response of our own earlier attempt): take the update path.
                existing = find(client, name);
                if (existing.isEmpty()) {
                    throw new RetryablePhaseException("WORKFLOW_CONFLICT", "creating workflow '" + name + "': "
                            + AwsErrors.errorMessage(e), e);
                }
            }
        }
        WorkflowSummary workflow = existing.get();
        if (workflow.workflowStatus() == WorkflowStatus.DELETING) {
            throw new RetryablePhaseException("WORKFLOW_BEING_DELETED", "workflow '" + name + "' ("
                    + workflow.workflowArn() + ") is being deleted");
        }
        if (description.equals(workflow.description())) {
            return WorkflowOutcome.UNCHANGED;
        }
        update(client, workflow.workflowArn(), name, description, spec);
        return WorkflowOutcome.UPDATED;
    }

    /**
     * The MWAA Serverless name of a manifest workflow in a project: {@code <projectId>-<name>} with
     * every character outside {@code [A-Za-z0-9._-]} replaced by {@code -}, starting with a letter
     * or digit, at most {@value #MAX_NAME_LENGTH} characters (a longer one keeps a hash of the whole).
     */
    public static String workflowName(String projectId, String workflowName) {
        String name = (projectId + "-" + workflowName).replaceAll("[^A-Za-z0-9._-]", "-")
                .replaceAll("^[^A-Za-z0-9]+", "");
        if (name.length() > MAX_NAME_LENGTH) {
            String hash = ExecutionNames.of("", projectId, workflowName).substring(0, 12);
            name = name.substring(0, MAX_NAME_LENGTH - hash.length() - 1) + "-" + hash;
        }
        return name.isEmpty() ? "workflow" : name;
    }

    private static Optional<WorkflowSummary> find(MwaaServerlessClient client, String name) {
        try {
            for (WorkflowSummary workflow : client.listWorkflowsPaginator(b -> b.maxResults(100)).workflows()) {
                if (name.equals(workflow.name())) {
                    return Optional.of(workflow);
                }
            }
            return Optional.empty();
        } catch (SdkException e) {
            throw translate(e, "airflow-serverless:ListWorkflows");
        }
    }

    private void create(MwaaServerlessClient client, String name, String description, WorkflowSpec spec) {
        String role = roleArn.apply(spec);
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put(DOMAIN_TAG, spec.domainId());
        tags.put(PROJECT_TAG, spec.projectId());
        tags.put(WORKFLOW_TAG, spec.name());
        try {
            client.createWorkflow(b -> b.name(name)
                    .description(description)
                    .definitionS3Location(definition(spec))
                    .roleArn(role)
                    .tags(tags));
        } catch (ConflictException e) {
            throw e;
        } catch (SdkException e) {
            throw translate(e, "airflow-serverless:CreateWorkflow " + name);
        }
    }

    private void update(MwaaServerlessClient client, String workflowArn, String name, String description,
                        WorkflowSpec spec) {
        String role = roleArn.apply(spec);
        try {
            client.updateWorkflow(b -> b.workflowArn(workflowArn)
                    .description(description)
                    .definitionS3Location(definition(spec))
                    .roleArn(role));
        } catch (ResourceNotFoundException e) {
            throw new RetryablePhaseException("WORKFLOW_CHANGED", "workflow '" + name + "' was deleted while being updated",
                    e);
        } catch (ConflictException e) {
            throw new RetryablePhaseException("WORKFLOW_CONFLICT", "updating workflow '" + name + "': "
                    + AwsErrors.errorMessage(e), e);
        } catch (SdkException e) {
            throw translate(e, "airflow-serverless:UpdateWorkflow " + name);
        }
    }

    private static DefinitionS3Location definition(WorkflowSpec spec) {
        return DefinitionS3Location.builder()
                .bucket(spec.definitionLocation().bucket())
                .objectKey(spec.definitionLocation().key())
                .build();
    }

    private static RuntimeException translate(SdkException e, String operation) {
        if (e instanceof ValidationException invalid) {
            // Usually the definition itself (YAML the service rejects): the user has to fix it.
            return new PhaseFailure("WORKFLOW_INVALID", operation + ": " + AwsErrors.errorMessage(invalid), e);
        }
        if (e instanceof ServiceQuotaExceededException quota) {
            return new PhaseFailure("WORKFLOW_QUOTA_EXCEEDED", operation + ": " + AwsErrors.errorMessage(quota), e);
        }
        return AwsErrors.translate(e, operation);
    }
}
