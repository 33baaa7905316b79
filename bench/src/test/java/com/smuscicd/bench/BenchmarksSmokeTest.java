package com.smuscicd.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.smuscicd.bench.coldstart.TrivialHandler;
import com.smuscicd.events.DeploymentEvent;
import com.smuscicd.events.EventPublisher;
import com.smuscicd.local.LocalRun;
import com.smuscicd.local.bus.Envelopes;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Runs each benchmark operation once, outside JMH, so a broken benchmark fails the build instead
 * of the next person's measurement. Times nothing.
 */
class BenchmarksSmokeTest {

    @Test
    void busWorkload_whenMatched_eachEventMatchesAFewRulesAndEveryRuleSomeEvent() throws Exception {
        LocalBusBenchmark.Matching state = new LocalBusBenchmark.Matching();
        state.setUp();

        List<List<String>> matches = IntStream.range(0, LocalBusBenchmark.EVENTS)
                .mapToObj(i -> state.machine.rulesForJSONEvent(state.envelopes[i]))
                .toList();

        double average = matches.stream().mapToInt(List::size).average().orElseThrow();
        assertThat(average).as("rules matched per event").isBetween(0.5, 10.0);
        assertThat(matches.stream().flatMap(List::stream).distinct().count())
                .as("rules that match at least one event").isGreaterThanOrEqualTo(90);
    }

    @Test
    void startedRules_whenWrittenWithDetailFields_matchWhatTheWildcardsMatch() throws Exception {
        LocalBusBenchmark.Matching wildcard = new LocalBusBenchmark.Matching();
        wildcard.setUp();
        LocalBusBenchmark.Matching fields = new LocalBusBenchmark.Matching();
        fields.startedRules = "DETAIL_FIELDS";
        fields.setUp();

        for (int i = 0; i < LocalBusBenchmark.EVENTS; i++) {
            assertThat(fields.machine.rulesForJSONEvent(fields.envelopes[i]))
                    .as("event %d", i)
                    .containsExactlyInAnyOrderElementsOf(wildcard.machine.rulesForJSONEvent(wildcard.envelopes[i]));
        }
    }

    @Test
    void matchBenchmarks_whenRunOnce_agreeOnTheSameEvent() throws Exception {
        LocalBusBenchmark benchmark = new LocalBusBenchmark();
        LocalBusBenchmark.Matching tree = new LocalBusBenchmark.Matching();
        tree.setUp();
        LocalBusBenchmark.Matching text = new LocalBusBenchmark.Matching();
        text.setUp();
        LocalBusBenchmark.Matching matcher = new LocalBusBenchmark.Matching();
        matcher.setUp();
        int index = firstMatchedEvent(tree);
        tree.next = index;
        text.next = index;
        matcher.next = index;

        List<String> fromTree = benchmark.eventRulerOnly(tree);
        List<String> fromText = benchmark.matchJsonText(text);
        Set<String> fromMatcher = benchmark.matchOnly(matcher);

        assertThat(fromTree).isNotEmpty().containsExactlyInAnyOrderElementsOf(fromText);
        assertThat(fromMatcher).containsExactlyInAnyOrderElementsOf(fromTree);
    }

    @ParameterizedTest
    @ValueSource(strings = {"WILDCARD", "DETAIL_FIELDS"})
    void ruleMatcher_whenEveryEventMatchedRepeatedly_givesEventRulersAnswer(String startedRules) throws Exception {
        LocalBusBenchmark.Matching state = new LocalBusBenchmark.Matching();
        state.startedRules = startedRules;
        state.setUp();

        // Four rounds: each recurring key is matched before and after the matcher specializes it.
        for (int round = 0; round < 4; round++) {
            for (int i = 0; i < LocalBusBenchmark.EVENTS; i++) {
                assertThat(state.matcher.matches(state.envelopes[i]))
                        .as("round %d, event %d", round, i)
                        .containsExactlyInAnyOrderElementsOf(state.machine.rulesForJSONEvent(state.envelopes[i]));
            }
        }
    }

    @Test
    void fullPublish_whenRunOnce_archivesTheEventAndDeliversItToTheMatchedRulesTargets() throws Exception {
        LocalBusBenchmark.Matching matching = new LocalBusBenchmark.Matching();
        matching.setUp();
        LocalBusBenchmark.Bus state = busState(false);
        try {
            state.published = firstMatchedEvent(matching);

            EventPublisher.PublishResult result = new LocalBusBenchmark().fullPublish(state);

            assertThat(result.delivered()).isEqualTo(1);
            assertThat(state.bus.stats().archivedFiles()).isEqualTo(1);
            assertThat(state.bus.stats().deliveries()).isPositive();
            assertThat(state.bus.stats().failedDeliveries()).isZero();
        } finally {
            state.deleteStateDir();
        }
        assertThat(state.stateDir).doesNotExist();
    }

