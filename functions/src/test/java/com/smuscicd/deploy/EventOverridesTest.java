package com.smuscicd.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.smuscicd.manifest.PipelineManifest.Monitoring;
import org.junit.jupiter.api.Test;

class EventOverridesTest {

    @Test
    void apply_whenNoEvents_disablesWhateverTheManifestSays() {
        Monitoring applied = new EventOverrides(false, true, null).apply(new Monitoring(true, "bus", true));

        assertThat(applied.enabled()).isFalse();
    }

    @Test
    void apply_whenEmitEventsWithoutMonitoringBlock_enablesWithMetadataOnTheDefaultBus() {
        Monitoring applied = new EventOverrides(true, false, null).apply(Monitoring.DISABLED);

        assertThat(applied).isEqualTo(new Monitoring(true, "default", true));
    }

    @Test
    void apply_whenEmitEventsButManifestExcludesMetadata_keepsMetadataOut() {
        Monitoring explicit = new Monitoring(false, "default", false);

        Monitoring applied = new EventOverrides(true, false, null).apply(explicit);

        assertThat(applied).isEqualTo(new Monitoring(true, "default", false));
    }

    @Test
    void apply_whenOnlyBusNameGiven_overridesTheBusButNotTheSwitch() {
        assertThat(new EventOverrides(false, false, "team-bus").apply(new Monitoring(true, "default", true)))
                .isEqualTo(new Monitoring(true, "team-bus", true));
        assertThat(new EventOverrides(false, false, "team-bus").apply(Monitoring.DISABLED).enabled()).isFalse();
    }

    @Test
    void create_whenBothSwitchesGiven_isRejected() {
        assertThatThrownBy(() -> new EventOverrides(true, true, null))
                .hasMessageContaining("--emit-events and --no-events");
    }
}
