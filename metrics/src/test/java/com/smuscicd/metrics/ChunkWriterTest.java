package com.smuscicd.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChunkWriterTest {

    @TempDir
    Path temp;

    @Test
    void write_whenLinesMixed_copiesObjectLinesTaggedAndCountsEveryNonBlankLine() throws IOException {
        Path file = write("a.json", "{\"id\":\"1\"}\n\n  {\"id\":\"2\"}\r\nnot json\n\f\n{}\n{ }\n[1]\n{\"id\":\"3\"}");

        ChunkWriter writer = ChunkWriter.write(List.of(file), new long[] {Files.size(file)}, temp, 1);

        String tag = "{\"" + ChunkWriter.FILE_KEY + "\":\"" + file + "\"";
        assertThat(writer.lines(0)).isEqualTo(7);
        assertThat(writer.failed(0)).isFalse();
        assertThat(Files.readString(writer.chunks().get(0))).isEqualTo(
                tag + ",\"id\":\"1\"}\n"
                + tag + ",\"id\":\"2\"}\r\n"
                + tag + "}\n"
                + tag + " }\n"
                + tag + ",\"id\":\"3\"}\n");
    }

    @Test
    void write_whenPathNeedsEscaping_tagsWithAJsonString() throws IOException {
        Path file = write("we\"ird\\name.json", "{\"id\":\"1\"}\n");

        ChunkWriter writer = ChunkWriter.write(List.of(file), new long[] {1}, temp, 1);

        String escaped = file.toString().replace("\\", "\\\\").replace("\"", "\\\"");
        assertThat(Files.readString(writer.chunks().get(0)))
                .isEqualTo("{\"" + ChunkWriter.FILE_KEY + "\":\"" + escaped + "\",\"id\":\"1\"}\n");
    }

    @Test
    void write_whenGzipped_copiesTheDecompressedLines() throws IOException {
        Path file = temp.resolve("events.json.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write("{\"id\":\"1\"}\n{\"id\":\"2\"}\n".getBytes(StandardCharsets.UTF_8));
        }

        ChunkWriter writer = ChunkWriter.write(List.of(file), new long[] {1}, temp, 1);

        assertThat(writer.lines(0)).isEqualTo(2);
        assertThat(Files.readAllLines(writer.chunks().get(0))).hasSize(2).allMatch(l -> l.endsWith("\"}"));
    }

    @Test
    void write_whenGzipCorrupt_marksTheFileFailedAndCopiesTheOthers() throws IOException {
        Path bad = write("bad.json.gz", "{\"id\":\"not gzip\"}\n");
        Path good = write("good.json", "{\"id\":\"1\"}\n");

        ChunkWriter writer = ChunkWriter.write(List.of(bad, good), new long[] {1, 1}, temp, 2);

        assertThat(writer.failed(0)).isTrue();
        assertThat(writer.failed(1)).isFalse();
        assertThat(writer.lines(1)).isEqualTo(1);
        List<String> copied = new ArrayList<>();
        for (Path chunk : writer.chunks()) {
            copied.addAll(Files.readAllLines(chunk));
        }
        assertThat(copied).singleElement().asString().contains("good.json").doesNotContain("not gzip");
    }

    @Test
    void write_whenFilesAndLinesAreLongerThanTheBuffer_copiesEveryLineWhole() throws IOException {
        StringBuilder many = new StringBuilder();
        for (int i = 0; many.length() < 3 * ChunkWriter.BUFFER; i++) {
            many.append("{\"id\":\"").append(i).append("\",\"pad\":\"").append("x".repeat(i % 500)).append("\"}\n");
        }
        String longLine = "{\"id\":\"long\",\"pad\":\"" + "y".repeat(5 * ChunkWriter.BUFFER / 2) + "\"}";
        Path big = write("big.json", many.toString());
        Path longOne = write("long.json", "{\"id\":\"before\"}\n" + longLine + "\n{\"id\":\"after\"}");

        ChunkWriter writer = ChunkWriter.write(List.of(big, longOne), new long[] {1, 1}, temp, 1);

        String bigTag = "{\"" + ChunkWriter.FILE_KEY + "\":\"" + big + "\",";
        String longTag = "{\"" + ChunkWriter.FILE_KEY + "\":\"" + longOne + "\",";
        StringBuilder expected = new StringBuilder();
        many.toString().lines().forEach(line -> expected.append(bigTag).append(line, 1, line.length()).append('\n'));
        for (String line : List.of("{\"id\":\"before\"}", longLine, "{\"id\":\"after\"}")) {
            expected.append(longTag).append(line, 1, line.length()).append('\n');
        }
        assertThat(Files.readString(writer.chunks().get(0))).isEqualTo(expected.toString());
        assertThat(writer.lines(0)).isEqualTo(many.toString().lines().count());
        assertThat(writer.lines(1)).isEqualTo(3);
    }

    @Test
    void write_whenAGzipBreaksAfterMoreThanABuffer_copiesNothingOfItAndEverythingOfTheOthers() throws IOException {
        Path before = write("a.json", "{\"id\":\"a\"}\n");
        byte[] whole;
        try (java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
             OutputStream out = new GZIPOutputStream(bytes)) {
            Random random = new Random(7);
            for (int i = 0; i < 40_000; i++) {
                // random text, so that the compressed stream is long enough to cut past the first buffer
                out.write(("{\"id\":\"" + i + "\",\"r\":\"" + Long.toHexString(random.nextLong()) + "\"}\n")
                        .getBytes(StandardCharsets.UTF_8));
            }
            out.close();
            whole = bytes.toByteArray();
        }
        Path broken = temp.resolve("b.json.gz");
        Files.write(broken, java.util.Arrays.copyOf(whole, whole.length - 100));
        Path after = write("c.json", "{\"id\":\"c\"}\n");

        ChunkWriter writer = ChunkWriter.write(List.of(before, broken, after), new long[] {1, 1, 1}, temp, 1);

        assertThat(writer.failed(1)).isTrue();
        assertThat(writer.failure(1)).isEqualTo("cannot read file: Unexpected end of ZLIB input stream");
        assertThat(writer.lines(1)).as("lines read before the error").isBetween(1L, 40_000L);
        assertThat(Files.readAllLines(writer.chunks().get(0))).hasSize(2)
                .satisfiesExactly(line -> assertThat(line).contains("a.json").endsWith("\"id\":\"a\"}"),
                        line -> assertThat(line).contains("c.json").endsWith("\"id\":\"c\"}"));
    }

    @Test
    void write_whenALineIsLongerThanAnyObjectTheEngineReads_countsItAndCopiesTheOtherLines() throws IOException {
        Path file = temp.resolve("huge-line.json");
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write("{\"id\":\"1\"}\n{\"pad\":\"".getBytes(StandardCharsets.UTF_8));
            byte[] pad = new byte[1 << 20];
            java.util.Arrays.fill(pad, (byte) 'z');
            for (int i = 0; i <= ChunkWriter.MAX_LINE / pad.length; i++) {
                out.write(pad);
            }
            out.write("\"}\n{\"id\":\"2\"}\n".getBytes(StandardCharsets.UTF_8));
        }

        ChunkWriter writer = ChunkWriter.write(List.of(file), new long[] {1}, temp, 1);

        assertThat(writer.lines(0)).isEqualTo(3);
        assertThat(Files.readAllLines(writer.chunks().get(0))).satisfiesExactly(
                line -> assertThat(line).endsWith(",\"id\":\"1\"}"), line -> assertThat(line).endsWith(",\"id\":\"2\"}"));
    }

    @Test
    void write_whenSeveralThreads_everyFileIsCopiedOnceInOrderWithinItsChunk() throws IOException {
        List<Path> files = new ArrayList<>();
        long[] sizes = new long[10];
        for (int i = 0; i < 10; i++) {
            files.add(write("f" + i + ".json", "{\"id\":\"" + i + "\"}\n"));
            sizes[i] = 10;
        }

        ChunkWriter writer = ChunkWriter.write(files, sizes, temp, 3);

        assertThat(writer.chunks()).hasSize(3);
        List<String> copied = new ArrayList<>();
        for (Path chunk : writer.chunks()) {
            copied.addAll(Files.readAllLines(chunk));
        }
        assertThat(copied).hasSize(10);
        for (int i = 0; i < 10; i++) {
            assertThat(copied.get(i)).endsWith("f" + i + ".json\",\"id\":\"" + i + "\"}");
        }
    }

    @Test
    void split_whenSizesUneven_coversEveryIndexOnceWithRunsOfAboutEqualBytes() {
        List<int[]> runs = ChunkWriter.split(new long[] {10, 10, 10, 10, 40, 10, 10}, 2);

        assertThat(runs).hasSize(2);
        assertThat(runs.get(0)).containsExactly(0, 5);
        assertThat(runs.get(1)).containsExactly(5, 7);
    }

    @Test
    void split_whenFewerItemsThanParts_makesNoEmptyRun() {
        assertThat(ChunkWriter.split(new long[] {5}, 4)).singleElement().satisfies(r -> assertThat(r).containsExactly(0, 1));
        assertThat(ChunkWriter.split(new long[] {}, 4)).singleElement().satisfies(r -> assertThat(r).containsExactly(0, 0));
    }

    @Test
    void lineEnd_whenNewlinesAnywhere_findsTheFirstLikeAPlainScan() {
        Random random = new Random(7);
        for (int round = 0; round < 2_000; round++) {
            byte[] bytes = new byte[random.nextInt(40)];
            for (int i = 0; i < bytes.length; i++) {
                bytes[i] = (byte) (random.nextInt(8) == 0 ? '\n' : random.nextInt(256));
            }
            int from = bytes.length == 0 ? 0 : random.nextInt(bytes.length);
            int to = from + random.nextInt(bytes.length - from + 1);
            int expected = to;
            for (int i = from; i < to; i++) {
                if (bytes[i] == '\n') {
                    expected = i;
                    break;
                }
            }
            assertThat(ChunkWriter.lineEnd(bytes, from, to)).as("round %d", round).isEqualTo(expected);
        }
    }

    private Path write(String name, String content) throws IOException {
        Path file = temp.resolve(name);
        Files.writeString(file, content);
        return file;
    }
}