    @Test
    void fullPublishBatches_whenRunOnce_archiveEachBatchInOneFileAndDeliverEveryMatch() throws Exception {
        LocalBusBenchmark.Matching matching = new LocalBusBenchmark.Matching();
        matching.setUp();
        LocalBusBenchmark.Bus state = busState(false);
        try {
            LocalBusBenchmark benchmark = new LocalBusBenchmark();

            EventPublisher.PublishResult ten = benchmark.fullPublish10(state);
            EventPublisher.PublishResult hundred = benchmark.fullPublish100(state);

            assertThat(ten.delivered()).isEqualTo(10);
            assertThat(hundred.delivered()).isEqualTo(100);
            // The workload's events are all of one UTC day.
            assertThat(state.bus.stats().archivedFiles()).isEqualTo(2);
            assertThat(state.bus.stats().failedDeliveries()).isZero();
            long expected = 0;
            for (int i = 0; i < 110; i++) {
                // The bus's region is us-east-1, so rules are matched on the envelope as the bus builds it.
                DeploymentEvent event = LocalBusBenchmark.withId(state.events.get(i), "evt-" + i);
                expected += matching.machine.rulesForJSONEvent(Envelopes.toJson(event, BusWorkload.ACCOUNT,
                        "us-east-1")).size();
            }
            assertThat(state.bus.stats().deliveries()).as("one target per rule").isEqualTo(expected).isPositive();
        } finally {
            state.deleteStateDir();
        }
    }

