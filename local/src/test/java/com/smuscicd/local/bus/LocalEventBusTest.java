package com.smuscicd.local.bus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.smuscicd.events.DeploymentContext;
import com.smuscicd.events.DeploymentEvent;
import com.smuscicd.events.EventDetail;
import com.smuscicd.events.EventEmitter;
import com.smuscicd.events.EventPublisher.PublishResult;
import com.smuscicd.events.Metadata;
import com.smuscicd.events.Stage;
import com.smuscicd.events.schema.EventContract;
import com.smuscicd.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LocalEventBusTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2025-11-10T08:00:00.250Z"), ZoneOffset.UTC);

    @TempDir
    Path stateDir;

    private LocalEventBus bus(LocalRules rules) {
        return LocalEventBus.builder().stateDir(stateDir).clock(CLOCK).rules(rules).build();
    }

    @Test
    void publish_whenExamplesPublishedOneByOne_archivesEachEnvelopeUnderItsUtcDateKeyAndId() throws IOException {
        LocalEventBus bus = bus(LocalRules.none());

        int delivered = 0;
        for (DeploymentEvent example : BusFixtures.allExamples()) {
            delivered += bus.publish(List.of(example)).delivered();
        }
        BusFixtures.drain(bus);

        assertThat(delivered).isEqualTo(15);
        assertThat(bus.archiveDir()).isEqualTo(stateDir.resolve("archive"));
        List<String> expectedKeys = new ArrayList<>();
        for (String detailType : EventContract.DETAIL_TYPES) {
            JsonNode example = EventContract.example(detailType);
            String time = example.get("time").asText();
            String key = "smus-events/" + time.substring(0, 4) + "/" + time.substring(5, 7) + "/" + time.substring(8, 10)
                    + "/" + example.get("id").asText() + ".json";
            expectedKeys.add(key);

            String content = Files.readString(bus.archiveDir().resolve(key));
            assertThat(content).endsWith("\n").doesNotContain("\n\n");
            assertThat(content.strip()).doesNotContain("\n");
            JsonNode archived = Json.read(content);
            ((ObjectNode) example).put("region", "us-east-1");
            assertThat(archived).isEqualTo(example);
            assertThat(EventContract.validateEnvelope(archived)).isEmpty();
        }
        // Nothing else, in particular no temp file left behind.
        assertThat(BusFixtures.filesUnder(bus.archiveDir())).containsExactlyInAnyOrderElementsOf(expectedKeys);
        assertThat(bus.stats().archivedFiles()).isEqualTo(15);
    }

    @Test
    void publish_whenBatchSpansDays_archivesOneFilePerUtcDayWithEachEnvelopeOnce() throws IOException {
        LocalEventBus bus = bus(LocalRules.none());

        PublishResult result = bus.publish(BusFixtures.allExamples());
        BusFixtures.drain(bus);

        assertThat(result.delivered()).isEqualTo(15);
        assertThat(result.undelivered()).isEmpty();
        // The examples are of four days: one file each, and nothing else (no temp file left behind).
        List<String> files = BusFixtures.filesUnder(bus.archiveDir());
        assertThat(files).hasSize(4).allMatch(f -> f.matches("smus-events/2025/11/0[3-6]/[0-9a-f-]{36}\\.json"));
        assertThat(files).extracting(f -> f.substring(0, "smus-events/2025/11/04".length()))
                .containsExactly("smus-events/2025/11/03", "smus-events/2025/11/04", "smus-events/2025/11/05",
                        "smus-events/2025/11/06");
        for (String detailType : EventContract.DETAIL_TYPES) {
            JsonNode example = EventContract.example(detailType);
            String time = example.get("time").asText();
            Path day = bus.archiveDir().resolve("smus-events/" + time.substring(0, 10).replace('-', '/'));
            JsonNode archived = BusFixtures.archivedEvent(day, example.get("id").asText());
            ((ObjectNode) example).put("region", "us-east-1");
            assertThat(archived).isEqualTo(example);
            assertThat(EventContract.validateEnvelope(archived)).isEmpty();
        }
        for (String file : files) {
            String content = Files.readString(bus.archiveDir().resolve(file));
            assertThat(content).endsWith("\n").doesNotContain("\n\n");
        }
        assertThat(BusFixtures.archivedEvents(bus.archiveDir())).hasSize(15);
        assertThat(bus.stats().archivedFiles()).isEqualTo(4);
    }

    @Test
    void publish_whenSameBatchTwice_replacesItsArchiveFile() {
        LocalEventBus bus = bus(LocalRules.none());
        List<DeploymentEvent> batch = List.of(BusFixtures.example("SMUS-CICD-Deploy-Started"),
                BusFixtures.example("SMUS-CICD-Deploy-ProjectInitialization-Started"));

        bus.publish(batch);
        List<String> first = BusFixtures.filesUnder(bus.archiveDir());
        bus.publish(batch);
        BusFixtures.drain(bus);

        assertThat(first).hasSize(1);
        assertThat(BusFixtures.filesUnder(bus.archiveDir())).isEqualTo(first);
        assertThat(BusFixtures.archivedEvents(bus.archiveDir())).extracting(e -> e.get("id").asText())
                .containsExactly(batch.get(0).id(), batch.get(1).id());
    }

    @Test
    void publish_whenBatchesShareTheirFirstEvent_keepsBothFiles() {
        LocalEventBus bus = bus(LocalRules.none());
        DeploymentEvent started = BusFixtures.example("SMUS-CICD-Deploy-Started");

        bus.publish(List.of(started, BusFixtures.example("SMUS-CICD-Deploy-ProjectInitialization-Started")));
        bus.publish(List.of(started, BusFixtures.example("SMUS-CICD-Deploy-BundleUpload-Started")));
        bus.publish(List.of(started));
        BusFixtures.drain(bus);

        assertThat(BusFixtures.filesUnder(bus.archiveDir())).hasSize(3);
        assertThat(BusFixtures.archivedEvents(bus.archiveDir())).extracting(e -> e.get("detail-type").asText())
                .containsExactlyInAnyOrder("SMUS-CICD-Deploy-Started", "SMUS-CICD-Deploy-Started",
                        "SMUS-CICD-Deploy-Started", "SMUS-CICD-Deploy-ProjectInitialization-Started",
                        "SMUS-CICD-Deploy-BundleUpload-Started");
    }

    @Test
    void publish_whenEmitterRunsAcrossMidnight_archivesTenEventsUnderTheirOwnDays() {
        LocalEventBus bus = LocalEventBus.builder().stateDir(stateDir).archivePrefix("deployments/raw/")
                .account("210987654321").region("eu-central-1").build();
        EventEmitter emitter = EventEmitter.create(bus, context(), new TickingClock(Instant.parse("2025-11-04T23:59:57.500Z")));

        emitter.started(Stage.DEPLOY);
        for (Stage phase : Stage.phases()) {
            emitter.started(phase);
            emitter.completed(phase, 1000, Map.of());
        }
        emitter.completed(Stage.DEPLOY, 10_000, Map.of());

        List<String> files = BusFixtures.filesUnder(bus.archiveDir());
        assertThat(files).hasSize(10).allMatch(f -> f.matches("deployments/raw/2025/11/0[45]/[0-9a-f-]{36}\\.json"));
        assertThat(files).filteredOn(f -> f.contains("/11/04/")).hasSize(3);
        List<JsonNode> envelopes = files.stream()
                .map(f -> BusFixtures.jsonLines(bus.archiveDir().resolve(f)).get(0))
                .sorted((a, b) -> a.at("/detail/sequence").asInt() - b.at("/detail/sequence").asInt())
                .toList();
        assertThat(envelopes).extracting(e -> e.at("/detail/sequence").asInt())
                .containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
        assertThat(envelopes.get(0).get("time").asText()).isEqualTo("2025-11-04T23:59:57Z");
        assertThat(envelopes.get(0).at("/detail/timestamp").asText()).isEqualTo("2025-11-04T23:59:57.500Z");
        assertThat(envelopes).allSatisfy(e -> {
            assertThat(e.get("account").asText()).isEqualTo("210987654321");
            assertThat(e.get("region").asText()).isEqualTo("eu-central-1");
            assertThat(EventContract.validateEnvelope(e)).isEmpty();
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "cloudwatch-logs-all-events",
            "common-1-any-failure",
            "common-2-specific-pipeline",
            "common-3-production-only",
            "common-4-workflow-failures",
            "integration-lambda-post-deploy-validation",
            "integration-sns-prod-failures",
            "integration-step-functions-smoke-tests"})
    void publish_whenSpecRules_deliversExactlyTheMatchingEventsToTheRulesLogGroup(String ruleName) {
        LocalRules rules = LocalRules.load(BusFixtures.resource("rules/spec"));
        LocalEventBus bus = bus(rules);

        bus.publish(BusFixtures.allExamples());
        BusFixtures.drain(bus);

        RuleTarget.LogGroup logGroup = rules.find(ruleName).orElseThrow().targets().stream()
                .filter(RuleTarget.LogGroup.class::isInstance).map(RuleTarget.LogGroup.class::cast)
                .findFirst().orElseThrow();
        Path logFile = bus.logsDir().resolve(logGroup.fileName());
        List<String> expected = new ArrayList<>();
        BusFixtures.patternExpectations().get(ruleName).forEach(t -> expected.add(t.asText()));
        assertThat(expected).isNotEmpty();
        // Published in table order, so the log keeps that order.
        assertThat(BusFixtures.detailTypes(logFile))
                .containsExactlyElementsOf(EventContract.DETAIL_TYPES.stream().filter(expected::contains).toList());
        assertThat(BusFixtures.jsonLines(logFile)).allSatisfy(e -> assertThat(EventContract.validateEnvelope(e)).isEmpty());
    }

    @Test
    void publish_whenSpecRules_writesOneLogFilePerLogGroup() {
        LocalEventBus bus = bus(LocalRules.load(BusFixtures.resource("rules/spec")));

        bus.publish(BusFixtures.allExamples());
        BusFixtures.drain(bus);

        assertThat(BusFixtures.filesUnder(bus.logsDir())).containsExactly(
                "aws_events_smus-deploy.jsonl",
                "smus_common-1-any-failure.jsonl",
                "smus_common-2-specific-pipeline.jsonl",
                "smus_common-3-production-only.jsonl",
                "smus_common-4-workflow-failures.jsonl",
                "smus_integration-lambda-post-deploy-validation.jsonl",
                "smus_integration-sns-prod-failures.jsonl",
                "smus_integration-step-functions-smoke-tests.jsonl");
        assertThat(BusFixtures.detailTypes(bus.logsDir().resolve("aws_events_smus-deploy.jsonl")))
                .containsExactlyElementsOf(EventContract.DETAIL_TYPES);
    }

    @Test
    void publish_whenAwsTargetsMatch_recordsWouldInvokePerService() {
        LocalEventBus bus = bus(LocalRules.load(BusFixtures.resource("rules/spec")));

        bus.publish(BusFixtures.allExamples());
        BusFixtures.drain(bus);

        assertThat(BusFixtures.filesUnder(bus.targetsDir())).containsExactly("lambda.jsonl", "sns.jsonl", "states.jsonl");
        assertThat(BusFixtures.jsonLines(bus.targetsDir().resolve("sns.jsonl"))).singleElement().satisfies(record -> {
            assertThat(record.get("rule").asText()).isEqualTo("integration-sns-prod-failures");
            assertThat(record.get("targetId").asText()).isEqualTo("1");
            assertThat(record.get("targetArn").asText()).isEqualTo("arn:aws:sns:us-east-1:123456789012:prod-alerts");
            assertThat(record.at("/event/detail-type").asText()).isEqualTo("SMUS-CICD-Deploy-Failed");
            assertThat(record.at("/event/id").asText()).isEqualTo(EventContract.example("SMUS-CICD-Deploy-Failed").get("id").asText());
        });
        assertThat(BusFixtures.jsonLines(bus.targetsDir().resolve("lambda.jsonl")))
                .extracting(r -> r.at("/event/detail-type").asText()).containsExactly("SMUS-CICD-Deploy-Completed");
        assertThat(BusFixtures.jsonLines(bus.targetsDir().resolve("states.jsonl")))
                .extracting(r -> r.at("/event/detail-type").asText())
                .containsExactly("SMUS-CICD-Deploy-WorkflowCreation-Completed");
    }

    @Test
    void stats_afterPublishingExamples_countsEventsFilesAndDeliveriesPerRule() {
        LocalRules rules = LocalRules.load(BusFixtures.resource("rules/spec"));
        LocalEventBus bus = bus(rules);

        bus.publish(BusFixtures.allExamples());
        BusFixtures.drain(bus);
        BusStats stats = bus.stats();

        assertThat(stats.eventsPublished()).isEqualTo(15);
        // One batch of events of four UTC days.
        assertThat(stats.archivedFiles()).isEqualTo(4);
        assertThat(stats.failedDeliveries()).isZero();
        assertThat(stats.deliveriesByRule()).containsExactly(
                Map.entry("cloudwatch-logs-all-events", 15L),
                Map.entry("common-1-any-failure", 5L),
                Map.entry("common-2-specific-pipeline", 10L),
                Map.entry("common-3-production-only", 11L),
                Map.entry("common-4-workflow-failures", 1L),
                // Two targets each: the spec's AWS target and a log group.
                Map.entry("integration-lambda-post-deploy-validation", 2L),
                Map.entry("integration-sns-prod-failures", 2L),
                Map.entry("integration-step-functions-smoke-tests", 2L));
        assertThat(stats.deliveries()).isEqualTo(48);
    }

    @Test
    void publish_runsOnlyTheRulesOnTheBusTheEventsArePutOn() {
        String pattern = "{\"source\":[\"com.amazon.smus.cicd\"],\"detail-type\":[\"SMUS-CICD-Deploy-Started\"]}";
        List<RuleTarget> targets = List.of(RuleTarget.ofArn("1", "arn:aws:sns:us-east-1:123456789012:alerts"));
        LocalRules rules = LocalRules.of(List.of(
                new LocalRule("on-default", pattern, targets, true, null),
                new LocalRule("on-deployments", pattern, targets, true, null, "deployments"),
                new LocalRule("on-deployments-by-arn", pattern, targets, true, null,
                        "arn:aws:events:us-east-1:" + LocalEventBus.DEFAULT_ACCOUNT + ":event-bus/deployments")));
        LocalEventBus bus = LocalEventBus.builder().stateDir(stateDir).rules(rules).eventBusName("deployments").build();

        bus.publish(BusFixtures.allExamples());
        BusFixtures.drain(bus);

        assertThat(bus.stats().deliveriesByRule()).containsExactly(Map.entry("on-default", 0L),
                Map.entry("on-deployments", 1L), Map.entry("on-deployments-by-arn", 1L));
        // the archive keeps every event, whatever bus
        assertThat(BusFixtures.archivedEvents(bus.archiveDir())).hasSize(15);
    }

    @Test
    void publish_whenRuleDisabled_deliversNothingButStillArchives() {
        LocalEventBus bus = bus(LocalRules.load(BusFixtures.resource("rules/disabled")));

        bus.publish(BusFixtures.allExamples());
        BusFixtures.drain(bus);

        assertThat(bus.logsDir()).doesNotExist();
        assertThat(bus.targetsDir()).doesNotExist();
        assertThat(bus.stats().deliveriesByRule()).containsExactly(Map.entry("any-failure-disabled", 0L));
        assertThat(BusFixtures.archivedEvents(bus.archiveDir())).hasSize(15);
    }

    @Test
    void publish_whenEventHasNoIdOrTime_stampsThemAsEventBridgeWould() {
        LocalEventBus bus = bus(LocalRules.none());
        DeploymentEvent example = BusFixtures.example("SMUS-CICD-Deploy-Started");
        DeploymentEvent bare = new DeploymentEvent(null, example.detailType(), example.source(), null,
                example.resources(), example.detail());

        PublishResult result = bus.publish(List.of(bare));
        BusFixtures.drain(bus);

        assertThat(result.delivered()).isEqualTo(1);
        assertThat(BusFixtures.filesUnder(bus.archiveDir())).singleElement().satisfies(key -> {
            assertThat(key).matches("smus-events/2025/11/10/[0-9a-f-]{36}\\.json");
            JsonNode archived = BusFixtures.jsonLines(bus.archiveDir().resolve(key)).get(0);
            assertThat(archived.get("time").asText()).isEqualTo("2025-11-10T08:00:00Z");
            assertThat(EventContract.validateEnvelope(archived)).isEmpty();
        });
    }

    @Test
    void publish_whenEventIdIsNotAFileName_deadLettersItAndReportsItUndelivered() {
        LocalEventBus bus = bus(LocalRules.none());
        DeploymentEvent example = BusFixtures.example("SMUS-CICD-Deploy-Started");
        DeploymentEvent escaping = new DeploymentEvent("../../escape", example.detailType(), example.source(),
                example.time(), example.resources(), example.detail());
        DeploymentEvent fine = BusFixtures.example("SMUS-CICD-Deploy-Completed");

        PublishResult result = bus.publish(List.of(escaping, fine));
        BusFixtures.drain(bus);

        assertThat(result.delivered()).isEqualTo(1);
        assertThat(result.undelivered()).containsExactly(escaping);
        assertThat(BusFixtures.filesUnder(stateDir)).containsExactlyInAnyOrder(
                "archive/smus-events/2025/11/04/" + fine.id() + ".json", "dead-letter.jsonl");
        assertThat(BusFixtures.jsonLines(bus.deadLetterFile())).singleElement().satisfies(entry -> {
            assertThat(entry.get("target").asText()).isEqualTo("archive");
            assertThat(entry.get("error").asText()).contains("../../escape");
            assertThat(entry.at("/event/id").asText()).isEqualTo("../../escape");
            assertThat(entry.at("/event/detail/deploymentId").asText()).isEqualTo(example.detail().deploymentId());
            assertThat(entry.get("failedAt").asText()).isEqualTo("2025-11-10T08:00:00.250Z");
        });
        assertThat(bus.stats().failedDeliveries()).isEqualTo(1);
    }

    @Test
    void publish_whenArchiveCannotBeWritten_returnsNormallyAndStillDeliversToRules() throws IOException {
        Files.writeString(stateDir.resolve("archive"), "a file where the archive directory should be");
        LocalEventBus bus = bus(LocalRules.load(BusFixtures.resource("rules/spec")));
        DeploymentEvent failed = BusFixtures.example("SMUS-CICD-Deploy-WorkflowCreation-Failed");

        PublishResult result = bus.publish(List.of(failed));
        BusFixtures.drain(bus);

        assertThat(result.delivered()).isZero();
        assertThat(result.undelivered()).containsExactly(failed);
        assertThat(BusFixtures.jsonLines(bus.deadLetterFile())).singleElement().satisfies(entry -> {
            assertThat(entry.get("target").asText()).isEqualTo("archive");
            assertThat(entry.at("/event/id").asText()).isEqualTo(failed.id());
        });
        assertThat(BusFixtures.detailTypes(bus.logsDir().resolve("smus_common-4-workflow-failures.jsonl")))
                .containsExactly("SMUS-CICD-Deploy-WorkflowCreation-Failed");
    }

    @Test
    void publish_whenArchiveCannotBeWrittenForABatch_deadLettersEachOfItsEventsAndStillDelivers() throws IOException {
        Files.writeString(stateDir.resolve("archive"), "a file where the archive directory should be");
        LocalEventBus bus = bus(LocalRules.load(BusFixtures.resource("rules/spec/cloudwatch-logs-all-events.json")));
        List<DeploymentEvent> batch = List.of(BusFixtures.example("SMUS-CICD-Deploy-Started"),
                BusFixtures.example("SMUS-CICD-Deploy-ProjectInitialization-Started"),
                BusFixtures.example("SMUS-CICD-Deploy-Failed"));

        PublishResult result = bus.publish(batch);
        BusFixtures.drain(bus);

        assertThat(result.delivered()).isZero();
        assertThat(result.undelivered()).containsExactlyElementsOf(batch);
        assertThat(BusFixtures.jsonLines(bus.deadLetterFile()))
                .allSatisfy(entry -> assertThat(entry.get("target").asText()).isEqualTo("archive"))
                .extracting(entry -> entry.at("/event/id").asText())
                .containsExactlyInAnyOrderElementsOf(batch.stream().map(DeploymentEvent::id).toList());
        assertThat(BusFixtures.detailTypes(bus.logsDir().resolve("aws_events_smus-deploy.jsonl"))).containsExactly(
                "SMUS-CICD-Deploy-Started", "SMUS-CICD-Deploy-ProjectInitialization-Started", "SMUS-CICD-Deploy-Failed");
        assertThat(bus.stats().failedDeliveries()).isEqualTo(3);
    }

    @Test
    void publish_whenOneEventOfABatchCannotBeWritten_archivesTheOthersAloneAndReportsOnlyIt() throws IOException {
        LocalEventBus bus = bus(LocalRules.none());
        DeploymentEvent first = BusFixtures.example("SMUS-CICD-Deploy-Started", "11111111-1111-4111-8111-111111111111",
                "MyPipeline");
        // a lone surrogate: fine in a Java string, not encodable as UTF-8
        DeploymentEvent broken = BusFixtures.example("SMUS-CICD-Deploy-ProjectInitialization-Started",
                "22222222-2222-4222-8222-222222222222", "Pipe\uD800line");
        DeploymentEvent last = BusFixtures.example("SMUS-CICD-Deploy-Failed", "33333333-3333-4333-8333-333333333333",
                "MyPipeline");

        PublishResult result = bus.publish(List.of(first, broken, last));
        BusFixtures.drain(bus);

        assertThat(result.undelivered()).containsExactly(broken);
        try (Stream<Path> files = Files.walk(bus.archiveDir())) {
            assertThat(files.filter(Files::isRegularFile).map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder(first.id() + ".json", last.id() + ".json");
        }
        // (its dead-letter line cannot be written as UTF-8 either: the caller learns it from the result)
        assertThat(bus.stats().failedDeliveries()).isEqualTo(1);
    }

    @Test
    void publish_whenEventHasNoDetailType_deadLettersItInsteadOfThrowing() {
        LocalEventBus bus = bus(LocalRules.none());
        DeploymentEvent example = BusFixtures.example("SMUS-CICD-Deploy-Started");
        DeploymentEvent broken = new DeploymentEvent(example.id(), null, example.source(), example.time(),
                example.resources(), example.detail());

        PublishResult result = bus.publish(List.of(broken));
        BusFixtures.drain(bus);

        assertThat(result.undelivered()).containsExactly(broken);
        assertThat(BusFixtures.jsonLines(bus.deadLetterFile())).singleElement()
                .satisfies(entry -> assertThat(entry.at("/event/id").asText()).isEqualTo(example.id()));
        assertThat(bus.archiveDir()).doesNotExist();
    }

    @Test
    void publish_whenSameEventTwice_keepsOneArchiveFile() {
        LocalEventBus bus = bus(LocalRules.none());
        DeploymentEvent event = BusFixtures.example("SMUS-CICD-Deploy-Started");

        bus.publish(List.of(event));
        bus.publish(List.of(event));
        BusFixtures.drain(bus);

        assertThat(BusFixtures.filesUnder(bus.archiveDir())).containsExactly(
                "smus-events/2025/11/04/" + event.id() + ".json");
    }

    @Test
    void publish_whenCalledFromSeveralThreads_losesNothing() throws Exception {
        LocalEventBus bus = bus(LocalRules.load(BusFixtures.resource("rules/spec/cloudwatch-logs-all-events.json")));
        DeploymentEvent template = BusFixtures.example("SMUS-CICD-Deploy-Started");
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<PublishResult>> results = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                results.add(pool.submit(() -> bus.publish(IntStream.range(0, 25)
                        .mapToObj(i -> new DeploymentEvent(String.format("00000000-0000-4000-8000-%06d%06d", thread, i),
                                template.detailType(), template.source(), template.time(), template.resources(),
                                template.detail()))
                        .toList())));
            }
            for (Future<PublishResult> result : results) {
                assertThat(result.get().delivered()).isEqualTo(25);
            }
        } finally {
            pool.shutdownNow();
        }
        BusFixtures.drain(bus);

        // One file per batch, and every event in one of them once.
        assertThat(BusFixtures.filesUnder(bus.archiveDir())).hasSize(4);
        assertThat(BusFixtures.archivedEvents(bus.archiveDir())).extracting(e -> e.get("id").asText())
                .doesNotHaveDuplicates().hasSize(100);
        assertThat(BusFixtures.jsonLines(bus.logsDir().resolve("aws_events_smus-deploy.jsonl"))).hasSize(100);
        assertThat(bus.stats().eventsPublished()).isEqualTo(100);
    }

    @ParameterizedTest
    @ValueSource(strings = {"smus-events", "/smus-events/", "a/../b/", "smus events/"})
    void build_whenArchivePrefixMalformed_throwsNamingIt(String prefix) {
        assertThatThrownBy(() -> LocalEventBus.builder().stateDir(stateDir).archivePrefix(prefix).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + prefix + "'");
    }

    @Test
    void build_whenEmptyPrefix_archivesAtTheRootOfTheArchive() {
        LocalEventBus bus = LocalEventBus.builder().stateDir(stateDir).archivePrefix("").build();
        DeploymentEvent event = BusFixtures.example("SMUS-CICD-Deploy-Started");

        bus.publish(List.of(event));
        BusFixtures.drain(bus);

        assertThat(BusFixtures.filesUnder(bus.archiveDir())).containsExactly("2025/11/04/" + event.id() + ".json");
    }

    @Test
    void build_whenRegionOrAccountMalformed_throws() {
        assertThatThrownBy(() -> LocalEventBus.builder().stateDir(stateDir).region("US East").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("US East");
        assertThatThrownBy(() -> LocalEventBus.builder().stateDir(stateDir).account("12345").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("12345");
    }

    private static DeploymentContext context() {
        return new DeploymentContext("9b2f6c1e-0d4a-4e8b-a7c3-5f1d2e9a8b40", "MyPipeline",
                new EventDetail.TargetInfo("prod", "PROD", new EventDetail.DomainInfo("my-domain", "eu-central-1", null),
                        new EventDetail.ProjectInfo("prod-project", null)),
                new Metadata("ci", "abc123", "main", null, "github-actions", "42", null, null),
                List.of("arn:aws:states:eu-central-1:210987654321:execution:smus-cicd-deploy:9b2f6c1e"));
    }

    /** A clock one second further on each time it is read. */
    private static final class TickingClock extends Clock {
        private Instant next;

        TickingClock(Instant start) {
            this.next = start;
        }

        @Override
        public synchronized Instant instant() {
            Instant now = next;
            next = next.plus(Duration.ofSeconds(1));
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }
    }
}
