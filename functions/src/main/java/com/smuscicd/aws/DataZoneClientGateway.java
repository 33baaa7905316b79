package com.smuscicd.aws;

import com.smuscicd.deploy.DataZoneGateway;
import com.smuscicd.deploy.S3Location;
import com.smuscicd.errors.PhaseFailure;
import com.smuscicd.errors.RetryablePhaseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.LongSupplier;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.datazone.DataZoneClient;
import software.amazon.awssdk.services.datazone.model.AssetListingItem;
import software.amazon.awssdk.services.datazone.model.ConflictException;
import software.amazon.awssdk.services.datazone.model.CreateProjectResponse;
import software.amazon.awssdk.services.datazone.model.DataProductListingItem;
import software.amazon.awssdk.services.datazone.model.DomainSummary;
import software.amazon.awssdk.services.datazone.model.EnvironmentStatus;
import software.amazon.awssdk.services.datazone.model.EnvironmentSummary;
import software.amazon.awssdk.services.datazone.model.GetEnvironmentResponse;
import software.amazon.awssdk.services.datazone.model.ProjectSummary;
import software.amazon.awssdk.services.datazone.model.Resource;
import software.amazon.awssdk.services.datazone.model.ResourceNotFoundException;
import software.amazon.awssdk.services.datazone.model.SearchResultItem;
import software.amazon.awssdk.services.datazone.model.SubscribedListingInput;
import software.amazon.awssdk.services.datazone.model.SubscribedPrincipalInput;
import software.amazon.awssdk.services.datazone.model.SubscribedProjectInput;
import software.amazon.awssdk.services.datazone.model.SubscriptionRequestStatus;
import software.amazon.awssdk.services.datazone.model.SubscriptionStatus;
import software.amazon.awssdk.services.datazone.model.ValidationException;

/**
 * {@link DataZoneGateway} on the Amazon DataZone API, which SageMaker Unified Studio domains and
 * projects are.
 *
 * <ul>
 *   <li>Domain by name: {@code ListDomains}, every page, exact name, deleted domains skipped.</li>
 *   <li>Project by name: {@code ListProjects} with the {@code name} filter, every page, exact name
 *       (the service filter is not an exact match).</li>
 *   <li>Create project: {@code CreateProject} with the project profile of {@code PROJECT_PROFILE_ID}
 *       (SageMaker Unified Studio domains require one: it decides the project's environments,
 *       including the tooling environment that owns the project's S3 location; plain DataZone (V1)
 *       domains take none). A concurrent creation of the same name ({@code ConflictException})
 *       resolves to the project that won.</li>
 *   <li>S3 location: the {@code s3BucketPath} provisioned resource of the project's tooling
 *       environment ({@code ListEnvironments} for the project, the one named {@value #TOOLING_ENVIRONMENT}
 *       first, then {@code GetEnvironment}). A new project's environments are still being created:
 *       this waits for them up to the ready timeout, then fails retryably ({@code PROJECT_NOT_READY}).</li>
 *   <li>Listing: {@code SearchListings} by the asset name, every page, exact name (asset or data product).</li>
 *   <li>Subscribe: an approved subscription ({@code ListSubscriptions}) or a pending request
 *       ({@code ListSubscriptionRequests}) of the project to the listing counts as done; otherwise
 *       {@code CreateSubscriptionRequest} with the project as principal. A {@code ConflictException}
 *       saying the request already exists is {@code ALREADY_REQUESTED}.</li>
 * </ul>
 */
public final class DataZoneClientGateway implements DataZoneGateway {

    /** The name SageMaker Unified Studio gives a project's tooling environment. */
    public static final String TOOLING_ENVIRONMENT = "Tooling";
    /** The provisioned resource holding the project's S3 location. */
    public static final String S3_PATH_RESOURCE = "s3BucketPath";
    /** The provisioned resource holding the project's user role (the role its workflows run as). */
    public static final String USER_ROLE_RESOURCE = "userRoleArn";
    /** How long a new project's tooling environment may take to become usable by default. */
    public static final Duration DEFAULT_READY_TIMEOUT = Duration.ofSeconds(90);
    static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(10);

    static final String DEFAULT_REASON = "Requested by smus-cicd deployment";

    private static final Set<String> GONE_DOMAIN_STATUSES = Set.of("DELETING", "DELETED", "CREATION_FAILED");
    private static final Set<String> UNUSABLE_PROJECT_STATUSES = Set.of("DELETING", "DELETE_FAILED");
    private static final Set<EnvironmentStatus> ENVIRONMENT_IN_PROGRESS =
            Set.of(EnvironmentStatus.CREATING, EnvironmentStatus.UPDATING);

