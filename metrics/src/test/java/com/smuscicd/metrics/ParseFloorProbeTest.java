package com.smuscicd.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * metrics/bench/floor.sh measures the engine's parse alone with {@code metrics/bench/ParseFloor.java},
 * which reads the reader's columns from {@link EventArchive} by reflection. This compiles and runs
 * the probe over a small archive, so a rename here cannot leave the benchmark broken unnoticed.
 */
class ParseFloorProbeTest {

    private static final Path PROBE = Path.of("bench", "ParseFloor.java");

    @TempDir
    Path temp;

    @Test
    void parseFloor_whenJoinedArchive_parsesEveryLineWithTheArchiveColumns() throws Exception {
        Path archive = temp.resolve("archive");
        SyntheticArchive.Summary summary = SyntheticArchive.generate(SyntheticArchive.Options.defaults(archive, 1_500)
                .withShape(4, 3).withEnd(LocalDate.of(2025, 11, 30)));
        Path joined = temp.resolve("joined.ndjson");
        join(archive, joined);
        Path classes = Files.createDirectories(temp.resolve("classes"));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertThat(javac.run(null, null, null, "-d", classes.toString(), "-cp", System.getProperty("java.class.path"),
                PROBE.toString())).isZero();

        String out;
        try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()}, getClass().getClassLoader())) {
            out = stdoutOf(() -> loader.loadClass("ParseFloor").getMethod("main", String[].class)
                    .invoke(null, (Object) new String[] {joined.toString()}));
        }

        String[] parts = out.trim().split(" ");
        assertThat(parts).hasSize(2);
        assertThat(Long.parseLong(parts[0])).isNotNegative();
        assertThat(Long.parseLong(parts[1])).isEqualTo(summary.events());
    }

    private static void join(Path archive, Path joined) throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(archive)) {
            files = walk.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
        try (OutputStream out = Files.newOutputStream(joined)) {
            for (Path file : files) {
                Files.copy(file, out);
            }
        }
    }

    private interface Call {
        void run() throws Exception;
    }

    private static String stdoutOf(Call call) throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            call.run();
        } finally {
            System.setOut(original);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }
}
