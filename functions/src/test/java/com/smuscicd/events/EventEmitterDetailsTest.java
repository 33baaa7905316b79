package com.smuscicd.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** An emitted event keeps its details as they were when emitted: a publisher may serialize it later. */
class EventEmitterDetailsTest {

    @Test
    void completed_whenThePhaseChangesItsDetailsAfterwards_theEventKeepsTheEmittedValues() {
        TestEvents.RecordingPublisher recorder = new TestEvents.RecordingPublisher(null);
        EventEmitter emitter = EventEmitter.create(recorder, TestEvents.context(null), TestEvents.clock());
        List<String> workflows = new ArrayList<>(List.of("etl_daily"));
        Map<String, Long> durations = new LinkedHashMap<>(Map.of("project-init", 1_200L));
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("workflows", workflows);
        details.put("phaseDurationsMs", durations);

        emitter.completed(Stage.WORKFLOW_CREATION, 2_000, details);
        workflows.add("train_model");
        durations.put("bundle-upload", 800L);
        details.put("count", 2);

        Map<String, Object> emitted = recorder.events().get(0).detail().details();
        assertThat(emitted).containsOnlyKeys("workflows", "phaseDurationsMs");
        assertThat(emitted.get("workflows")).isEqualTo(List.of("etl_daily"));
        assertThat(emitted.get("phaseDurationsMs")).isEqualTo(Map.of("project-init", 1_200L));
    }

    @Test
    void completed_detailsAreUnmodifiableAtEveryLevel() {
        TestEvents.RecordingPublisher recorder = new TestEvents.RecordingPublisher(null);
        EventEmitter emitter = EventEmitter.create(recorder, TestEvents.context(null), TestEvents.clock());

        emitter.completed(Stage.CATALOG_ASSETS, 500, TestEvents.details(Stage.CATALOG_ASSETS));

        Map<String, Object> emitted = recorder.events().get(0).detail().details();
        assertThatThrownBy(() -> emitted.put("count", 3)).isInstanceOf(UnsupportedOperationException.class);
        @SuppressWarnings("unchecked")
        List<String> assets = (List<String>) emitted.get("assets");
        assertThatThrownBy(() -> assets.add("sales.returns")).isInstanceOf(UnsupportedOperationException.class);
        assertThat(emitted).isEqualTo(TestEvents.details(Stage.CATALOG_ASSETS));
    }
}
