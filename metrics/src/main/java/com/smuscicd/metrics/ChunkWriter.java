package com.smuscicd.metrics;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.GZIPInputStream;

/**
 * Copies many small archive files into a few large newline-delimited chunk files for the engine
 * to parse: its JSON reader pays about 0.2 ms of CPU per file opened, which over an archive of
 * tens of thousands of five-minute files costs several times the parsing itself. One chunk per
 * thread; the threads copy disjoint runs of the files.
 *
 * <p>Each line that starts an object gets its file's path as a first key, {@value #FILE_KEY}
 * (the path rather than an index: looking paths up again costs the engine more than parsing
 * them); the engine keeps the first of duplicate keys, so an event's own keys cannot override it.
 * Lines that cannot be events (blank ones aside) are not copied but counted, like the lines the
 * engine rejects: a file's unreadable lines are its non-blank lines minus the events read from it.
 */
final class ChunkWriter {

    /** The key that carries the file's path; not a key of any event. */
    static final String FILE_KEY = "smus-cli:file";

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;
    private static final long NEWLINES = ONES * '\n';

    private final List<Path> files;
    private final long[] lines;
    private final boolean[] failed;
    private final List<Path> chunks;

    private ChunkWriter(List<Path> files, long[] lines, boolean[] failed, List<Path> chunks) {
        this.files = files;
        this.lines = lines;
        this.failed = failed;
        this.chunks = chunks;
    }