    private final Function<String, DataZoneClient> clientForRegion;
    private final String projectProfileId;
    private final Duration readyTimeout;
    private final Duration pollInterval;
    private final Sleeper sleeper;
    private final LongSupplier nanoTime;

    DataZoneClientGateway(Function<String, DataZoneClient> clientForRegion, String projectProfileId,
                          Duration readyTimeout, Duration pollInterval, Sleeper sleeper, LongSupplier nanoTime) {
        this.clientForRegion = Objects.requireNonNull(clientForRegion, "clientForRegion");
        this.projectProfileId = projectProfileId == null || projectProfileId.isBlank() ? null : projectProfileId.trim();
        this.readyTimeout = readyTimeout;
        this.pollInterval = pollInterval;
        this.sleeper = sleeper;
        this.nanoTime = nanoTime;
    }

    /** The DataZone client of a region (a domain lives in one region, which may not be ours). */
    public static final AwsClients.Service<DataZoneClient> CLIENT =
            AwsClients.service("datazone", DataZoneClient::builder);

    /**
     * A gateway over the per-region clients of {@code clients}, configured from the environment:
     * {@code PROJECT_PROFILE_ID} (profile of the projects it creates) and
     * {@code PROJECT_READY_TIMEOUT_SECONDS} (how long to wait for a new project's tooling environment).
     */
    public static DataZoneClientGateway fromEnvironment(Map<String, String> env, AwsClients clients) {
        Objects.requireNonNull(clients, "clients");
        return create(region -> clients.client(CLIENT, region), env.get("PROJECT_PROFILE_ID"),
                Duration.ofSeconds(AwsPorts.positive(env, "PROJECT_READY_TIMEOUT_SECONDS",
                        DEFAULT_READY_TIMEOUT.toSeconds())));
    }

    /**
     * A gateway over per-region clients.
     *
     * @param clientForRegion the DataZone client of a domain's region
     * @param projectProfileId the project profile new projects are created with; null for none
     * @param readyTimeout how long to wait for a new project's tooling environment
     */
    public static DataZoneClientGateway create(Function<String, DataZoneClient> clientForRegion,
                                               String projectProfileId, Duration readyTimeout) {
        return new DataZoneClientGateway(clientForRegion, projectProfileId, readyTimeout, DEFAULT_POLL_INTERVAL,
                duration -> Thread.sleep(duration.toMillis()), System::nanoTime);
    }

    @Override
    public Optional<DomainRef> findDomainByName(String name, String region) {
        try {
            for (DomainSummary domain : client(region).listDomainsPaginator(b -> b.maxResults(25)).items()) {
                if (name.equals(domain.name()) && !GONE_DOMAIN_STATUSES.contains(domain.statusAsString())) {
                    return Optional.of(new DomainRef(domain.id(), domain.name(), region));
                }
            }
            return Optional.empty();
        } catch (SdkException e) {
            throw AwsErrors.translate(e, "datazone:ListDomains in " + region);
        }
    }

    @Override
    public Optional<ProjectRef> findProjectByName(DomainRef domain, String name) {
        try {
            for (ProjectSummary project : client(domain.region()).listProjectsPaginator(b -> b
                    .domainIdentifier(domain.id()).name(name).maxResults(50)).items()) {
                if (!name.equals(project.name())) {
                    continue;
                }
                if (UNUSABLE_PROJECT_STATUSES.contains(project.projectStatusAsString())) {
                    throw new PhaseFailure("PROJECT_NOT_USABLE", "project '" + name + "' (" + project.id()
                            + ") in domain '" + domain.name() + "' is " + project.projectStatusAsString());
                }
                return Optional.of(new ProjectRef(project.id(), project.name(), false));
            }
            return Optional.empty();
        } catch (SdkException e) {
            throw AwsErrors.translate(e, "datazone:ListProjects in domain " + domain.id());
        }
    }

