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
 * </ol>
 *
 * <pre>java -cp bench/target/benchmarks.jar com.smuscicd.bench.BusIoCeiling [seconds, default 10]</pre>
 */
public final class BusIoCeiling {

    static final int EVENTS = 4096;
    static final int BATCH = 100;
    static final Duration BURST = Duration.ofSeconds(3);

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
        } finally {
            LocalBusBenchmark.deleteRecursively(work);
        }
    }

    /** Publishes the workload through a bus in {@code stateDir} and returns each batch's writes; adds bytes per kind. */
    static List<BatchWrites> busWrites(Path stateDir, Map<String, Long> byKind) throws IOException {
        LocalEventBus bus = LocalEventBus.builder()
                .stateDir(stateDir)
                .account(BusWorkload.ACCOUNT)
                .region("us-east-1")
                .rules(LocalRules.of(BusWorkload.rules()))
                .build();
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
