package com.smuscicd.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.smuscicd.deploy.EmitterFactory;
import com.smuscicd.deploy.TaskInput;
import com.smuscicd.json.Json;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventEmitterDisabledTest {

    @Test
    void everyEmission_whenEmitterDisabled_makesNoPublisherCall() {
        TestEvents.RecordingPublisher enabledRecorder = new TestEvents.RecordingPublisher(null);
        EventEmitter disabled = EventEmitter.disabled(TestEvents.context(TestEvents.metadata()), TestEvents.clock());

        runEveryKindOfEmission(disabled);
        runEveryKindOfEmission(EventEmitter.create(enabledRecorder, TestEvents.context(null), TestEvents.clock()));

        assertThat(disabled.enabled()).isFalse();
        // the same calls on an enabled emitter do publish: the disabled one is silent by choice, not by accident
        assertThat(enabledRecorder.calls()).hasSize(4);
    }

    @Test
    void emitterFactory_whenMonitoringDisabled_neverCreatesAPublisher() {
        TestEvents.RecordingPublisher recorder = new TestEvents.RecordingPublisher(null);
        int[] publishersCreated = {0};
        EmitterFactory factory = new EmitterFactory(bus -> {
            publishersCreated[0]++;
            return recorder;
        }, TestEvents.clock());

        EventEmitter emitter = factory.forTask(TaskInput.from(
                Json.read(EventEmitterMetadataTest.taskInput(false, true))));
        runEveryKindOfEmission(emitter);

        assertThat(emitter.enabled()).isFalse();
        assertThat(publishersCreated[0]).isZero();
        assertThat(recorder.calls()).isEmpty();
    }

    private static void runEveryKindOfEmission(EventEmitter emitter) {
        emitter.started(Stage.DEPLOY);
        emitter.completed(Stage.PROJECT_INITIALIZATION, 5, Map.of("projectId", "p"));
        emitter.phaseFailed(Stage.BUNDLE_UPLOAD, 5, new EventDetail.ErrorInfo("X", "y"), Map.of());
        emitter.deployFailed(Stage.BUNDLE_UPLOAD, true, 5, 10, new EventDetail.ErrorInfo("X", "y"), Map.of());
    }
}