    @Override
    public ProjectRef createProject(DomainRef domain, String name) {
        try {
            CreateProjectResponse created = client(domain.region()).createProject(b -> b
                    .domainIdentifier(domain.id())
                    .name(name)
                    .description("Created by smus-cicd")
                    .projectProfileId(projectProfileId));
            return new ProjectRef(created.id(), created.name(), true);
        } catch (ConflictException e) {
            // Created between our lookup and this call: by a concurrent deployment, or by this very call
            // when the SDK retried after a lost response. Either way the project is brand new, so it is
            // reported as created and its environments are waited for like those of a project we created.
            return findProjectByName(domain, name)
                    .map(found -> new ProjectRef(found.id(), found.name(), true))
                    .orElseThrow(() -> new PhaseFailure("PROJECT_CREATE_CONFLICT",
                            "creating project '" + name + "': " + AwsErrors.errorMessage(e), e));
        } catch (ValidationException e) {
            String hint = projectProfileId == null
                    ? " (SageMaker Unified Studio domains need a project profile: deploy the orchestrator with"
                            + " -c projectProfileId=<id>, which sets the function's PROJECT_PROFILE_ID)" : "";
            throw new PhaseFailure("PROJECT_CREATE_INVALID", "creating project '" + name + "' in domain '"
                    + domain.name() + "': " + AwsErrors.errorMessage(e) + hint, e);
        } catch (SdkException e) {
            throw AwsErrors.translate(e, "datazone:CreateProject " + name);
        }
    }

    @Override
    public S3Location projectS3Location(DomainRef domain, ProjectRef project) {
        return projectResources(domain, project).s3Location();
    }

    /**
     * Both from the tooling environment, in one read: its {@value #S3_PATH_RESOURCE} (required; waits
     * for a new project's environment) and its {@value #USER_ROLE_RESOURCE}, the role SageMaker
     * Unified Studio runs the project's workflows as.
     */
    @Override
    public ProjectResources projectResources(DomainRef domain, ProjectRef project) {
        Map<String, String> resources = provisionedResources(domain.id(), domain.region(), project.id(),
                project.created(), S3_PATH_RESOURCE, USER_ROLE_RESOURCE);
        String path = resources.get(S3_PATH_RESOURCE);
        return new ProjectResources(S3Location.parse(path.startsWith("s3://") ? path : "s3://" + path),
                resources.get(USER_ROLE_RESOURCE));
    }

