package com.smuscicd.deploy;

import com.smuscicd.manifest.PipelineManifest;

/**
 * The spec's CLI flags that override {@code monitoring.eventbridge}: {@code --emit-events},
 * {@code --no-events}, {@code --event-bus-name}.
 *
 * <ul>
 *   <li>{@code --no-events}: no events, whatever the manifest says;</li>
 *   <li>{@code --emit-events}: events on, even without a monitoring block (bus {@code default},
 *       metadata included unless the manifest says otherwise);</li>
 *   <li>{@code --event-bus-name}: the bus to use (name or ARN); it does not turn events on by
 *       itself, so a manifest without monitoring needs {@code --emit-events} as well.</li>
 * </ul>
 *
 * @param eventBusName null when not given
 */
public record EventOverrides(boolean emitEvents, boolean noEvents, String eventBusName) {

    /** No flag given. */
    public static final EventOverrides NONE = new EventOverrides(false, false, null);

    public EventOverrides {
        if (emitEvents && noEvents) {
            throw new IllegalArgumentException("--emit-events and --no-events cannot be used together");
        }
    }

    /** The monitoring settings after the flags are applied. */
    public PipelineManifest.Monitoring apply(PipelineManifest.Monitoring manifest) {
        if (noEvents) {
            return new PipelineManifest.Monitoring(false, manifest.eventBusName(), manifest.includeMetadata());
        }
        String bus = eventBusName != null ? eventBusName : manifest.eventBusName();
        if (emitEvents) {
            // Without a monitoring block the spec's default applies: metadata included.
            // (identity, not equals: an explicit "enabled: false, includeMetadata: false" is equal in value.)
            boolean metadata = manifest == PipelineManifest.Monitoring.DISABLED || manifest.includeMetadata();
            return new PipelineManifest.Monitoring(true, bus, metadata);
        }
        return new PipelineManifest.Monitoring(manifest.enabled(), bus, manifest.includeMetadata());
    }
}
