package com.smuscicd.lambda;

import com.smuscicd.deploy.DataZoneGateway;
import com.smuscicd.deploy.S3Location;
import com.smuscicd.errors.PhaseFailure;
import java.util.Optional;

/** A DataZone with one domain and one project, or (failing) none reachable at all. */
final class InMemoryDataZone implements DataZoneGateway {

    private final boolean accessDenied;

    InMemoryDataZone(boolean accessDenied) {
        this.accessDenied = accessDenied;
    }

    @Override
    public Optional<DomainRef> findDomainByName(String name, String region) {
        if (accessDenied) {
            throw new PhaseFailure("ACCESS_DENIED", "not authorized to perform: datazone:ListDomains");
        }
        return Optional.of(new DomainRef("dzd_prod", name, region));
    }

    @Override
    public Optional<ProjectRef> findProjectByName(DomainRef domain, String name) {
        return Optional.of(new ProjectRef("prj_1", name, false));
    }

    @Override
    public ProjectRef createProject(DomainRef domain, String name) {
        throw new AssertionError("the project exists");
    }

    @Override
    public S3Location projectS3Location(DomainRef domain, ProjectRef project) {
        return S3Location.parse("s3://amazon-sagemaker-123456789012-us-east-1-abc123/dzd_prod/prj_1/dev");
    }

    @Override
    public Optional<ListingRef> findListing(DomainRef domain, String assetName) {
        return Optional.empty();
    }

    @Override
    public SubscriptionOutcome subscribe(DomainRef domain, ProjectRef project, ListingRef listing, String permission,
                                         String reason) {
        return SubscriptionOutcome.REQUESTED;
    }
}