    @Override
    public Optional<ListingRef> findListing(DomainRef domain, String assetName) {
        try {
            for (SearchResultItem item : client(domain.region()).searchListingsPaginator(b -> b
                    .domainIdentifier(domain.id()).searchText(assetName).maxResults(50)).items()) {
                AssetListingItem asset = item.assetListing();
                if (asset != null && assetName.equals(asset.name())) {
                    return Optional.of(new ListingRef(asset.listingId(), asset.name(), asset.listingRevision()));
                }
                DataProductListingItem product = item.dataProductListing();
                if (product != null && assetName.equals(product.name())) {
                    return Optional.of(new ListingRef(product.listingId(), product.name(), product.listingRevision()));
                }
            }
            return Optional.empty();
        } catch (SdkException e) {
            throw AwsErrors.translate(e, "datazone:SearchListings '" + assetName + "'");
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>{@code permission} is not sent: a DataZone subscription grants read access, the only
     * permission the manifest allows.
     */
    @Override
    public SubscriptionOutcome subscribe(DomainRef domain, ProjectRef project, ListingRef listing, String permission,
                                         String reason) {
        DataZoneClient dataZone = client(domain.region());
        try {
            boolean subscribed = dataZone.listSubscriptionsPaginator(b -> b.domainIdentifier(domain.id())
                            .owningProjectId(project.id()).subscribedListingId(listing.id())
                            .status(SubscriptionStatus.APPROVED))
                    .items().iterator().hasNext();
            if (subscribed) {
                return SubscriptionOutcome.ALREADY_SUBSCRIBED;
            }
            boolean pending = dataZone.listSubscriptionRequestsPaginator(b -> b.domainIdentifier(domain.id())
                            .owningProjectId(project.id()).subscribedListingId(listing.id())
                            .status(SubscriptionRequestStatus.PENDING))
                    .items().iterator().hasNext();
            if (pending) {
                return SubscriptionOutcome.ALREADY_REQUESTED;
            }
        } catch (SdkException e) {
            throw AwsErrors.translate(e, "datazone:ListSubscriptions for listing " + listing.id());
        }
        try {
            dataZone.createSubscriptionRequest(b -> b.domainIdentifier(domain.id())
                    .requestReason(reason == null || reason.isBlank() ? DEFAULT_REASON : reason)
                    .subscribedListings(SubscribedListingInput.builder().identifier(listing.id()).build())
                    .subscribedPrincipals(SubscribedPrincipalInput.builder()
                            .project(SubscribedProjectInput.builder().identifier(project.id()).build())
                            .build()));
            return SubscriptionOutcome.REQUESTED;
        } catch (ConflictException e) {
            if (AwsErrors.errorMessage(e).toLowerCase(Locale.ROOT).contains("already exist")) {
                return SubscriptionOutcome.ALREADY_REQUESTED;
            }
            throw new PhaseFailure("SUBSCRIPTION_CONFLICT", "subscribing project '" + project.name() + "' to '"
                    + listing.name() + "': " + AwsErrors.errorMessage(e), e);
        } catch (SdkException e) {
            throw AwsErrors.translate(e, "datazone:CreateSubscriptionRequest for listing " + listing.id());
        }
    }

    /**
     * The provisioned resources of the project's active environments (the first environment's value
     * of a name wins), waiting for a new project's environments until one provides {@code required}.
     * Environments are read one by one, stopping as soon as {@code required} and {@code wanted} are
     * known: usually the tooling environment, read first, has both.
     */
    private Map<String, String> provisionedResources(String domainId, String region, String projectId,
                                                     boolean newProject, String required, String wanted) {
        DataZoneClient dataZone = client(region);
        long deadline = nanoTime.getAsLong() + readyTimeout.toNanos();
        while (true) {
            List<EnvironmentSummary> environments = environments(dataZone, domainId, projectId);
            boolean inProgress = newProject && environments.isEmpty();
            Map<String, String> found = new LinkedHashMap<>();
            for (EnvironmentSummary environment : environments) {
                if (environment.status() == EnvironmentStatus.ACTIVE) {
                    resources(dataZone, domainId, environment.id()).forEach(found::putIfAbsent);
                    if (found.containsKey(required) && found.containsKey(wanted)) {
                        return found;
                    }
                } else if (ENVIRONMENT_IN_PROGRESS.contains(environment.status())) {
                    inProgress = true;
                }
            }
            if (found.containsKey(required)) {
                return found;
            }
            if (!inProgress) {
                throw new PhaseFailure("PROJECT_S3_LOCATION_NOT_FOUND", "no active environment of project "
                        + projectId + " provides '" + required + "' (expected in its " + TOOLING_ENVIRONMENT
                        + " environment)");
            }
            if (nanoTime.getAsLong() + pollInterval.toNanos() > deadline) {
                throw new RetryablePhaseException("PROJECT_NOT_READY", "the environments of project " + projectId
                        + " are still being created after " + readyTimeout.toSeconds() + " s");
            }
            pause();
        }
    }

    /** The project's environments, the tooling environment first. */
    private static List<EnvironmentSummary> environments(DataZoneClient dataZone, String domainId, String projectId) {
        List<EnvironmentSummary> environments = new ArrayList<>();
        try {
            dataZone.listEnvironmentsPaginator(b -> b.domainIdentifier(domainId).projectIdentifier(projectId)
                    .maxResults(50)).items().forEach(environments::add);
        } catch (SdkException e) {
            throw AwsErrors.translate(e, "datazone:ListEnvironments of project " + projectId);
        }
        environments.sort(Comparator.comparing(e -> !TOOLING_ENVIRONMENT.equalsIgnoreCase(e.name())));
        return environments;
    }

    /** The environment's provisioned resources with a value, by name; empty when it is gone. */
    private static Map<String, String> resources(DataZoneClient dataZone, String domainId, String environmentId) {
        GetEnvironmentResponse environment;
        try {
            environment = dataZone.getEnvironment(b -> b.domainIdentifier(domainId).identifier(environmentId));
        } catch (ResourceNotFoundException e) {
            // Deleted between the list and the get.
            return Map.of();
        } catch (SdkException e) {
            throw AwsErrors.translate(e, "datazone:GetEnvironment " + environmentId);
        }
        Map<String, String> resources = new LinkedHashMap<>();
        for (Resource resource : environment.provisionedResources()) {
            if (resource.name() != null && resource.value() != null && !resource.value().isBlank()) {
                resources.putIfAbsent(resource.name(), resource.value().trim());
            }
        }
        return resources;
    }

    private DataZoneClient client(String region) {
        return clientForRegion.apply(region);
    }

    private void pause() {
        try {
            sleeper.sleep(pollInterval);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RetryablePhaseException("INTERRUPTED", "interrupted while waiting for the project's environments");
        }
    }

    /** Waits between polls; replaced in tests. */
    @FunctionalInterface
    interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }
}
