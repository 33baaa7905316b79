package com.smuscicd.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.smuscicd.events.schema.EventContract;
import com.smuscicd.json.Json;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The events the Java code builds satisfy the published contract (the events-schema module's JSON Schema). */
class EventEmitterContractTest {

    @Test
    void everyEvent_ofSuccessfulDeployment_validatesAgainstDetailSchema() {
        List<DeploymentEvent> events = TestEvents.success();

        assertThat(events).hasSize(10);
        assertThat(events).extracting(e -> e.detail().sequence()).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
        assertThat(violations(events)).isEmpty();
    }

    @Test
    void everyEvent_ofFailedDeployment_validatesAgainstDetailSchema() {
        List<DeploymentEvent> events = TestEvents.bundleUploadFailure();

        assertThat(events).extracting(DeploymentEvent::detailType).endsWith(
                "SMUS-CICD-Deploy-BundleUpload-Failed", "SMUS-CICD-Deploy-Failed");
        assertThat(violations(events)).isEmpty();
    }

    @Test
    void everyEvent_withoutMetadata_validatesAgainstDetailSchema() {
        TestEvents.RecordingPublisher recorder = new TestEvents.RecordingPublisher(null);
        EventEmitter emitter = EventEmitter.create(recorder, TestEvents.context(null), TestEvents.clock());
        emitter.started(Stage.DEPLOY);
        emitter.deployFailed(null, false, 0, 3, new EventDetail.ErrorInfo("INVALID_INPUT", "no target"), null);

        assertThat(violations(recorder.events())).isEmpty();
    }

    @Test
    void detailTypesAndSource_ofEmittedEvents_areThoseOfTheContract() {
        List<DeploymentEvent> events = new ArrayList<>(TestEvents.success());
        events.addAll(TestEvents.bundleUploadFailure());

        assertThat(events).allSatisfy(e -> {
            assertThat(e.source()).isEqualTo(EventContract.SOURCE);
            assertThat(EventContract.DETAIL_TYPES).contains(e.detailType());
        });
    }

    @Test
    void validateDetail_whenDetailBroken_reportsIt() {
        // guards the tests above against a validator that accepts anything
        JsonNode detail = Json.tree(TestEvents.success().get(0).detail());
        ((com.fasterxml.jackson.databind.node.ObjectNode) detail).put("sequence", 0);

        assertThat(EventContract.validateDetail(detail)).isNotEmpty();
    }

    private static List<String> violations(List<DeploymentEvent> events) {
        List<String> violations = new ArrayList<>();
        for (DeploymentEvent event : events) {
            EventContract.validateDetail(Json.tree(event.detail()))
                    .forEach(message -> violations.add(event.detailType() + ": " + message));
        }
        return violations;
    }
}
