package com.smuscicd.metrics;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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
    /** Bytes read from a file at a time, and buffered for a chunk. */
    static final int BUFFER = 1 << 20;
    /**
     * The longest line copied: the engine's JSON reader is documented to read objects of at most
     * 16 MiB ({@code maximum_object_size}) and fails the whole statement on some longer ones, and an
     * EventBridge event is at most 1 MB; a longer line is counted (and reported as unreadable)
     * without being held in memory whole.
     */
    static final int MAX_LINE = 16 << 20;
    private static final byte[] COMMA = {','};
    private static final byte[] NEWLINE = {'\n'};

    private final List<Path> files;
    private final long[] lines;
    /** Why each file could not be read, or null: a file read whole has none. */
    private final String[] failures;
    private final List<Path> chunks;

    private ChunkWriter(List<Path> files, long[] lines, List<Path> chunks) {
        this.files = files;
        this.lines = lines;
        this.failures = new String[files.size()];
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
        List<int[]> runs = split(sizes, threads);
        List<Path> chunks = new ArrayList<>();
        for (int[] run : runs) {
            chunks.add(dir.resolve("chunk-" + run[0] + ".ndjson"));
        }
        ChunkWriter writer = new ChunkWriter(files, lines, List.copyOf(chunks));
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

    /**
     * The non-blank lines of file {@code index}; of a file that {@link #failed}, those read before
     * it did (none of which was copied: it may hold more).
     */
    long lines(int index) {
        return lines[index];
    }

    /** Whether file {@code index} could not be read to its end, so that none of it was copied. */
    boolean failed(int index) {
        return failures[index] != null;
    }

    /** Why file {@code index} could not be read ({@code cannot read file: <reason>}), or null when it was. */
    String failure(int index) {
        return failures[index];
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
        byte[][] buffer = {new byte[BUFFER]};
        try (ChunkOutput out = new ChunkOutput(FileChannel.open(chunk, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE))) {
            for (int i = run[0]; i < run[1]; i++) {
                Path file = files.get(i);
                long mark = out.position();
                try {
                    lines[i] = copyFile(file, tag(file), buffer, out);
                } catch (FileReadException e) {
                    // a file is read whole or not at all, so what it gave before failing goes
                    lines[i] = e.linesRead;
                    failures[i] = "cannot read file: " + FileErrors.reason(e.getCause());
                    out.rewind(mark);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + chunk + ": " + e.getMessage(), e);
        }
    }

    /**
     * Copies the lines of one file (gzip when named {@code *.gz}), each opened with {@code tag},
     * a buffer at a time: memory is the buffer, or the longest line when longer, whatever the
     * file's size. Returns its non-blank lines.
     *
     * @throws FileReadException when the file cannot be read (the chunk may hold part of it)
     * @throws IOException       when the chunk cannot be written
     */
    private static long copyFile(Path file, byte[] tag, byte[][] buffer, ChunkOutput out) throws IOException {
        long count = 0;
        try (InputStream in = open(file)) {
            int length = 0;
            boolean eof = false;
            // in a line longer than MAX_LINE: counted already, skipped to its end
            boolean skipping = false;
            while (!eof) {
                byte[] bytes = buffer[0];
                int read = read(in, bytes, length);
                eof = read < 0;
                length += Math.max(0, read);
                int start = 0;
                if (skipping) {
                    int end = lineEnd(bytes, 0, length);
                    if (end == length) {
                        length = 0;
                        continue;
                    }
                    skipping = false;
                    start = end + 1;
                }
                while (start < length) {
                    int end = lineEnd(bytes, start, length);
                    if (end == length && !eof) {
                        break;
                    }
                    count += copyLine(bytes, start, end, tag, out);
                    start = end + 1;
                }
                // keep the line not yet ended for the next read, making room when it fills the buffer
                length = Math.max(0, length - start);
                if (length > 0) {
                    System.arraycopy(bytes, start, bytes, 0, length);
                }
                if (length == bytes.length) {
                    if (bytes.length >= MAX_LINE) {
                        // more than the engine would read as one object: an unreadable line
                        count++;
                        skipping = true;
                        length = 0;
                    } else {
                        buffer[0] = Arrays.copyOf(bytes, bytes.length * 2);
                    }
                }
            }
            return count;
        } catch (FileReadException e) {
            throw e;
        } catch (ChunkWriteException e) {
            throw e.getCause();
        } catch (IOException e) {
            throw new FileReadException(e, count);
        }
    }

    /** The file's content: decompressed when it is named {@code *.gz}, in any case. */
    static InputStream open(Path file) throws IOException {
        InputStream in = Files.newInputStream(file);
        if (!file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".gz")) {
            return in;
        }
        try {
            return new GZIPInputStream(in, 64 * 1024);
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
    }

    /** Reads into {@code bytes} from {@code offset}: the count, or -1 at the end. */
    private static int read(InputStream in, byte[] bytes, int offset) throws IOException {
        for (int read; ; ) {
            read = in.read(bytes, offset, bytes.length - offset);
            if (read != 0) {
                return read;
            }
        }
    }

    /** Copies one line {@code [start, end)} if it starts an object, opened with {@code tag}; 1 if not blank. */
    private static int copyLine(byte[] content, int start, int end, byte[] tag, ChunkOutput out)
            throws ChunkWriteException {
        int first = start;
        while (first < end && isSpace(content[first])) {
            first++;
        }
        if (first >= end) {
            return 0;
        }
        if (content[first] == '{') {
            int next = first + 1;
            while (next < end && isSpace(content[next])) {
                next++;
            }
            out.write(tag, 0, tag.length);
            // an empty object must stay valid JSON: no comma before its closing brace
            if (next >= end || content[next] != '}') {
                out.write(COMMA, 0, 1);
            }
            out.write(content, first + 1, end - first - 1);
            out.write(NEWLINE, 0, 1);
        }
        return 1;
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
    static boolean isSpace(int b) {
        return b == ' ' || b == '\t' || b == '\r' || b == '\n' || b == 0x0B || b == '\f';
    }

    /** A file that could not be read (the chunk itself is fine), after {@code linesRead} of its lines. */
    private static final class FileReadException extends IOException {
        final transient long linesRead;

        FileReadException(IOException cause, long linesRead) {
            super(cause.getMessage(), cause);
            this.linesRead = linesRead;
        }

        @Override
        public synchronized IOException getCause() {
            return (IOException) super.getCause();
        }
    }

    /** A chunk that could not be written: told apart from a file that could not be read, which only fails that file. */
    private static final class ChunkWriteException extends IOException {
        ChunkWriteException(IOException cause) {
            super(cause.getMessage(), cause);
        }

        @Override
        public synchronized IOException getCause() {
            return (IOException) super.getCause();
        }
    }

    /**
     * A chunk file written through a buffer, that can go back to an earlier position (dropping
     * what a file that then failed had copied).
     */
    private static final class ChunkOutput implements AutoCloseable {
        private final FileChannel channel;
        private final byte[] buffer = new byte[BUFFER];
        private int buffered;
        private long flushed;

        ChunkOutput(FileChannel channel) {
            this.channel = channel;
        }

        long position() {
            return flushed + buffered;
        }

        void write(byte[] bytes, int offset, int length) throws ChunkWriteException {
            try {
                if (length > buffer.length - buffered) {
                    flush();
                }
                if (length > buffer.length) {
                    writeFully(ByteBuffer.wrap(bytes, offset, length));
                    return;
                }
                System.arraycopy(bytes, offset, buffer, buffered, length);
                buffered += length;
            } catch (IOException e) {
                throw new ChunkWriteException(e);
            }
        }

        /** Drops everything written after {@code mark}. */
        void rewind(long mark) throws IOException {
            if (mark >= flushed) {
                buffered = (int) (mark - flushed);
                return;
            }
            buffered = 0;
            channel.truncate(mark);
            channel.position(mark);
            flushed = mark;
        }

        private void flush() throws IOException {
            writeFully(ByteBuffer.wrap(buffer, 0, buffered));
            buffered = 0;
        }

        private void writeFully(ByteBuffer bytes) throws IOException {
            while (bytes.hasRemaining()) {
                flushed += channel.write(bytes);
            }
        }

        @Override
        public void close() throws IOException {
            try {
                flush();
            } finally {
                channel.close();
            }
        }
    }
}
