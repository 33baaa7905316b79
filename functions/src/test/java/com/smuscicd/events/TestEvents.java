package com.smuscicd.events;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds the events of whole deployments the way the phases do: through a real {@link EventEmitter}. */
final class TestEvents {

    static final Instant NOW = Instant.parse("2025-11-04T12:30:00.123Z");
    static final String EXECUTION_ARN =
            "arn:aws:states:us-east-1:123456789012:execution:smus-cicd-deploy:7f9c2b1e-4d3a-4c8e-9b6f-0a1d2e3f4a5b";

    private TestEvents() {
    }

    static DeploymentContext context(Metadata metadata) {
        EventDetail.TargetInfo target = new EventDetail.TargetInfo("prod", "PROD",
                new EventDetail.DomainInfo("my-domain", "us-east-1", "dzd_5r8t2y6u1i9o"),
                new EventDetail.ProjectInfo("prod-project", "3k7m1p5s9v2x"));
        return new DeploymentContext("7f9c2b1e-4d3a-4c8e-9b6f-0a1d2e3f4a5b", "MyPipeline", target, metadata,
                List.of(EXECUTION_ARN));
    }

    static Metadata metadata() {
        return new Metadata("runner", "a3f1c9e7b5d2f0a8c6e4b2d0f8a6c4e2b0d8f6a4", "main",
                "https://github.com/example-org/ml-pipelines", "github-actions", "12345",
                "https://github.com/example-org/ml-pipelines/actions/runs/12345", "2025-11-04T12:01:17Z");
    }

    static Clock clock() {
        return Clock.fixed(NOW, ZoneOffset.UTC);
    }

    /** The 10 events of a successful deployment, in emission order. */
    static List<DeploymentEvent> success() {
        RecordingPublisher recorder = new RecordingPublisher(null);
        runSuccess(recorder);
        return recorder.events();
    }

    /** Emits a successful deployment, one publish call per event as the phases do. */
    static void runSuccess(EventPublisher publisher) {
        EventEmitter emitter = EventEmitter.create(publisher, context(metadata()), clock());
        emitter.started(Stage.DEPLOY);
        Map<String, Long> durations = new LinkedHashMap<>();
        for (Stage phase : Stage.phases()) {
            emitter.started(phase);
            long duration = 1_000L * phase.position();
            emitter.completed(phase, duration, details(phase));
            durations.put(phase.outputKey(), duration);
        }
        emitter.completed(Stage.DEPLOY, 10_000, Map.of("phaseDurationsMs", durations, "executionArn", EXECUTION_ARN));
    }

    /** The 6 events of a deployment whose bundle upload failed (the last two in one publish call). */
    static List<DeploymentEvent> bundleUploadFailure() {
        RecordingPublisher recorder = new RecordingPublisher(null);
        runBundleUploadFailure(recorder);
        return recorder.events();
    }

    /** Emits a deployment whose bundle upload failed; the last call holds the phase's and the deployment's Failed. */
    static void runBundleUploadFailure(EventPublisher publisher) {
        EventEmitter emitter = EventEmitter.create(publisher, context(metadata()), clock());
        emitter.started(Stage.DEPLOY);
        emitter.started(Stage.PROJECT_INITIALIZATION);
        emitter.completed(Stage.PROJECT_INITIALIZATION, 1_200, details(Stage.PROJECT_INITIALIZATION));
        emitter.started(Stage.BUNDLE_UPLOAD);
        emitter.deployFailed(Stage.BUNDLE_UPLOAD, true, 800, 2_400,
                new EventDetail.ErrorInfo("BUNDLE_UPLOAD_FAILED", "Access Denied writing s3://bucket/bundle.zip"),
                Map.of("failedPhase", Stage.BUNDLE_UPLOAD.value()));
    }

    /** {@code count} events with distinct sequences, each carrying {@code padding} bytes of details. */
    static List<DeploymentEvent> withPadding(int count, int padding) {
        List<DeploymentEvent> events = new ArrayList<>();
        List<DeploymentEvent> template = success();
        for (int i = 0; i < count; i++) {
            DeploymentEvent base = template.get(i % template.size());
            EventDetail d = base.detail();
            EventDetail detail = new EventDetail(d.version(), d.timestamp(), d.pipelineName(), d.stage(), d.status(),
                    d.target(), d.metadata(), d.deploymentId(), i + 1, d.durationMs(), d.error(),
                    padding == 0 ? d.details() : Map.of("padding", "x".repeat(padding)));
            events.add(new DeploymentEvent("event-" + (i + 1), base.detailType(), base.source(), base.time(),
                    base.resources(), detail));
        }
        return events;
    }

    static Map<String, Object> details(Stage phase) {
        return switch (phase) {
            case PROJECT_INITIALIZATION -> Map.of("domainId", "dzd_5r8t2y6u1i9o", "projectId", "3k7m1p5s9v2x",
                    "projectCreated", false, "s3Location", "s3://amazon-sagemaker-123456789012-us-east-1/dzd/3k7m");
            case BUNDLE_UPLOAD -> Map.of("bundleLocation", "s3://smus-bundles/MyPipeline/prod/bundle.zip",
                    "files", 12, "bytes", 48213,
                    "digest", "sha256:" + "ab".repeat(32), "uploaded", 3, "unchanged", 9);
            case WORKFLOW_CREATION -> Map.of("workflows", List.of("etl_daily", "train_model"), "count", 2,
                    "created", 1, "updated", 1, "unchanged", 0);
            case CATALOG_ASSETS -> Map.of("count", 2, "requested", 1, "alreadySubscribed", 1,
                    "assets", List.of("sales.orders", "sales.customers"));
            case DEPLOY -> Map.of();
        };
    }

    /** A publisher that records every call and its result, and forwards to another one (or delivers all). */
    static final class RecordingPublisher implements EventPublisher {

        private final EventPublisher downstream;
        private final List<List<DeploymentEvent>> calls = new ArrayList<>();
        private final List<PublishResult> results = new ArrayList<>();

        RecordingPublisher(EventPublisher downstream) {
            this.downstream = downstream;
        }

        @Override
        public PublishResult publish(List<DeploymentEvent> events) {
            calls.add(List.copyOf(events));
            PublishResult result = downstream == null ? PublishResult.allDelivered(events.size())
                    : downstream.publish(events);
            results.add(result);
            return result;
        }

        List<List<DeploymentEvent>> calls() {
            return calls;
        }

        List<PublishResult> results() {
            return results;
        }

        List<DeploymentEvent> events() {
            return calls.stream().flatMap(List::stream).toList();
        }
    }
}
