package com.smuscicd.deploy;

import com.smuscicd.errors.PhaseFailure;
import com.smuscicd.events.Stage;
import com.smuscicd.manifest.PipelineManifest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Subscribes the project to each configured catalog asset: finds its listing and requests a
 * subscription with the configured permission and reason; an existing subscription, grant or
 * pending request counts as done.
 */
public final class CatalogAssetsPhase implements Phase {

    private final DataZoneGateway dataZone;

    public CatalogAssetsPhase(DataZoneGateway dataZone) {
        this.dataZone = dataZone;
    }

    @Override
    public Stage stage() {
        return Stage.CATALOG_ASSETS;
    }

    @Override
    public Map<String, Object> run(TaskInput task) {
        List<PipelineManifest.AssetItem> assets = task.deployment().assets();
        List<String> names = new ArrayList<>();
        int requested = 0;
        int existing = 0;
        if (!assets.isEmpty()) {
            ProjectContext project = ProjectContext.of(task);
            for (PipelineManifest.AssetItem asset : assets) {
                DataZoneGateway.ListingRef listing = dataZone.findListing(project.domain(), asset.name())
                        .orElseThrow(() -> new PhaseFailure("ASSET_NOT_FOUND",
                                "no published catalog listing for asset '" + asset.name() + "'"));
                DataZoneGateway.SubscriptionOutcome outcome = dataZone.subscribe(project.domain(), project.project(),
                        listing, asset.permission(), asset.reason());
                names.add(asset.name());
                if (outcome == DataZoneGateway.SubscriptionOutcome.REQUESTED) {
                    requested++;
                } else {
                    existing++;
                }
            }
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("assets", names);
        details.put("count", names.size());
        details.put("requested", requested);
        details.put("alreadySubscribed", existing);
        return details;
    }
}
