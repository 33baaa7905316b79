package com.smuscicd.aws;

import com.smuscicd.deploy.ExecutionNames;
import com.smuscicd.deploy.WorkflowGateway;
import com.smuscicd.errors.PhaseFailure;
import com.smuscicd.errors.RetryablePhaseException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.mwaaserverless.MwaaServerlessClient;
import software.amazon.awssdk.services.mwaaserverless.model.ConflictException;
import software.amazon.awssdk.services.mwaaserverless.model.CreateWorkflowResponse;
import software.amazon.awssdk.services.mwaaserverless.model.DefinitionS3Location;
import software.amazon.awssdk.services.mwaaserverless.model.ListWorkflowsResponse;
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
 *   <li>Existing workflows are found by that name with {@code ListWorkflows}. A {@link #session()}
 *       (one per phase run) lists each region once, page by page only as far as its names need, and
 *       keeps what it read (and what it wrote since) for its later workflows: N workflows in an
 *       account of M cost at most {@code ceil(M/100)} list calls, not N times that. Nothing is kept
 *       beyond the session, so every run sees the account as it is.</li>
 *   <li>Unchanged: the workflow's description records the SHA-256 of the definition it was last
 *       deployed from ({@value #DESCRIPTION_PREFIX}{@code <hex>}). {@code ListWorkflows} returns
 *       descriptions, so an unchanged workflow costs no call beyond the listing, and the description is
 *       written by the same {@code CreateWorkflow}/{@code UpdateWorkflow} call that deploys the
 *       definition, so it can never claim a definition that was not deployed (a tag would need a
 *       second call that can fail on its own).</li>
 *   <li>Create: {@code CreateWorkflow} with the definition's S3 location, the execution role, the
 *       description and tags naming the domain, project and manifest workflow; a concurrent create
 *       ({@code ConflictException}) lists the region afresh and falls back to the update path.
 *       Update: {@code UpdateWorkflow}.</li>
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
    /** The largest page {@code ListWorkflows} returns. */
    private static final int PAGE_SIZE = 100;

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

    /** In a session of its own, so it lists afresh. */
    @Override
    public WorkflowOutcome createOrUpdate(WorkflowSpec spec) {
        return session().createOrUpdate(spec);
    }

    /** A session listing each region's workflows at most once (plus once per concurrent create). */
    @Override
    public Session session() {
        return new ListingSession();
    }

    /** The workflows of one phase run, with what it has read of each region's workflows. */
    private final class ListingSession implements Session {

        private final Map<String, Listing> byRegion = new HashMap<>();

        @Override
        public WorkflowOutcome createOrUpdate(WorkflowSpec spec) {
            String name = workflowName(spec.projectId(), spec.name());
            String description = DESCRIPTION_PREFIX + spec.definitionSha256();
            Listing listing = byRegion.computeIfAbsent(spec.region(),
                    region -> new Listing(clientForRegion.apply(region)));
            MwaaServerlessClient client = listing.client;
            Optional<WorkflowSummary> existing = listing.find(name);
            if (existing.isEmpty()) {
                try {
                    CreateWorkflowResponse created = create(client, name, description, spec);
                    listing.wrote(WorkflowSummary.builder().name(name).workflowArn(created.workflowArn())
                            .workflowStatus(created.workflowStatus()).description(description).build());
                    return WorkflowOutcome.CREATED;
                } catch (ConflictException e) {
                    // Created concurrently (or a lost response of our own earlier attempt) since the
                    // listing was read: read it afresh, and take the update path.
                    listing = new Listing(client);
                    byRegion.put(spec.region(), listing);
                    existing = listing.find(name);
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
            listing.wrote(workflow.toBuilder().description(description).build());
            return WorkflowOutcome.UPDATED;
        }
    }

    /**
     * The workflows of one region, read a page at a time as far as a name needs; what the session
     * wrote replaces what was read, so two manifest workflows sharing a name see each other.
     */
    private static final class Listing {

        private final MwaaServerlessClient client;
        private final Map<String, WorkflowSummary> byName = new HashMap<>();
        private String nextToken;
        private boolean complete;

        Listing(MwaaServerlessClient client) {
            this.client = client;
        }

        Optional<WorkflowSummary> find(String name) {
            while (!byName.containsKey(name) && !complete) {
                readPage();
            }
            return Optional.ofNullable(byName.get(name));
        }

        void wrote(WorkflowSummary workflow) {
            byName.put(workflow.name(), workflow);
        }

        private void readPage() {
            ListWorkflowsResponse page;
            try {
                page = client.listWorkflows(b -> b.maxResults(PAGE_SIZE).nextToken(nextToken));
            } catch (SdkException e) {
                throw translate(e, "airflow-serverless:ListWorkflows");
            }
            // Names are unique per account: the first seen stays, as a scan in listing order would find it.
            page.workflows().forEach(workflow -> byName.putIfAbsent(workflow.name(), workflow));
            nextToken = page.nextToken();
            complete = nextToken == null || nextToken.isEmpty();
        }
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

    private CreateWorkflowResponse create(MwaaServerlessClient client, String name, String description,
                                          WorkflowSpec spec) {
        String role = roleArn.apply(spec);
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put(DOMAIN_TAG, spec.domainId());
        tags.put(PROJECT_TAG, spec.projectId());
        tags.put(WORKFLOW_TAG, spec.name());
        try {
            return client.createWorkflow(b -> b.name(name)
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
