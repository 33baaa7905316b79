package com.smuscicd.metrics;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * How an archive is opened.
 *
 * @param cacheDir    where the persistent index of parsed events lives, or null to parse the
 *                    archive in memory on every open
 * @param memoryLimit the engine's memory limit, e.g. {@code 2GB}
 * @param progress    told, before a long read starts, what is being read (a line for the user)
 */
public record ArchiveOptions(Path cacheDir, String memoryLimit, Consumer<String> progress) {

    public ArchiveOptions {
        Objects.requireNonNull(progress, "progress");
    }

    /** The memory limit used unless told otherwise: enough for millions of events, bounded. */
    public static final String DEFAULT_MEMORY_LIMIT = "2GB";

    /** Parse the whole archive in memory, keep nothing on disk. */
    public static ArchiveOptions noCache() {
        return new ArchiveOptions(null, DEFAULT_MEMORY_LIMIT, line -> { });
    }

    /** Keep the index of parsed events under {@code dir}, one database file per archive. */
    public static ArchiveOptions cacheIn(Path dir) {
        return new ArchiveOptions(dir, DEFAULT_MEMORY_LIMIT, line -> { });
    }

    /** The same options, telling {@code progress} what a long read is reading before it starts. */
    public ArchiveOptions withProgress(Consumer<String> progress) {
        return new ArchiveOptions(cacheDir, memoryLimit, progress);
    }

    /** {@code $XDG_CACHE_HOME/smus-cli}, else {@code ~/.cache/smus-cli}. */
    public static Path defaultCacheDir(Map<String, String> env) {
        String xdg = env.get("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("smus-cli");
    }
}
