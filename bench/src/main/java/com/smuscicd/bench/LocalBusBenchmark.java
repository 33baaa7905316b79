package com.smuscicd.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.smuscicd.events.DeploymentEvent;
import com.smuscicd.events.EventPublisher;
import com.smuscicd.json.Json;
import com.smuscicd.local.bus.Envelopes;
import com.smuscicd.local.bus.LocalEventBus;
import com.smuscicd.local.bus.LocalRule;
import com.smuscicd.local.bus.LocalRules;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import software.amazon.event.ruler.Machine;

/**
 * Events per second through the local bus with {@value BusWorkload#RULES} rules, in three layers so
 * the figure compared with event-ruler's is the matching one:
 *
 * <ul>
 *   <li>{@link #matchOnly}: event-ruler's {@code rulesForJSONEvent} on a ready envelope tree, the
 *       call the bus makes (the "200,000 events/s" target is about this);</li>
 *   <li>{@link #matchJsonText}: the same from the envelope's JSON text (event-ruler parses it);</li>
 *   <li>{@link #envelopeAndMatch}: what the bus does per event before any I/O: envelope, JSON
 *       line, match;</li>
 *   <li>{@link #fullPublish}: {@link LocalEventBus#publish} of one event: the above plus the
 *       atomic archive file and an appended line per matched target ("would invoke" records and
 *       log-group files).</li>
 * </ul>
 * The matching benchmarks run twice: with the ten "phase started" rules written with a wildcard,
 * and written with detail fields (same matches), because wildcard patterns dominate the cost.
 * One operation is one event, so ops/s is events/s.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class LocalBusBenchmark {

    /** A power of two, so the event index wraps with a mask. */
    static final int EVENTS = 4096;

    /** The rules compiled into a machine, and ready envelopes. */
    @State(Scope.Benchmark)
    public static class Matching {

        /** The form of the ten "phase started" rules: wildcards cost the matcher most. */
        @Param({"WILDCARD", "DETAIL_FIELDS"})
        public String startedRules = "WILDCARD";

        Machine machine;
        ObjectNode[] envelopes;
        String[] envelopeTexts;
        List<DeploymentEvent> events;
        int next;

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            machine = new Machine();
            for (LocalRule rule : BusWorkload.rules(BusWorkload.StartedRules.valueOf(startedRules))) {
                machine.addRule(rule.name(), rule.eventPattern());
            }
            events = BusWorkload.events(EVENTS);
            envelopes = new ObjectNode[EVENTS];
            envelopeTexts = new String[EVENTS];
            for (int i = 0; i < EVENTS; i++) {
                DeploymentEvent event = withId(events.get(i), "evt-" + i);
                envelopes[i] = Envelopes.toJson(event, BusWorkload.ACCOUNT, event.detail().target().domain().region());
                envelopeTexts[i] = Json.write(envelopes[i]);
            }
        }

        int nextIndex() {
            int index = next;
            next = (next + 1) & (EVENTS - 1);
            return index;
        }
    }

    /** A bus over a fresh state directory per iteration, so files do not pile up across iterations. */
    @State(Scope.Benchmark)
    public static class Bus {

        List<DeploymentEvent> events;
        Path stateDir;
        LocalEventBus bus;
        long published;

        @Setup(Level.Trial)
        public void loadEvents() {
            events = BusWorkload.events(EVENTS);
        }

        @Setup(Level.Iteration)
        public void openBus() throws IOException {
            stateDir = Files.createTempDirectory("smus-bench-bus-");
            bus = LocalEventBus.builder()
                    .stateDir(stateDir)
                    .account(BusWorkload.ACCOUNT)
                    .region("us-east-1")
                    .clock(Clock.fixed(Instant.parse("2026-11-27T03:00:00Z"), ZoneOffset.UTC))
                    .rules(LocalRules.of(BusWorkload.rules()))
                    .build();
        }

        @TearDown(Level.Iteration)
        public void deleteStateDir() {
            // Deliveries run on the bus's own thread: finish them before their directory goes.
            bus.drain(java.time.Duration.ofSeconds(60));
            deleteRecursively(stateDir);
        }

        /** The next event of the stream, with a new id, as the emitter would hand it over. */
        DeploymentEvent nextEvent() {
            long n = published++;
            return withId(events.get((int) (n & (EVENTS - 1))), "evt-" + n);
        }
    }

    @Benchmark
    public List<String> matchOnly(Matching state) {
        return state.machine.rulesForJSONEvent(state.envelopes[state.nextIndex()]);
    }

    @Benchmark
    public List<String> matchJsonText(Matching state) throws Exception {
        return state.machine.rulesForJSONEvent(state.envelopeTexts[state.nextIndex()]);
    }

    @Benchmark
    public List<String> envelopeAndMatch(Matching state) {
        DeploymentEvent event = withId(state.events.get(state.nextIndex()), "evt");
        ObjectNode envelope = Envelopes.toJson(event, BusWorkload.ACCOUNT, "us-east-1");
        String line = Json.write(envelope);
        List<String> matched = state.machine.rulesForJSONEvent(envelope);
        return line.isEmpty() ? List.of() : matched;
    }

    @Benchmark
    public EventPublisher.PublishResult fullPublish(Bus state) {
        EventPublisher.PublishResult result = state.bus.publish(List.of(state.nextEvent()));
        // Target deliveries are asynchronous; waiting for them keeps this the full cost of one event.
        state.bus.drain(java.time.Duration.ofSeconds(60));
        return result;
    }

    static DeploymentEvent withId(DeploymentEvent event, String id) {
        return new DeploymentEvent(id, event.detailType(), event.source(), event.time(), event.resources(),
                event.detail());
    }

    static void deleteRecursively(Path root) {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
