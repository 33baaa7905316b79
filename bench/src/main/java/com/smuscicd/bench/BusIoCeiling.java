package com.smuscicd.bench;

import com.smuscicd.events.DeploymentEvent;
import com.smuscicd.local.bus.LocalEventBus;
import com.smuscicd.local.bus.LocalRules;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * How many events per second this machine's file writes allow the local bus at most, whatever its
 * matching and JSON cost: the floor under {@link LocalBusBenchmark}'s "matched and delivered".
 *
 * <ol>
 *   <li>Publishes {@link LocalBusBenchmark}'s workload ({@value #EVENTS} events, 100 rules) through
 *       a real {@link LocalEventBus} in batches of {@value #BATCH} and reads what it wrote: bytes
 *       per event in the archive, the "would invoke" records and the log-group files.</li>
 *   <li>Replays exactly those writes with no bus at all, for the given number of seconds: per
 *       batch, a new archive file written and renamed into place, and one append per target file
 *       of that batch's lines. Events per second of the replay are the ceiling, reported for its
 *       first 3 seconds (as long as a JMH iteration: the page cache absorbs it) and for the whole
 *       run (sustained: the disk's write-back catches up).</li>
 *   <li>Splits the bus's own time per batch, in rounds that alternate a bus with the 100 rules and
 *       one with none: {@link LocalEventBus#publish} (envelopes, the archive file, matching) and
 *       the {@link LocalEventBus#drain} after it (the deliveries' files). With no rules, publish is
 *       envelopes and archive only; the difference is matching.</li>
 * </ol>
 *
 * <pre>java -cp bench/target/benchmarks.jar com.smuscicd.bench.BusIoCeiling [seconds, default 10]</pre>
 */
public final class BusIoCeiling {

    static final int EVENTS = 4096;
    static final int BATCH = 100;
    static final Duration BURST = Duration.ofSeconds(3);
    static final int ROUNDS = 7;
    static final int ROUND_BATCHES = 400;

    private BusIoCeiling() {
    }

    /** What the bus wrote for one batch of {@code events}: the archive file's bytes, and the bytes appended to each target file. */
    record BatchWrites(int events, byte[] archive, Map<String, byte[]> appends) {

        long bytes() {
            return archive.length + appends.values().stream().mapToLong(a -> a.length).sum();
        }
    }

    /** The replay's result: events per second in the first {@link #BURST} and over the whole run. */
    record Ceiling(double bytesPerEvent, double burstEventsPerSecond, double sustainedEventsPerSecond,
                   double sustainedMegabytesPerSecond) {
    }

    /** Median microseconds per batch in {@link LocalEventBus#publish} and in the {@link LocalEventBus#drain} after it. */
    record Stages(String rules, double publishMicros, double drainMicros) {

        double eventsPerSecond() {
            return BATCH * 1e6 / (publishMicros + drainMicros);
        }
    }

    public static void main(String[] args) throws IOException {
        Duration run = Duration.ofSeconds(args.length > 0 ? Long.parseLong(args[0]) : 10);
        Path work = Files.createTempDirectory("smus-bench-io-");
        try {
            Map<String, Long> byKind = new LinkedHashMap<>();
            List<BatchWrites> batches = busWrites(work.resolve("bus"), byKind);
            Ceiling ceiling = replay(batches, work.resolve("replay"), run);
            System.out.printf("bytes written per event by the bus (%d events, batches of %d, %d rules):%n", EVENTS,
                    BATCH, BusWorkload.rules().size());
            byKind.forEach((kind, bytes) -> System.out.printf("  %-8s %6.0f B%n", kind, (double) bytes / EVENTS));
            System.out.printf("  %-8s %6.0f B%n", "total", ceiling.bytesPerEvent());
            System.out.printf("replaying those writes alone (no matching, no JSON), %d s:%n", run.toSeconds());
            System.out.printf("  first %d s: %,.0f events/s%n", BURST.toSeconds(), ceiling.burstEventsPerSecond());
            System.out.printf("  whole run: %,.0f events/s (%.0f MB/s)%n", ceiling.sustainedEventsPerSecond(),
                    ceiling.sustainedMegabytesPerSecond());
            System.out.printf("the bus's time per batch of %d, medians of %d rounds of %d batches:%n", BATCH, ROUNDS,
                    ROUND_BATCHES);
            for (Stages stages : stages(work.resolve("stages"))) {
                System.out.printf("  %-9s publish %,6.0f us, drain %,6.0f us: %,.0f events/s%n", stages.rules(),
                        stages.publishMicros(), stages.drainMicros(), stages.eventsPerSecond());
            }
        } finally {
            LocalBusBenchmark.deleteRecursively(work);
        }
    }

    /** Publishes the workload through a bus in {@code stateDir} and returns each batch's writes; adds bytes per kind. */
    static List<BatchWrites> busWrites(Path stateDir, Map<String, Long> byKind) throws IOException {
        LocalEventBus bus = bus(stateDir, LocalRules.of(BusWorkload.rules()));
        List<DeploymentEvent> events = BusWorkload.events(EVENTS);
        List<BatchWrites> batches = new ArrayList<>();
        Map<Path, Long> seen = new LinkedHashMap<>();
        for (int start = 0; start < EVENTS; start += BATCH) {
            List<DeploymentEvent> batch = new ArrayList<>();
            for (int i = start; i < Math.min(EVENTS, start + BATCH); i++) {
                batch.add(LocalBusBenchmark.withId(events.get(i), "evt-" + i));
            }
            bus.publish(batch);
            if (!bus.drain(Duration.ofSeconds(60))) {
                throw new IllegalStateException("the bus did not deliver a batch within 60 s");
            }
            byte[] archive = null;
            Map<String, byte[]> appends = new LinkedHashMap<>();
            for (Path file : files(stateDir)) {
                long size = Files.size(file);
                Long before = seen.put(file, size);
                String relative = stateDir.relativize(file).toString();
                if (before == null && relative.startsWith("archive/")) {
                    archive = Files.readAllBytes(file);
                    byKind.merge("archive", size, Long::sum);
                } else if (before == null || before < size) {
                    long from = before == null ? 0 : before;
                    appends.put(relative, slice(file, from, size));
                    int slash = relative.indexOf('/');
                    byKind.merge(slash < 0 ? relative : relative.substring(0, slash), size - from, Long::sum);
                }
            }
            if (archive == null) {
                throw new IllegalStateException("a batch left no archive file");
            }
            batches.add(new BatchWrites(batch.size(), archive, appends));
        }
        return batches;
    }

    /** {@link #ROUNDS} rounds, each publishing {@link #ROUND_BATCHES} batches to a bus with the rules, then one without. */
    static List<Stages> stages(Path dir) throws IOException {
        return stages(dir, ROUNDS, ROUND_BATCHES);
    }

    static List<Stages> stages(Path dir, int rounds, int batches) throws IOException {
        List<DeploymentEvent> events = BusWorkload.events(EVENTS);
        Map<String, LocalRules> variants = new LinkedHashMap<>();
        variants.put(BusWorkload.rules().size() + " rules", LocalRules.of(BusWorkload.rules()));
        variants.put("no rules", LocalRules.none());
        Map<String, List<double[]>> samples = new LinkedHashMap<>();
        long published = 0;
        for (int round = 0; round < rounds; round++) {
            for (Map.Entry<String, LocalRules> variant : variants.entrySet()) {
                Path stateDir = dir.resolve(round + "-" + variant.getValue().all().size());
                LocalEventBus bus = bus(stateDir, variant.getValue());
                LocalBusBenchmark.warm(bus, events);
                long publish = 0;
                long drain = 0;
                for (int b = 0; b < batches; b++) {
                    List<DeploymentEvent> batch = new ArrayList<>(BATCH);
                    for (int i = 0; i < BATCH; i++, published++) {
                        batch.add(LocalBusBenchmark.withId(events.get((int) (published % EVENTS)), "evt-" + published));
                    }
                    long start = System.nanoTime();
                    bus.publish(batch);
                    long returned = System.nanoTime();
                    if (!bus.drain(Duration.ofSeconds(60))) {
                        throw new IllegalStateException("the bus did not deliver a batch within 60 s");
                    }
                    drain += System.nanoTime() - returned;
                    publish += returned - start;
                }
                samples.computeIfAbsent(variant.getKey(), k -> new ArrayList<>())
                        .add(new double[] {publish / 1e3 / batches, drain / 1e3 / batches});
                LocalBusBenchmark.deleteRecursively(stateDir);
            }
        }
        List<Stages> result = new ArrayList<>();
        samples.forEach((name, list) -> result.add(new Stages(name, median(list, 0), median(list, 1))));
        return result;
    }

    /** A bus of the workload's account and region over {@code stateDir}. */
    private static LocalEventBus bus(Path stateDir, LocalRules rules) {
        return LocalEventBus.builder()
                .stateDir(stateDir)
                .account(BusWorkload.ACCOUNT)
                .region("us-east-1")
                .rules(rules)
                .build();
    }

    private static double median(List<double[]> samples, int index) {
        double[] values = samples.stream().mapToDouble(s -> s[index]).sorted().toArray();
        return values.length % 2 == 1 ? values[values.length / 2]
                : (values[values.length / 2 - 1] + values[values.length / 2]) / 2;
    }

    /** Writes the batches again and again into {@code dir}, as the bus writes them, for {@code run}. */
    static Ceiling replay(List<BatchWrites> batches, Path dir, Duration run) throws IOException {
        Files.createDirectories(dir.resolve("archive"));
        for (BatchWrites batch : batches) {
            for (String file : batch.appends().keySet()) {
                Files.createDirectories(dir.resolve(file).getParent());
            }
        }
        long bytesPerCycle = batches.stream().mapToLong(BatchWrites::bytes).sum();
        long eventsPerCycle = batches.stream().mapToLong(BatchWrites::events).sum();
        long start = System.nanoTime();
        long burstEnd = start + BURST.toNanos();
        long end = start + run.toNanos();
        long written = 0;
        long events = 0;
        long burstEvents = -1;
        long now = start;
        for (long n = 0; now < end; n++) {
            BatchWrites batch = batches.get((int) (n % batches.size()));
            Path archive = dir.resolve("archive/" + n + ".json");
            Path tmp = dir.resolve("archive/." + n + ".json.tmp");
            write(tmp, batch.archive(), StandardOpenOption.CREATE_NEW);
            Files.move(tmp, archive, StandardCopyOption.ATOMIC_MOVE);
            for (Map.Entry<String, byte[]> append : batch.appends().entrySet()) {
                write(dir.resolve(append.getKey()), append.getValue(), StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND);
            }
            written += batch.bytes();
            events += batch.events();
            now = System.nanoTime();
            if (burstEvents < 0 && now >= burstEnd) {
                burstEvents = events;
            }
        }
        double seconds = (now - start) / 1e9;
        double burst = burstEvents < 0 ? events / seconds : burstEvents / (BURST.toNanos() / 1e9);
        return new Ceiling((double) bytesPerCycle / eventsPerCycle, burst, events / seconds,
                written / seconds / 1e6);
    }

    private static void write(Path file, byte[] bytes, StandardOpenOption... options) throws IOException {
        List<StandardOpenOption> all = new ArrayList<>(List.of(options));
        all.add(StandardOpenOption.WRITE);
        try (FileChannel channel = FileChannel.open(file, all.toArray(StandardOpenOption[]::new))) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        }
    }

    private static byte[] slice(Path file, long from, long to) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer buffer = ByteBuffer.allocate(Math.toIntExact(to - from));
            while (buffer.hasRemaining() && channel.read(buffer, from + buffer.position()) >= 0) {
                // read until full
            }
            return buffer.array();
        }
    }

    private static List<Path> files(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            return paths.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