    /**
     * Copies {@code files} (read as gzip when named {@code *.gz}) into at most {@code threads}
     * chunks under {@code dir}, in parallel; {@code sizes} (bytes on disk, same order) balance the
     * work between the threads.
     *
     * @throws UncheckedIOException when a chunk cannot be written
     */
    static ChunkWriter write(List<Path> files, long[] sizes, Path dir, int threads) {
        long[] lines = new long[files.size()];
        boolean[] failed = new boolean[files.size()];
        List<int[]> runs = split(sizes, threads);
        List<Path> chunks = new ArrayList<>();
        for (int[] run : runs) {
            chunks.add(dir.resolve("chunk-" + run[0] + ".ndjson"));
        }
        ChunkWriter writer = new ChunkWriter(files, lines, failed, List.copyOf(chunks));
        if (runs.size() == 1) {
            writer.copy(runs.get(0), chunks.get(0));
            return writer;
        }
        ExecutorService pool = Executors.newFixedThreadPool(runs.size(), r -> {
            Thread t = new Thread(r, "smus-cli-chunks");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < runs.size(); i++) {
                int[] run = runs.get(i);
                Path chunk = chunks.get(i);
                done.add(pool.submit(() -> writer.copy(run, chunk)));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading the archive", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
            try {
                // no worker may still be writing a chunk when the caller deletes the directory
                pool.awaitTermination(1, java.util.concurrent.TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return writer;
    }

    /** The chunk files written (some may be empty); the caller deletes them. */
    List<Path> chunks() {
        return chunks;
    }

    /** The non-blank lines of file {@code index}. */
    long lines(int index) {
        return lines[index];
    }

    /** Whether file {@code index} could not be read at all. */
    boolean failed(int index) {
        return failed[index];
    }

    /** Contiguous runs {@code [from, to)} of about equal bytes, at most {@code parts}, none empty. */
    static List<int[]> split(long[] sizes, int parts) {
        long total = 0;
        for (long size : sizes) {
            total += size;
        }
        List<int[]> runs = new ArrayList<>();
        int from = 0;
        long sum = 0;
        for (int i = 0; i < sizes.length; i++) {
            sum += sizes[i];
            // close this run once it holds its share of the bytes
            if (runs.size() < parts - 1 && sum * parts >= total * (runs.size() + 1)) {
                runs.add(new int[] {from, i + 1});
                from = i + 1;
            }
        }
        if (from < sizes.length || runs.isEmpty()) {
            runs.add(new int[] {from, sizes.length});
        }
        return runs;
    }

    private void copy(int[] run, Path chunk) {
        Content content = new Content();
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(chunk), 1 << 20)) {
            for (int i = run[0]; i < run[1]; i++) {
                Path file = files.get(i);
                try {
                    content.read(file);
                } catch (IOException e) {
                    // reported with the reason by the line check, which reads the file again
                    failed[i] = true;
                    continue;
                }
                lines[i] = copyLines(content, tag(file), out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + chunk + ": " + e.getMessage(), e);
        }
    }

    /** Copies the lines of one file, each opened with {@code tag}; returns its non-blank lines. */
    private static long copyLines(Content file, byte[] tag, OutputStream out) throws IOException {
        byte[] content = file.bytes;
        int n = file.length;
        long count = 0;
        int start = 0;
        while (start < n) {
            int end = lineEnd(content, start, n);
            int first = start;
            while (first < end && isSpace(content[first])) {
                first++;
            }
            if (first < end) {
                count++;
                if (content[first] == '{') {
                    int next = first + 1;
                    while (next < end && isSpace(content[next])) {
                        next++;
                    }
                    out.write(tag);
                    // an empty object must stay valid JSON: no comma before its closing brace
                    if (next >= end || content[next] != '}') {
                        out.write(',');
                    }
                    out.write(content, first + 1, end - first - 1);
                    out.write('\n');
                }
            }
            start = end + 1;
        }
        return count;
    }

    /** {@code {"smus-cli:file":"<path>"} without its closing brace, the path as a JSON string. */
    private static byte[] tag(Path file) {
        String path = file.toString();
        StringBuilder b = new StringBuilder(path.length() + 24).append("{\"").append(FILE_KEY).append("\":\"");
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The index of the first {@code '\n'} in {@code bytes[from, to)}, else {@code to}; eight bytes
     * at a time, as the scan for line ends is a good part of the copy.
     */
    static int lineEnd(byte[] bytes, int from, int to) {
        int i = from;
        for (; i + Long.BYTES <= to; i += Long.BYTES) {
            long x = (long) LONGS.get(bytes, i) ^ NEWLINES;
            long found = (x - ONES) & ~x & HIGHS;
            if (found != 0) {
                return i + (Long.numberOfTrailingZeros(found) >>> 3);
            }
        }
        for (; i < to; i++) {
            if (bytes[i] == '\n') {
                return i;
            }
        }
        return to;
    }

    /** JSON whitespace, plus the vertical tab and form feed that the engine also skips on a blank line. */
    private static boolean isSpace(byte b) {
        return b == ' ' || b == '\t' || b == '\r' || b == '\n' || b == 0x0B || b == '\f';
    }

    /** The content of one file, in a buffer reused from file to file. */
    private static final class Content {
        private byte[] bytes = new byte[1 << 20];
        private int length;

        void read(Path file) throws IOException {
            length = 0;
            if (file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".gz")) {
                try (InputStream in = new GZIPInputStream(Files.newInputStream(file), 64 * 1024)) {
                    for (int r; (r = in.read(bytes, length, bytes.length - length)) >= 0; ) {
                        length += r;
                        grow();
                    }
                }
                return;
            }
            try (FileChannel channel = FileChannel.open(file)) {
                long size = channel.size();
                if (size >= Integer.MAX_VALUE / 2) {
                    throw new IOException("file too large: " + size + " bytes");
                }
                if (bytes.length <= size) {
                    bytes = new byte[(int) size + 1];
                }
                for (int r; (r = channel.read(ByteBuffer.wrap(bytes, length, bytes.length - length))) >= 0; ) {
                    length += r;
                    grow();
                }
            }
        }

        /** Room for more: the file may have grown since it was listed. */
        private void grow() throws IOException {
            if (length == bytes.length) {
                if (bytes.length >= Integer.MAX_VALUE / 2) {
                    throw new IOException("file too large");
                }
                bytes = Arrays.copyOf(bytes, bytes.length * 2);
            }
        }
    }
}
