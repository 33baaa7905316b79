package com.smuscicd.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.smuscicd.deploy.EmitterFactory;
import com.smuscicd.deploy.TaskInput;
import com.smuscicd.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** {@code includeMetadata} decides whether events carry a {@code metadata} object at all. */
class EventEmitterMetadataTest {

    @Test
    void emittedDetail_whenIncludeMetadataFalse_hasNoMetadataObject() {
        TestEvents.RecordingPublisher recorder = new TestEvents.RecordingPublisher(null);
        EventEmitter emitter = new EmitterFactory(bus -> recorder, TestEvents.clock())
                .forTask(TaskInput.from(Json.read(taskInput(true, false))));

        emitter.started(Stage.DEPLOY);

        assertThat(emitter.context().metadata()).isNull();
        JsonNode detail = Json.tree(recorder.events().get(0).detail());
        assertThat(detail.has("metadata")).isFalse();
        assertThat(Json.write(recorder.events().get(0).detail())).doesNotContain("metadata");
    }

    @Test
    void emittedDetail_whenIncludeMetadataTrue_carriesTheDeploymentMetadata() {
        TestEvents.RecordingPublisher recorder = new TestEvents.RecordingPublisher(null);
        EventEmitter emitter = new EmitterFactory(bus -> recorder, TestEvents.clock())
                .forTask(TaskInput.from(Json.read(taskInput(true, true))));

        emitter.started(Stage.DEPLOY);

        JsonNode metadata = Json.tree(recorder.events().get(0).detail()).get("metadata");
        assertThat(metadata.get("cicdPlatform").asText()).isEqualTo("github-actions");
        assertThat(metadata.get("runUrl").asText()).isEqualTo("https://github.com/example-org/ml-pipelines/actions/runs/12345");
    }

    /** The task input fixture with the given monitoring switches. */
    static String taskInput(boolean enabled, boolean includeMetadata) {
        try (InputStream in = EventEmitterMetadataTest.class.getResourceAsStream("task-input.json")) {
            ObjectNode input = (ObjectNode) Json.read(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            ObjectNode monitoring = (ObjectNode) input.at("/state/deployment/monitoring");
            monitoring.put("enabled", enabled);
            monitoring.put("includeMetadata", includeMetadata);
            return Json.write(input);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
