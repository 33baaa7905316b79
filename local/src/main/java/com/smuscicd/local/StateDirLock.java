package com.smuscicd.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * An exclusive lock on a local state directory, held for a whole {@code deploy --local} run: the
 * local account is read once and written back whole, so two runs on one directory at the same
 * time would each lose the other's changes. A file lock ({@code <stateDir>/.lock}), so it holds
 * across processes; the operating system releases it when a process dies.
 */
public final class StateDirLock implements AutoCloseable {

    /** The lock file, inside the state directory. */
    public static final String FILE_NAME = ".lock";

    private static final Duration POLL = Duration.ofMillis(100);

    private final FileChannel channel;
    private final FileLock lock;

    private StateDirLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the lock, waiting up to {@code maxWait} for another run to release it; {@code note}
     * is told once when it has to wait.
     *
     * @throws IllegalArgumentException when another run still holds it after {@code maxWait}
     * @throws UncheckedIOException     when the directory or the lock file cannot be created
     */
    public static StateDirLock acquire(Path stateDir, Duration maxWait, Consumer<String> note) {
        FileChannel channel;
        try {
            Files.createDirectories(stateDir);
            channel = FileChannel.open(stateDir.resolve(FILE_NAME), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot use state directory " + stateDir + ": " + e, e);
        }
        long deadline = System.nanoTime() + maxWait.toNanos();
        boolean told = false;
        try {
            while (true) {
                FileLock lock = tryLock(channel);
                if (lock != null) {
                    return new StateDirLock(channel, lock);
                }
                if (!told) {
                    note.accept("waiting for another smus-cli using " + stateDir);
                    told = true;
                }
                if (System.nanoTime() - deadline > 0) {
                    throw new IllegalArgumentException("another smus-cli is still using " + stateDir + " after "
                            + maxWait.toSeconds() + " s; wait for it to finish, or pass another --state-dir");
                }
                Thread.sleep(POLL.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closeQuietly(channel);
            throw new IllegalArgumentException("interrupted while waiting for " + stateDir);
        } catch (RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    /** The lock, or null while another process (or another run in this JVM) holds it. */
    private static FileLock tryLock(FileChannel channel) {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException e) {
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock " + FILE_NAME + ": " + e, e);
        }
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // Closing releases nothing we hold.
        }
    }

    /** Releases the lock. */
    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException ignored) {
            // The channel's close below releases it too.
        }
        closeQuietly(channel);
    }
}
