package com.smuscicd.deploy;

import java.util.Optional;

/**
 * The SageMaker Unified Studio (Amazon DataZone) operations the phases need.
 *
 * <p>Adapters translate throttling and 5xx into {@link com.smuscicd.errors.RetryablePhaseException}
 * and access denied / validation errors into {@link com.smuscicd.errors.PhaseFailure}.
 */
public interface DataZoneGateway {

    /** The domain with this exact name in {@code region}, if any. */
    Optional<DomainRef> findDomainByName(String name, String region);

    /** The project with this exact name in the domain, if any. */
    Optional<ProjectRef> findProjectByName(DomainRef domain, String name);

    /** Creates a project; the caller has checked that none of that name exists. */
    ProjectRef createProject(DomainRef domain, String name);

    /** Where the project keeps its files (its tooling environment's S3 location), e.g. {@code s3://bucket/dzd/prj/shared/}. */
    S3Location projectS3Location(DomainRef domain, ProjectRef project);

    /**
     * Where the project keeps its files and, when the domain provides it, the role its workflows
     * run as (the user role of its tooling environment). Adapters that read both from one place
     * override this to read it once; the default knows only the location.
     */
    default ProjectResources projectResources(DomainRef domain, ProjectRef project) {
        return new ProjectResources(projectS3Location(domain, project), null);
    }

    /** The published catalog listing for an asset name, if any. */
    Optional<ListingRef> findListing(DomainRef domain, String assetName);

    /**
     * Requests a subscription of the project to the listing. An existing subscription, grant or
     * pending request for the same listing and project is recognised and reported, not duplicated.
     */
    SubscriptionOutcome subscribe(DomainRef domain, ProjectRef project, ListingRef listing, String permission,
                                  String reason);

    /**
     * What ProjectInitialization resolves for the later phases.
     *
     * @param s3Location  where the project keeps its files
     * @param userRoleArn the role the project's workflows run as; null when unknown
     */
    record ProjectResources(S3Location s3Location, String userRoleArn) {
    }

    /** A DataZone domain. */
    record DomainRef(String id, String name, String region) {
    }

    /** A project in a domain; {@code created} is true when this deployment created it. */
    record ProjectRef(String id, String name, boolean created) {
    }

    /** A catalog listing. */
    record ListingRef(String id, String name, String revision) {
    }

    /** What {@link #subscribe} found or did. */
    enum SubscriptionOutcome { REQUESTED, ALREADY_REQUESTED, ALREADY_SUBSCRIBED }
}
