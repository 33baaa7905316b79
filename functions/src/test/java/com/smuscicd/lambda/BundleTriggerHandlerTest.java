package com.smuscicd.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.smuscicd.deploy.BundleArchive;
import com.smuscicd.deploy.BundleStore;
import com.smuscicd.deploy.S3Location;
import com.smuscicd.errors.PhaseFailure;
import com.smuscicd.json.Json;
import com.smuscicd.trigger.BundleTrigger;
import com.smuscicd.trigger.RecordingPublishers;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The trigger handler adapts an EventBridge S3 event to {@link BundleTrigger} and answers its outcome as JSON. */
class BundleTriggerHandlerTest {

    private final Map<S3Location, byte[]> objects = new HashMap<>();
    private final List<String> started = new ArrayList<>();
    private final RecordingPublishers publishers = new RecordingPublishers();

    private final BundleStore store = new BundleStore() {
        @Override
        public InputStream open(S3Location location, String versionId) {
            byte[] content = objects.get(location);
            if (content == null) {
                throw new PhaseFailure("BUNDLE_NOT_FOUND", location + " does not exist");
            }
            return new ByteArrayInputStream(content);
        }

        @Override
        public PutOutcome put(S3Location location, byte[] content, String sha256Hex) {
            objects.put(location, content);
            return PutOutcome.UPLOADED;
        }
    };

    private BundleTriggerHandler handler() {
        return new BundleTriggerHandler(BundleTrigger.create(store, (location, versionId) -> Map.of(), (name, input) -> {
            started.add(input);
            return new BundleTrigger.StartedExecution("arn:aws:states:us-east-1:123456789012:execution:deploy:" + name,
                    false);
        }, publishers, null, Clock.systemUTC(), BundleArchive.DEFAULT_MAX_BYTES));
    }

    @Test
    void handleRequest_whenAValidBundleIsUploaded_answersTheStartedExecution() throws IOException {
        TreeMap<String, byte[]> entries = new TreeMap<>();
        entries.put("pipeline.yaml", read("/com/smuscicd/trigger/pipeline.yaml"));
        entries.put("workflows/daily_sales_etl.py", "# dag".getBytes(StandardCharsets.UTF_8));
        objects.put(new S3Location("smus-bundles", "MyPipeline/prod/bundle.zip"), BundleArchive.write(entries));

        JsonNode outcome = HandlerRoundTripTest.invoke(handler()::handleRequest, "/com/smuscicd/trigger/object-created.json");

        assertThat(outcome.path("status").asText()).isEqualTo("STARTED");
        assertThat(outcome.path("executionArn").asText()).startsWith("arn:aws:states:us-east-1:123456789012:execution:");
        assertThat(started).singleElement().satisfies(input ->
                assertThat(Json.read(input).path("deployment").path("target").path("name").asText())
                        .isEqualTo("prod"));
    }

    @Test
    void handleRequest_whenTheBundleIsBad_answersNormallyWithTheRejection() throws IOException {
        objects.put(new S3Location("smus-bundles", "MyPipeline/prod/bundle.zip"),
                "not a zip".getBytes(StandardCharsets.UTF_8));

        JsonNode outcome = HandlerRoundTripTest.invoke(handler()::handleRequest, "/com/smuscicd/trigger/object-created.json");

        assertThat(outcome.path("status").asText()).isEqualTo("REJECTED");
        assertThat(outcome.path("errorCode").asText()).isEqualTo("BUNDLE_INVALID");
        assertThat(started).isEmpty();
        assertThat(publishers.published()).hasSize(1);
    }

    private static byte[] read(String resource) throws IOException {
        try (InputStream in = BundleTriggerHandlerTest.class.getResourceAsStream(resource)) {
            return in.readAllBytes();
        }
    }
}