    @Test
    void busIoCeiling_whenRun_replaysEveryByteTheBusWroteForEachBatch(@TempDir Path temp) throws Exception {
        Map<String, Long> byKind = new LinkedHashMap<>();

        List<BusIoCeiling.BatchWrites> batches = BusIoCeiling.busWrites(temp.resolve("bus"), byKind);
        BusIoCeiling.Ceiling ceiling = BusIoCeiling.replay(batches, temp.resolve("replay"), Duration.ofMillis(200));

        assertThat(batches).hasSize((BusIoCeiling.EVENTS + BusIoCeiling.BATCH - 1) / BusIoCeiling.BATCH);
        assertThat(byKind.keySet()).containsExactly("archive", "logs", "targets");
        long busBytes;
        try (Stream<Path> files = Files.walk(temp.resolve("bus"))) {
            busBytes = files.filter(Files::isRegularFile).mapToLong(BenchmarksSmokeTest::size).sum();
        }
        assertThat(byKind.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(busBytes);
        assertThat(batches.stream().mapToLong(BusIoCeiling.BatchWrites::bytes).sum()).isEqualTo(busBytes);
        // Every archive line is one envelope: about a kilobyte in this workload.
        assertThat(byKind.get("archive") / BusIoCeiling.EVENTS).isBetween(500L, 2000L);
        assertThat(ceiling.bytesPerEvent()).isEqualTo((double) busBytes / BusIoCeiling.EVENTS);
        assertThat(ceiling.sustainedEventsPerSecond()).isPositive();
        try (Stream<Path> files = Files.walk(temp.resolve("replay/archive"))) {
            assertThat(files.filter(Files::isRegularFile).map(p -> p.getFileName().toString()))
                    .isNotEmpty().allSatisfy(name -> assertThat(name).endsWith(".json").doesNotStartWith("."));
        }
    }

    @Test
    void busState_whenOpenedForAnIteration_hasSeenEveryWorkloadEventOnceWithoutFailure() throws Exception {
        LocalBusBenchmark.Bus state = busState(true);
        try {
            assertThat(state.bus.stats().eventsPublished()).isEqualTo(LocalBusBenchmark.EVENTS);
            assertThat(state.bus.stats().failedDeliveries()).isZero();
            assertThat(state.bus.stats().deliveries()).isPositive();
        } finally {
            state.deleteStateDir();
        }
    }

    @Test
    void busIoCeilingStages_whenRun_timeABusWithTheRulesAndOneWithout(@TempDir Path temp) throws Exception {
        List<BusIoCeiling.Stages> stages = BusIoCeiling.stages(temp, 1, 2);

        assertThat(stages).extracting(BusIoCeiling.Stages::rules).containsExactly("100 rules", "no rules");
        assertThat(stages).allSatisfy(s -> assertThat(s.publishMicros()).isPositive());
        assertThat(stages.get(0).drainMicros()).isPositive();
        try (Stream<Path> left = Files.list(temp)) {
            assertThat(left).as("each bus's files are deleted after its round").isEmpty();
        }
    }

    /** The JMH state of the publishing benchmarks with its bus open, as for an iteration ({@code warm}) or new. */
    private static LocalBusBenchmark.Bus busState(boolean warm) throws Exception {
        LocalBusBenchmark.Bus state = new LocalBusBenchmark.Bus();
        state.loadEvents();
        if (warm) {
            state.openBus();
        } else {
            state.openColdBus();
        }
        return state;
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void calibration_whenMatched_findsSomeOfTheExactLotsInEventsOfAboutNineHundredBytes() throws Exception {
        LocalBusBenchmark.Calibration state = new LocalBusBenchmark.Calibration();
        state.setUp();
        LocalBusBenchmark benchmark = new LocalBusBenchmark();

        int matched = 0;
        for (int i = 0; i < LocalBusBenchmark.EVENTS; i++) {
            matched += benchmark.calibrationExactRules(state).size();
        }

        assertThat(matched).isBetween(20, 400);
        double averageLength = java.util.Arrays.stream(state.events).mapToInt(String::length).average().orElseThrow();
        assertThat(averageLength).isBetween(800.0, 1000.0);
    }

    /** The first event of the stream that a rule matches on the bus's region, us-east-1. */
    private static int firstMatchedEvent(LocalBusBenchmark.Matching state) {
        return IntStream.range(0, LocalBusBenchmark.EVENTS)
                .filter(i -> "us-east-1".equals(state.envelopes[i].path("region").asText()))
                .filter(i -> !state.machine.rulesForJSONEvent(state.envelopes[i]).isEmpty())
                .findFirst()
                .orElseThrow();
    }

    @Test
    void emissionBenchmark_whenEventsGoToTheLocalBus_deploysTheExampleWithItsTenEvents() throws Exception {
        EmissionBenchmark benchmark = new EmissionBenchmark();
        benchmark.events = "LOCAL_BUS";
        benchmark.setUp();
        try {
            LocalRun run = benchmark.deploy();

            assertThat(run.events()).hasSize(10);
            assertThat(run.archiveDir()).isDirectory();
        } finally {
            benchmark.tearDown();
        }
    }

    @Test
    void emissionBenchmark_whenEventsAreOff_deploysTheExampleWithoutEvents() throws Exception {
        EmissionBenchmark benchmark = new EmissionBenchmark();
        benchmark.events = "OFF";
        benchmark.setUp();
        try {
            LocalRun run = benchmark.deploy();

            assertThat(run.execution().succeeded()).isTrue();
            assertThat(run.events()).isEmpty();
        } finally {
            benchmark.tearDown();
        }
    }

    @Test
    void emissionBenchmark_whenEventsAreDiscarded_buildsTheTenEventsButArchivesNothing() throws Exception {
        EmissionBenchmark benchmark = new EmissionBenchmark();
        benchmark.events = "DISCARDED";
        benchmark.setUp();
        try {
            LocalRun run = benchmark.deploy();

            assertThat(run.events()).hasSize(10);
            assertThat(run.archiveDir()).isNull();
        } finally {
            benchmark.tearDown();
        }
    }

    @Test
    void emissionBenchmark_whenMetadataIsGiven_deploysWithTheGivenMetadataOnEveryEvent() throws Exception {
        EmissionBenchmark benchmark = new EmissionBenchmark();
        benchmark.events = "LOCAL_BUS_NO_GIT";
        benchmark.setUp();
        try {
            LocalRun run = benchmark.deploy();

            assertThat(run.events()).hasSize(10)
                    .allSatisfy(e -> assertThat(e.detail().metadata()).isEqualTo(ExampleDeployment.GIVEN_METADATA));
        } finally {
            benchmark.tearDown();
        }
    }

    @Test
    void trivialHandler_whenInvoked_answersAnEmptyObject() throws Exception {
        ByteArrayOutputStream output = new ByteArrayOutputStream();

        new TrivialHandler().handleRequest(new ByteArrayInputStream("{\"action\":\"start\"}".getBytes(
                StandardCharsets.UTF_8)), output, null);

        assertThat(output.toString(StandardCharsets.UTF_8)).isEqualTo("{}");
    }

    @Test
    void deleteRecursively_whenGivenATree_removesIt(@TempDir Path temp) throws Exception {
        Path tree = Files.createDirectories(temp.resolve("a/b"));
        Files.writeString(tree.resolve("c.json"), "{}");

        LocalBusBenchmark.deleteRecursively(temp.resolve("a"));

        assertThat(temp.resolve("a")).doesNotExist();
    }
}
