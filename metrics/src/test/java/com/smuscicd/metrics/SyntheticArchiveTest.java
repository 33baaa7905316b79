package com.smuscicd.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyntheticArchiveTest {

    @TempDir
    Path temp;

    @Test
    void generate_whenSmallArchive_writesTheRequestedLinesInTheArchiveLayout() throws IOException {
        SyntheticArchive.Summary summary = SyntheticArchive.generate(options(temp.resolve("a"), 3_000));

        assertThat(summary.events()).isEqualTo(3_000);
        assertThat(summary.duplicates()).isPositive();
        try (Stream<Path> files = Files.walk(temp.resolve("a"))) {
            List<Path> json = files.filter(Files::isRegularFile).toList();
            assertThat(json).hasSize((int) summary.files());
            assertThat(json).allSatisfy(p -> assertThat(temp.resolve("a").relativize(p).toString())
                    .matches("smus-events/\\d{4}/\\d{2}/\\d{2}/[^/]+\\.json"));
        }
        try (EventArchive archive = EventArchive.open(temp.resolve("a"))) {
            assertThat(archive.stats().deliveries()).isEqualTo(3_000);
            assertThat(archive.stats().events()).isEqualTo(3_000 - summary.duplicates());
            assertThat(archive.problems()).isEmpty();
            // Firehose-like files hold many events, not in sequence order
            assertThat(archive.query("SELECT count(*) AS n FROM (SELECT file FROM smus_events_raw GROUP BY file"
                    + " HAVING count(*) > 1)").column("n").get(0)).asString().isNotEqualTo("0");
            assertThat(archive.query("SELECT count(DISTINCT pipelinename) AS p, count(DISTINCT target.name) AS t,"
                    + " count(*) FILTER (WHERE status = 'failed') AS f FROM smus_events").rows().get(0))
                    .containsExactly(6L, 3L, archive.query("SELECT count(*) FROM smus_events WHERE status = 'failed'")
                            .rows().get(0).get(0));
            MetricsReport report = DeploymentMetrics.compute(archive, MetricsQuery.all(Instant.now()));
            assertThat(report.overall().failed()).isPositive();
            assertThat(report.overall().restores()).isPositive();
            assertThat(report.overall().leadTimeMedianMs()).isPositive();
        }
    }

    @Test
    void generate_whenSameSeed_writesTheSameArchive() throws IOException {
        SyntheticArchive.generate(options(temp.resolve("one"), 1_000));
        SyntheticArchive.generate(options(temp.resolve("two"), 1_000));

        assertThat(contents(temp.resolve("two"))).isEqualTo(contents(temp.resolve("one")));
    }

    private static SyntheticArchive.Options options(Path out, long events) {
        return SyntheticArchive.Options.defaults(out, events).withShape(6, 5).withEnd(LocalDate.of(2025, 11, 30));
    }

    private static TreeMap<String, String> contents(Path dir) throws IOException {
        TreeMap<String, String> map = new TreeMap<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                map.put(dir.relativize(p).toString(), Files.readString(p));
            }
        }
        return map;
    }
}
