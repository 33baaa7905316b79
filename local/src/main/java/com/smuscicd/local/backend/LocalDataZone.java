package com.smuscicd.local.backend;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.smuscicd.deploy.BundleArchive;
import com.smuscicd.deploy.DataZoneGateway;
import com.smuscicd.deploy.S3Location;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** {@link DataZoneGateway} over the {@link LocalAccount} file. */
public final class LocalDataZone implements DataZoneGateway {

    private final LocalAccount account;

    public LocalDataZone(LocalAccount account) {
        this.account = account;
    }

    @Override
    public Optional<DomainRef> findDomainByName(String name, String region) {
        return account.domainByName(name, region)
                .map(d -> new DomainRef(d.path("id").asText(), d.path("name").asText(), region));
    }

    @Override
    public Optional<ProjectRef> findProjectByName(DomainRef domain, String name) {
        return LocalAccount.find(domain(domain).withArray("projects"), p -> name.equals(p.path("name").asText()))
                .map(p -> new ProjectRef(p.path("id").asText(), name, false));
    }

    @Override
    public ProjectRef createProject(DomainRef domain, String name) {
        return account.change(() -> {
            ObjectNode d = domain(domain);
            // Deterministic id: re-creating after a reset gives the same project id.
            String id = "prj_" + BundleArchive.sha256Hex((domain.id() + "/" + name).getBytes(StandardCharsets.UTF_8))
                    .substring(0, 12);
            String location = "s3://smus-local-" + account.accountId() + "-" + domain.region() + "/" + domain.id()
                    + "/" + id + "/shared/";
            d.withArray("projects").addObject().put("id", id).put("name", name).put("s3Location", location);
            return new ProjectRef(id, name, true);
        });
    }

    @Override
    public S3Location projectS3Location(DomainRef domain, ProjectRef project) {
        return projectResources(domain, project).s3Location();
    }

    /**
     * The project's {@code s3Location} and {@code userRoleArn} from the local account; either may be
     * left out of the file. The location then defaults to a local bucket, the role to the name
     * SageMaker Unified Studio gives a project's user role ({@code datazone_usr_role_<project id>}).
     */
    @Override
    public ProjectResources projectResources(DomainRef domain, ProjectRef project) {
        ObjectNode p = LocalAccount.find(domain(domain).withArray("projects"),
                        n -> project.id().equals(n.path("id").asText()))
                .orElseThrow(() -> new IllegalStateException("project " + project.id() + " vanished"));
        String location = p.path("s3Location").asText(null);
        if (location == null) {
            location = "s3://smus-local-" + account.accountId() + "-" + domain.region() + "/" + domain.id() + "/"
                    + project.id() + "/shared/";
        }
        String role = p.path("userRoleArn").asText(null);
        if (role == null) {
            role = "arn:aws:iam::" + account.accountId() + ":role/datazone_usr_role_" + project.id();
        }
        return new ProjectResources(S3Location.parse(location), role);
    }

    @Override
    public Optional<ListingRef> findListing(DomainRef domain, String assetName) {
        return LocalAccount.find(domain(domain).withArray("listings"), l -> assetName.equals(l.path("name").asText()))
                .map(l -> new ListingRef(l.path("id").asText(), assetName, l.path("revision").asText("1")));
    }

    @Override
    public SubscriptionOutcome subscribe(DomainRef domain, ProjectRef project, ListingRef listing, String permission,
                                         String reason) {
        return account.change(() -> {
            ObjectNode d = domain(domain);
            Optional<ObjectNode> existing = LocalAccount.find(d.withArray("subscriptions"),
                    s -> project.id().equals(s.path("projectId").asText())
                            && listing.id().equals(s.path("listingId").asText()));
            if (existing.isPresent()) {
                return "APPROVED".equals(existing.get().path("status").asText()) ? SubscriptionOutcome.ALREADY_SUBSCRIBED
                        : SubscriptionOutcome.ALREADY_REQUESTED;
            }
            d.withArray("subscriptions").addObject().put("projectId", project.id()).put("listingId", listing.id())
                    .put("status", "PENDING").put("permission", permission).put("reason", reason);
            return SubscriptionOutcome.REQUESTED;
        });
    }

    private ObjectNode domain(DomainRef ref) {
        return account.domainById(ref.id())
                .orElseThrow(() -> new IllegalStateException("domain " + ref.id() + " is not in the local account"));
    }
}
