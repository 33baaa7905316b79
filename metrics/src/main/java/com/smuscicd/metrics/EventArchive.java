package com.smuscicd.metrics;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TimeZone;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.stream.Stream;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * A directory of archived events ({@code <dir>/**}{@code /YYYY/MM/DD/*.json}, newline-delimited
 * EventBridge envelopes, as the monitoring stack's S3 delivery and the local bus write them)
 * opened for SQL with embedded DuckDB.
 *
 * <p>Two views are defined, with the columns of the Athena table of the monitoring stack, so the
 * same SQL runs in both places:
 * <ul>
 *   <li>{@code smus_events}: one row per event. Delivery is at-least-once, so an event found more
 *       than once (same {@code deploymentid} and {@code sequence}, or same {@code id} for events
 *       without them) appears once.</li>
 *   <li>{@code smus_events_raw}: one row per line read, duplicates included, with the extra column
 *       {@code file}.</li>
 *   <li>{@code smus_deployments}: one row per deployment (outcome, start and end, failed phase,
 *       error code, commit time), derived from {@code smus_events} by sequence, as the metrics use it.</li>
 * </ul>
 *
 * <p>Parsing JSON dominates the cost, so the parsed events can be kept in a cache database
 * ({@link ArchiveOptions#cacheIn}): a later open parses only the files that are new or changed
 * (by size and modification time) and forgets the ones that are gone. Lines that are not events
 * are skipped and reported per file ({@link #problems()}); the rest of the file still counts.
 * The files to parse are first copied into a few large chunks in the temporary directory
 * ({@link ChunkWriter}) and parsed by one statement: the engine's cost per file opened would
 * otherwise be most of the work.
 */
public final class EventArchive implements AutoCloseable {

    /** Bumped whenever the cache's tables change shape; an old cache is then rebuilt. */
    static final String SCHEMA_VERSION = "3";
    /**
     * The rules {@code store.deployments} was computed by: a cache whose table was computed by
     * other rules (an older version) gets it computed again, without reading the files again.
     */
    static final String DEPLOYMENTS_RULES = digest(DeploymentMetrics.DEPLOYMENTS_TABLE_SQL);
    /**
     * How much JSON one statement parses. One statement for everything is much the cheapest: each
     * further insert in the same transaction makes the engine copy every row again on commit
     * (1M events: 1.7 s of CPU for two statements, none for one). But the chunks of a statement
     * sit in the temporary directory until it is done, so beyond this the work is split.
     */
    private static final long GROUP_BYTES = 4L << 30;
    /** From this many files, or this many bytes, to read, the user is told before the reading starts. */
    static final int PROGRESS_FILES = 1_000;
    static final long PROGRESS_BYTES = 100_000_000L;

    static final String TARGET_TYPE = "STRUCT(name VARCHAR, stage VARCHAR, domain STRUCT(name VARCHAR, region VARCHAR,"
            + " id VARCHAR), project STRUCT(name VARCHAR, id VARCHAR))";
    static final String METADATA_TYPE = "STRUCT(\"user\" VARCHAR, gitcommit VARCHAR, gitbranch VARCHAR,"
            + " gitrepository VARCHAR, cicdplatform VARCHAR, runid VARCHAR, runurl VARCHAR, committimestamp VARCHAR)";
    static final String ERROR_TYPE = "STRUCT(code VARCHAR, message VARCHAR)";

    /**
     * The JSON reader's view of a line; key names are the JSON's own (the reader is case-sensitive).
     * Read by name, with {@link #SELECT_COLUMNS}, by metrics/bench/ParseFloor.java (ParseFloorProbeTest).
     */
    private static final String READ_COLUMNS = "{\"version\": 'VARCHAR', \"id\": 'VARCHAR', \"detail-type\": 'VARCHAR',"
            + " \"source\": 'VARCHAR', \"account\": 'VARCHAR', \"time\": 'VARCHAR', \"region\": 'VARCHAR',"
            + " \"resources\": 'VARCHAR[]', \"detail\": 'STRUCT(\"version\" VARCHAR, \"timestamp\" VARCHAR,"
            + " pipelineName VARCHAR, stage VARCHAR, status VARCHAR,"
            + " target STRUCT(name VARCHAR, stage VARCHAR, domain STRUCT(name VARCHAR, region VARCHAR, id VARCHAR),"
            + " project STRUCT(name VARCHAR, id VARCHAR)),"
            + " metadata STRUCT(\"user\" VARCHAR, gitCommit VARCHAR, gitBranch VARCHAR, gitRepository VARCHAR,"
            + " cicdPlatform VARCHAR, runId VARCHAR, runUrl VARCHAR, commitTimestamp VARCHAR),"
            + " deploymentId VARCHAR, sequence BIGINT, durationMs BIGINT, error STRUCT(code VARCHAR, message VARCHAR),"
            + " details JSON)', \"" + ChunkWriter.FILE_KEY + "\": 'VARCHAR'}";

    /** Flattens a line into the table's columns; struct fields become lower case on insert, like Glue's. */
    private static final String SELECT_COLUMNS = "id, \"detail-type\", source, account,"
            + " TRY_CAST(\"time\" AS TIMESTAMPTZ), region, resources, detail.\"version\","
            + " TRY_CAST(detail.\"timestamp\" AS TIMESTAMPTZ), detail.pipelineName, detail.stage, detail.status,"
            + " detail.target, detail.metadata, detail.deploymentId, detail.sequence, detail.durationMs, detail.error,"
            + " CAST(detail.details AS VARCHAR), \"" + ChunkWriter.FILE_KEY + "\", false";

    private static final String EVENT_COLUMNS_DDL = "id VARCHAR, detail_type VARCHAR, source VARCHAR, account VARCHAR,"
            + " \"time\" TIMESTAMPTZ, region VARCHAR, resources VARCHAR[], \"version\" VARCHAR, \"timestamp\" TIMESTAMPTZ,"
            + " pipelinename VARCHAR, stage VARCHAR, status VARCHAR, target " + TARGET_TYPE + ", metadata "
            + METADATA_TYPE + ", deploymentid VARCHAR, sequence BIGINT, durationms BIGINT, error " + ERROR_TYPE
            + ", details VARCHAR";

    /**
     * Which delivery of an event {@code smus_events} keeps: one per event (same deployment id and
     * sequence, else same id), the earliest by {@code time}, then file and id. The other deliveries
     * get {@code dup = true} in {@code store.raw_events}; {@code store.events} leaves them out. The
     * one definition of de-duplication: the events view and the pattern tester both use the flag.
     * Duplicates are few, so only the deliveries of keys found more than once are ranked, and the
     * flag is all that is written: no copy of the events is made.
     */
    private static final String DELIVERY_KEY = "CASE WHEN deploymentid IS NOT NULL AND sequence IS NOT NULL"
            + " THEN deploymentid END AS key_deployment, CASE WHEN deploymentid IS NOT NULL AND sequence IS NOT NULL"
            + " THEN sequence END AS key_sequence, CASE WHEN deploymentid IS NULL OR sequence IS NULL THEN id END AS key_id";
    private static final String MARK_DUPLICATES_SQL = "UPDATE store.raw_events SET dup = true WHERE rowid IN ("
            + "SELECT delivery FROM (SELECT delivery, row_number() OVER (PARTITION BY key_deployment, key_sequence, key_id"
            + " ORDER BY \"time\", file, id, delivery) AS rank"
            + " FROM (SELECT rowid AS delivery, \"time\", file, id, " + DELIVERY_KEY + " FROM store.raw_events) d"
            + " SEMI JOIN (SELECT " + DELIVERY_KEY + " FROM store.raw_events GROUP BY ALL HAVING count(*) > 1) k"
            + " ON d.key_deployment IS NOT DISTINCT FROM k.key_deployment"
            + " AND d.key_sequence IS NOT DISTINCT FROM k.key_sequence AND d.key_id IS NOT DISTINCT FROM k.key_id)"
            + " WHERE rank > 1)";

    private final Connection connection;
    private final Path spill;
    private final List<ArchiveProblem> problems;
    private final ArchiveStats stats;
    private final List<String> notes;

    private EventArchive(Connection connection, Path spill, List<ArchiveProblem> problems, ArchiveStats stats,
                         List<String> notes) {
        this.connection = connection;
        this.spill = spill;
        this.problems = problems;
        this.stats = stats;
        this.notes = notes;
    }

    /** Opens {@code dir} without a cache. */
    public static EventArchive open(Path dir) {
        return open(dir, ArchiveOptions.noCache());
    }

    /**
     * Opens {@code dir}: indexes new and changed files, then defines the views.
     *
     * @throws ArchiveNotFoundException when {@code dir} is not a directory
     * @throws ArchiveException         when the archive or the cache cannot be read
     */
    public static EventArchive open(Path dir, ArchiveOptions options) {
        if (!Files.isDirectory(dir)) {
            throw new ArchiveNotFoundException(dir);
        }
        DuckDbLibrary.require();
        // DuckDB's JDBC driver turns TIMESTAMP and TIMESTAMPTZ values into Java objects through the
        // JVM's default time zone, and picks the wrong offset in the hour after a daylight-saving
        // change: query output and metrics would shift with the machine's zone. Times here are UTC.
        TimeZone.setDefault(TimeZone.getTimeZone(ZoneOffset.UTC));
        Path root = dir.toAbsolutePath().normalize();
        List<String> notes = new ArrayList<>();
        Connection connection = null;
        Path spill = null;
        try {
            connection = DriverManager.getConnection("jdbc:duckdb:");
            try (Statement s = connection.createStatement()) {
                s.execute("SET TimeZone = 'UTC'");
                s.execute("SET memory_limit = '" + options.memoryLimit().replace("'", "") + "'");
                // spill beyond the limit into a directory of our own, removed on close
                spill = Files.createTempDirectory("smus-cli-duckdb");
                s.execute("SET temp_directory = " + literal(spill.toString()));
                // keeping insertion order costs several times the memory and time when indexing
                s.execute("SET preserve_insertion_order = false");
                // FSST string compression is a good part of writing the cache (1M events: 3.1 s of
                // inserting instead of 2.7 s) for a file a third smaller, and reads no faster
                s.execute("SET disabled_compression_methods = 'fsst'");
            }
            Path cacheFile = attachStore(connection, root, options, notes);
            Indexer indexer = new Indexer(connection, root, spill, cacheFile, options.progress());
            indexer.sync();
            if (cacheFile != null) {
                // the user's SQL must not be able to change the cache
                try (Statement s = connection.createStatement()) {
                    s.execute("DETACH store");
                    s.execute("ATTACH " + literal(cacheFile.toString()) + " AS store (READ_ONLY)");
                }
            }
            try (Statement s = connection.createStatement()) {
                s.execute("SET preserve_insertion_order = true");
                s.execute("CREATE TEMP VIEW smus_events AS SELECT * FROM store.events");
                s.execute("CREATE TEMP VIEW smus_events_raw AS SELECT * EXCLUDE (dup) FROM store.raw_events");
                s.execute("CREATE TEMP VIEW smus_deployments AS SELECT * FROM store.deployments");
            }
            ArchiveStats stats = new ArchiveStats(indexer.files(), indexer.filesRead(), count(connection,
                    "SELECT count(*) FROM store.raw_events"), count(connection, "SELECT count(*) FROM store.events"),
                    cacheFile != null);
            return new EventArchive(connection, spill, loadProblems(connection), stats, List.copyOf(notes));
        } catch (SQLException | IOException e) {
            closeQuietly(connection);
            deleteQuietly(spill);
            throw new ArchiveException("cannot read archive " + dir + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(connection);
            deleteQuietly(spill);
            throw e;
        }
    }

    /**
     * The archive of the local state directory that {@code dir} looks like ({@code deploy --local
     * --state-dir} writes {@code account.json} and the archive, {@code archive/}, into it), for a
     * "did you mean": empty unless {@code dir} holds {@code account.json} or an {@code archive}
     * folder with event files. Reading the state directory itself also reads its other JSON files,
     * which are not events.
     */
    public static Optional<Path> stateDirectoryArchive(Path dir) {
        Path archive = dir.resolve("archive");
        if (Files.isRegularFile(dir.resolve("account.json"))) {
            return Optional.of(archive);
        }
        if (!Files.isDirectory(archive)) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.walk(archive)) {
            return files.anyMatch(f -> isEventFile(f, Files.isRegularFile(f))) ? Optional.of(archive) : Optional.empty();
        } catch (IOException | UncheckedIOException e) {
            return Optional.empty(); // only a hint
        }
    }

    /** Whether the archive reads {@code file}: a {@code *.json} or {@code *.json.gz} (any case) regular file, not hidden. */
    static boolean isEventFile(Path file, boolean regular) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return regular && (name.endsWith(".json") || name.endsWith(".json.gz")) && !name.startsWith(".");
    }

    /**
     * Runs one SQL statement and streams its result to {@code sink}.
     *
     * @throws InvalidQueryException when the engine rejects the statement
     */
    public void query(String sql, ResultSink sink) {
        try (Statement s = connection.createStatement()) {
            boolean hasResult = s.execute(sql);
            if (!hasResult) {
                // a statement that changes rows says how many; one that defines something (CREATE
                // VIEW, SET) has no count (-1), and says only that it was done
                long count = s.getUpdateCount();
                sink.columns(List.of(count < 0 ? "result" : "rows"));
                sink.row(List.of(count < 0 ? "ok" : (Object) count));
                sink.end();
                return;
            }
            try (ResultSet rs = s.getResultSet()) {
                ResultSetMetaData meta = rs.getMetaData();
                int n = meta.getColumnCount();
                List<String> names = new ArrayList<>(n);
                for (int i = 1; i <= n; i++) {
                    names.add(meta.getColumnLabel(i));
                }
                sink.columns(unique(names));
                while (rs.next()) {
                    List<Object> row = new ArrayList<>(n);
                    for (int i = 1; i <= n; i++) {
                        row.add(plain(rs.getObject(i)));
                    }
                    sink.row(row);
                }
                sink.end();
            }
        } catch (SQLException e) {
            throw new InvalidQueryException(withoutCatalogSuggestions(e.getMessage()), e);
        }
    }

    /**
     * The engine's message without a suggestion of one of its own catalog tables ({@code Did you
     * mean "pg_sequences"?} for a mistyped table): the caller names the archive's tables instead.
     */
    static String withoutCatalogSuggestions(String message) {
        if (message == null) {
            return null;
        }
        return message.replaceAll("(?m)^Did you mean \"(pg_|duckdb_|sqlite_|information_schema)[^\"]*\"\\?\\R?", "");
    }

    /**
     * Column names made unique as the engine does for a table ({@code x}, {@code x_1}, ...), so a
     * JSON row never holds one key twice (e.g. {@code SELECT *} over a join).
     */
    static List<String> unique(List<String> names) {
        java.util.Set<String> taken = new java.util.HashSet<>(names);
        java.util.Set<String> used = new java.util.HashSet<>();
        List<String> result = new ArrayList<>(names.size());
        for (String name : names) {
            String candidate = name;
            for (int k = 1; !used.add(candidate); k++) {
                candidate = name + "_" + k;
                while (taken.contains(candidate) || used.contains(candidate)) {
                    candidate = name + "_" + ++k;
                }
            }
            result.add(candidate);
        }
        return result;
    }

    /** Runs a query and keeps its whole result: for small results only. */
    public QueryResult query(String sql) {
        QueryResult.Collector collector = new QueryResult.Collector();
        query(sql, collector);
        return collector.result();
    }

    /**
     * Where each event of {@code smus_events} was read from: for every file holding a kept delivery,
     * in path order, the ids of the kept deliveries in it (with how many there are of each id, for
     * a file that holds the same id for several events). Streams file by file, so memory stays small.
     */
    void eventDeliveries(BiConsumer<Path, Map<String, Integer>> perFile) {
        try (Statement s = connection.createStatement();
             ResultSet rs = s.executeQuery("SELECT file, id, count(*) FROM store.raw_events WHERE NOT dup"
                     + " GROUP BY file, id ORDER BY file")) {
            String current = null;
            Map<String, Integer> ids = new HashMap<>();
            while (rs.next()) {
                String file = rs.getString(1);
                if (current != null && !current.equals(file)) {
                    perFile.accept(Path.of(current), ids);
                    ids = new HashMap<>();
                }
                current = file;
                ids.put(rs.getString(2), rs.getInt(3));
            }
            if (current != null) {
                perFile.accept(Path.of(current), ids);
            }
        } catch (SQLException e) {
            throw new ArchiveException("cannot list the archive's events: " + e.getMessage(), e);
        }
    }

    /** Files with lines that were skipped, in path order; empty when every line was an event. */
    public List<ArchiveProblem> problems() {
        return problems;
    }

    /** Counts of files and events. */
    public ArchiveStats stats() {
        return stats;
    }

    /** Things the user should know that are not errors, e.g. that the cache was busy and not used. */
    public List<String> notes() {
        return notes;
    }

    /** The engine connection, for the metrics queries of this package. */
    Connection connection() {
        return connection;
    }

    @Override
    public void close() {
        closeQuietly(connection);
        deleteQuietly(spill);
    }

    /** Attaches the store database as {@code store}; returns its file, or null when it is in memory. */
    private static Path attachStore(Connection connection, Path root, ArchiveOptions options, List<String> notes)
            throws SQLException {
        if (options.cacheDir() != null) {
            Path file = options.cacheDir().resolve("events-" + digest(root.toString()) + ".duckdb");
            try {
                createCacheDir(options.cacheDir());
                try {
                    attach(connection, file);
                } catch (SQLException e) {
                    if (!damaged(e) || !Files.isRegularFile(file)) {
                        throw e;
                    }
                    remake(connection, file, notes);
                }
                return file;
            } catch (IOException | SQLException e) {
                // another smus-cli holding the cache must not stop this one: read without it
                String reason = e instanceof IOException io ? FileErrors.reason(io) : firstLine(e.getMessage());
                notes.add("cache " + file + " not used (" + reason + "); reading the archive in memory");
            }
        }
        try (Statement s = connection.createStatement()) {
            s.execute("ATTACH ':memory:' AS store");
        }
        return null;
    }

    /** Creates the cache directory; the exception's reason then names the directory, as its message would not. */
    private static void createCacheDir(Path dir) throws IOException {
        try {
            Files.createDirectories(dir);
        } catch (FileAlreadyExistsException e) {
            throw new IOException(dir + " is a file, not a directory", e);
        } catch (IOException e) {
            throw new IOException("cannot create " + dir + ": " + FileErrors.reason(e), e);
        }
    }

    /**
     * Makes a cache file the engine cannot read anew: it only ever holds what the archive gives
     * again. Two runs may both have found it damaged, so this happens under a lock beside it, and
     * the file is tried once more first: the other run may have made it anew already (then it is
     * read, or found in use and left alone).
     */
    private static void remake(Connection connection, Path file, List<String> notes) throws IOException, SQLException {
        try (FileChannel lockFile = FileChannel.open(Path.of(file + ".lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE); FileLock ignored = lock(lockFile)) {
            try {
                attach(connection, file);
            } catch (SQLException again) {
                if (!damaged(again) || !Files.isRegularFile(file)) {
                    throw again;
                }
                Files.delete(file);
                Files.deleteIfExists(Path.of(file + ".wal"));
                attach(connection, file);
                notes.add("cache " + file + " could not be read (" + firstLine(again.getMessage()) + "); made it anew");
            }
        }
    }

    /** The lock; one this process holds already (another open making it anew) counts as in use. */
    private static FileLock lock(FileChannel lockFile) throws IOException {
        try {
            return lockFile.lock();
        } catch (java.nio.channels.OverlappingFileLockException e) {
            throw new IOException("being made anew by another open in this process", e);
        }
    }

    private static boolean damaged(SQLException e) {
        return damaged(e.getMessage() == null ? "" : e.getMessage());
    }

    /**
     * Whether the engine's error says the file is not a database it can read (garbage, cut short,
     * another storage version, a bad checksum), as opposed to one in use (a lock, or attached
     * already), which must be left alone.
     */
    static boolean damaged(String message) {
        return message.contains("not a valid DuckDB database file") || message.contains("Could not read enough bytes")
                || message.contains("with version number") || message.contains("checksum");
    }

    private static void attach(Connection connection, Path file) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute("ATTACH " + literal(file.toString()) + " AS store");
        }
    }

    private static List<ArchiveProblem> loadProblems(Connection connection) throws SQLException {
        List<ArchiveProblem> problems = new ArrayList<>();
        try (Statement s = connection.createStatement();
             ResultSet rs = s.executeQuery("SELECT path, unreadable, first_line, message, size < 0 FROM store.files"
                     + " WHERE unreadable > 0 OR size < 0 ORDER BY path")) {
            while (rs.next()) {
                problems.add(new ArchiveProblem(Path.of(rs.getString(1)), rs.getLong(2), rs.getLong(3), rs.getString(4),
                        rs.getBoolean(5)));
            }
        }
        return Collections.unmodifiableList(problems);
    }

    static long count(Connection connection, String sql) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Converts an engine value into plain Java (see {@link ResultSink}). */
    static Object plain(Object value) throws SQLException {
        if (value == null || value instanceof String || value instanceof Number || value instanceof Boolean) {
            return value;
        }
        if (value instanceof OffsetDateTime t) {
            return t.toInstant().toString();
        }
        if (value instanceof java.sql.Struct struct) {
            Map<String, Object> map = new LinkedHashMap<>();
            if (struct instanceof org.duckdb.DuckDBStruct duck) {
                for (Map.Entry<String, Object> e : duck.getMap().entrySet()) {
                    map.put(e.getKey(), plain(e.getValue()));
                }
            }
            return map;
        }
        if (value instanceof java.sql.Array array) {
            Object[] items = (Object[]) array.getArray();
            List<Object> list = new ArrayList<>(items.length);
            for (Object item : items) {
                list.add(plain(item));
            }
            return list;
        }
        if (value instanceof Map<?, ?> m) {
            Map<String, Object> map = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                map.put(String.valueOf(e.getKey()), plain(e.getValue()));
            }
            return map;
        }
        if (value instanceof java.sql.Timestamp ts) {
            return ts.toInstant().toString();
        }
        if (value instanceof java.sql.Blob blob) {
            return blobText(blob.getBytes(1, (int) Math.min(Integer.MAX_VALUE - 8, blob.length())));
        }
        return value.toString();
    }

    /** A BLOB as the engine prints one: printable ASCII as is, other bytes (and backslash) as {@code \\xHH}. */
    static String blobText(byte[] bytes) {
        StringBuilder text = new StringBuilder(bytes.length);
        for (byte b : bytes) {
            int c = b & 0xff;
            if (c >= 0x20 && c < 0x7f && c != '\\') {
                text.append((char) c);
            } else {
                text.append(String.format(Locale.ROOT, "\\x%02X", c));
            }
        }
        return text.toString();
    }

    static String literal(String text) {
        return "'" + text.replace("'", "''") + "'";
    }

    private static String digest(String text) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unknown error";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (java.util.stream.Stream<Path> files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | java.io.UncheckedIOException ignored) {
            // a temp directory left behind is harmless
        }
    }

    private static void closeQuietly(Connection connection) {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // nothing left to release
            }
        }
    }

    /** Brings the store in line with the files on disk. */
    private static final class Indexer {
        private final Connection connection;
        private final Path root;
        private final Path spill;
        /** The store's file, or null when the store lives only as long as this process. */
        private final Path cacheFile;
        private final java.util.function.Consumer<String> progress;
        private long files;
        private long filesRead;

        Indexer(Connection connection, Path root, Path spill, Path cacheFile, java.util.function.Consumer<String> progress) {
            this.connection = connection;
            this.root = root;
            this.spill = spill;
            this.cacheFile = cacheFile;
            this.progress = progress;
        }

        long files() {
            return files;
        }

        long filesRead() {
            return filesRead;
        }


        void sync() throws SQLException {
            boolean fresh = prepareTables();
            Map<String, FileState> found = walk();
            files = found.size();
            Map<String, FileState> known = fresh ? Map.of() : loadKnown();
            List<String> stale = new ArrayList<>();
            for (Map.Entry<String, FileState> e : known.entrySet()) {
                if (!e.getValue().equals(found.get(e.getKey()))) {
                    stale.add(e.getKey());
                }
            }
            List<FileState> toRead = new ArrayList<>();
            for (FileState f : found.values()) {
                if (!f.equals(known.get(f.path()))) {
                    toRead.add(f);
                }
            }
            if (!fresh && stale.isEmpty() && toRead.isEmpty()) {
                if (!DEPLOYMENTS_RULES.equals(deploymentsRules())) {
                    inTransaction(this::createDeployments);
                }
                return;
            }
            toRead.sort((a, b) -> a.path().compareTo(b.path()));
            filesRead = toRead.size();
            inTransaction(s -> apply(s, stale, toRead, !known.isEmpty()));
        }

        private interface Work {
            void run(Statement s) throws SQLException;
        }

        private void inTransaction(Work work) throws SQLException {
            try (Statement s = connection.createStatement()) {
                // all or nothing: an interrupted sync must not leave rows of files the index does not know
                s.execute("BEGIN TRANSACTION");
                try {
                    work.run(s);
                    s.execute("COMMIT");
                } catch (SQLException | RuntimeException e) {
                    // the engine closes a statement that failed: roll back on another
                    try (Statement rollback = connection.createStatement()) {
                        rollback.execute("ROLLBACK");
                    } catch (SQLException r) {
                        e.addSuppressed(r);
                    }
                    throw e;
                }
            }
        }

        /** {@code hadEvents}: the store held events before this sync (a fresh store has no duplicate marks yet). */
        private void apply(Statement s, List<String> stale, List<FileState> toRead, boolean hadEvents)
                throws SQLException {
            {
                if (!stale.isEmpty()) {
                    fill("scratch_stale", stale.stream().map(p -> new FileState(p, 0, 0)).toList());
                    s.execute("DELETE FROM store.raw_events WHERE file IN (SELECT path FROM store.main.scratch_stale)");
                    s.execute("DELETE FROM store.files WHERE path IN (SELECT path FROM store.main.scratch_stale)");
                }
                if (!toRead.isEmpty()) {
                    ingest(s, toRead);
                }
                // keep one copy per event: the earliest delivery
                if (hadEvents) {
                    s.execute("UPDATE store.raw_events SET dup = false WHERE dup");
                }
                s.execute(MARK_DUPLICATES_SQL);
                createDeployments(s);
                s.execute("DROP TABLE IF EXISTS store.main.scratch_stale");
                s.execute("DROP TABLE IF EXISTS store.main.scratch_batch");
            }
        }

        /** (Re)creates {@code store.deployments} from the events, and records by which rules. */
        private void createDeployments(Statement s) throws SQLException {
            // a cache keeps the deployments for the next run; in memory, only a query that reads
            // them pays for them (the metrics read them once)
            s.execute("CREATE OR REPLACE " + (cacheFile != null ? "TABLE" : "VIEW") + " store.deployments AS "
                    + String.format(DeploymentMetrics.DEPLOYMENTS_TABLE_SQL, cacheFile != null ? "store.events" : "events"));
            s.execute("DELETE FROM store.meta WHERE key = 'deployments'");
            s.execute("INSERT INTO store.meta VALUES ('deployments', " + literal(DEPLOYMENTS_RULES) + ")");
        }

        /** The rules the store's deployments were computed by, or null when it does not say. */
        private String deploymentsRules() throws SQLException {
            try (Statement s = connection.createStatement();
                 ResultSet rs = s.executeQuery("SELECT value FROM store.meta WHERE key = 'deployments'")) {
                return rs.next() ? rs.getString(1) : null;
            }
        }

        /** Reads {@code toRead} into {@code store.raw_events} and records each file in {@code store.files}. */
        private void ingest(Statement s, List<FileState> toRead) throws SQLException {
            long[] sizes = toRead.stream().mapToLong(Indexer::estimatedBytes).toArray();
            long total = Arrays.stream(sizes).sum();
            if (toRead.size() >= PROGRESS_FILES || total >= PROGRESS_BYTES) {
                progress.accept(String.format(Locale.ROOT, "reading %,d %sfiles (%,.0f MB of JSON) %s", toRead.size(),
                        filesRead < files ? "new or changed " : "", total / 1e6, cacheFile != null
                                ? "into the cache " + cacheFile + "; later runs read only new or changed files"
                                : "in memory; nothing is kept for later runs"));
            }
            for (int[] run : ChunkWriter.split(sizes, (int) Math.min(toRead.size(), 1 + total / GROUP_BYTES))) {
                ingestGroup(s, toRead.subList(run[0], run[1]), Arrays.copyOfRange(sizes, run[0], run[1]));
            }
        }

        /**
         * Copies a group of files ({@code sizes}: their estimated bytes) into chunks, then parses
         * them all with one statement.
         */
        private void ingestGroup(Statement s, List<FileState> batch, long[] sizes) throws SQLException {
            ChunkWriter chunks;
            try {
                chunks = ChunkWriter.write(batch.stream().map(f -> Path.of(f.path())).toList(), sizes, spill,
                        Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors())));
            } catch (UncheckedIOException e) {
                throw new ArchiveException("cannot copy the archive to " + spill + ": " + e.getCause().getMessage(), e);
            }
            long inserted;
            try {
                StringBuilder list = new StringBuilder("[");
                for (Path chunk : chunks.chunks()) {
                    list.append(list.length() > 1 ? ", " : "").append(literal(chunk.toString()));
                }
                // a line that is not JSON (or not an envelope) comes out without an id
                s.execute("INSERT INTO store.raw_events SELECT " + SELECT_COLUMNS + " FROM read_ndjson(" + list
                        + "], columns = " + READ_COLUMNS + ", format = 'newline_delimited', ignore_errors = true,"
                        + " compression = 'uncompressed', hive_partitioning = false)"
                        + " WHERE id IS NOT NULL AND \"" + ChunkWriter.FILE_KEY + "\" IS NOT NULL");
                inserted = s.getUpdateCount();
            } finally {
                for (Path chunk : chunks.chunks()) {
                    deleteQuietly(chunk);
                }
            }
            Map<String, Long> deliveries = deliveries(s, batch, chunks, inserted);
            try (DuckDBAppender files = ((DuckDBConnection) connection).createAppender("store", "main", "files")) {
                for (int i = 0; i < batch.size(); i++) {
                    FileState f = batch.get(i);
                    long read = deliveries.getOrDefault(f.path(), 0L);
                    // of a file that could not be read to its end: the lines read before it failed
                    long unreadable = chunks.lines(i) - read;
                    // a file that could not be read at all is kept with size -1, so the next run
                    // tries it again even when fixing it (e.g. its permissions) left size and mtime alone
                    files.beginRow().append(f.path()).append(chunks.failed(i) ? -1L : f.size()).append(f.mtimeNanos())
                            .append(read).append(unreadable);
                    if (chunks.failed(i)) {
                        files.append(0L).append(chunks.failure(i));
                    } else if (unreadable > 0) {
                        LineValidator.Finding finding = LineValidator.firstProblem(Path.of(f.path()));
                        files.append(finding.line()).append(finding.message());
                    } else {
                        files.append(0L).append((String) null);
                    }
                    files.endRow();
                }
            }
        }

        /**
         * The events read from each file of {@code batch} that holds any. A line yields at most one
         * event, of its own file, so when the statement inserted as many events as the files have
         * lines, every line of every file was read and nothing needs counting again.
         */
        private Map<String, Long> deliveries(Statement s, List<FileState> batch, ChunkWriter chunks, long inserted)
                throws SQLException {
            Map<String, Long> deliveries = new HashMap<>();
            long lines = 0;
            for (int i = 0; i < batch.size(); i++) {
                lines += chunks.failed(i) ? 0 : chunks.lines(i);
            }
            if (inserted == lines) {
                for (int i = 0; i < batch.size(); i++) {
                    if (!chunks.failed(i) && chunks.lines(i) > 0) {
                        deliveries.put(batch.get(i).path(), chunks.lines(i));
                    }
                }
                return deliveries;
            }
            fill("scratch_batch", batch);
            try (ResultSet rs = s.executeQuery("SELECT file, count(*) FROM store.raw_events"
                    + " WHERE file IN (SELECT path FROM store.main.scratch_batch) GROUP BY file")) {
                while (rs.next()) {
                    deliveries.put(rs.getString(1), rs.getLong(2));
                }
            }
            return deliveries;
        }

        /** Bytes of JSON a file holds, roughly: a compressed one, several times its size. */
        private static long estimatedBytes(FileState f) {
            return f.path().toLowerCase(Locale.ROOT).endsWith(".gz") ? f.size() * 8 : f.size();
        }

        /** (Re)creates the scratch table {@code name} with the given files. */
        private void fill(String name, List<FileState> states) throws SQLException {
            // in the store: one transaction may write to one database only
            try (Statement s = connection.createStatement()) {
                s.execute("CREATE OR REPLACE TABLE store.main." + name + " (path VARCHAR)");
            }
            try (DuckDBAppender appender = ((DuckDBConnection) connection).createAppender("store", "main", name)) {
                for (FileState f : states) {
                    appender.beginRow().append(f.path()).endRow();
                }
            }
        }

        /** Creates missing tables; drops them first when they are from another schema version. */
        private boolean prepareTables() throws SQLException {
            try (Statement s = connection.createStatement()) {
                s.execute("CREATE TABLE IF NOT EXISTS store.meta (key VARCHAR, value VARCHAR)");
                String version = null;
                try (ResultSet rs = s.executeQuery("SELECT value FROM store.meta WHERE key = 'schema'")) {
                    if (rs.next()) {
                        version = rs.getString(1);
                    }
                }
                if (SCHEMA_VERSION.equals(version)) {
                    return false;
                }
                dropAllBut("meta");
                s.execute("DELETE FROM store.meta");
                s.execute("CREATE TABLE store.raw_events (" + EVENT_COLUMNS_DDL + ", file VARCHAR, dup BOOLEAN)");
                // unqualified: a view resolves names in its own database, whatever it is attached as
                s.execute("CREATE VIEW store.events AS SELECT * EXCLUDE (file, dup) FROM raw_events WHERE NOT dup");
                s.execute("CREATE TABLE store.files (path VARCHAR, size BIGINT, mtime BIGINT, deliveries BIGINT,"
                        + " unreadable BIGINT, first_line BIGINT, message VARCHAR)");
                s.execute("INSERT INTO store.meta VALUES ('schema', " + literal(SCHEMA_VERSION) + "), ('archive', "
                        + literal(root.toString()) + ")");
                return true;
            }
        }

        /** Drops the store's views and tables (but {@code keep}), whatever schema version made them. */
        private void dropAllBut(String keep) throws SQLException {
            List<String> drops = new ArrayList<>();
            try (Statement s = connection.createStatement();
                 ResultSet rs = s.executeQuery("SELECT 'VIEW', view_name FROM duckdb_views()"
                         + " WHERE database_name = 'store' AND NOT internal UNION ALL"
                         + " SELECT 'TABLE', table_name FROM duckdb_tables() WHERE database_name = 'store'"
                         + " ORDER BY 1 DESC")) {
                while (rs.next()) {
                    if (!rs.getString(2).equals(keep)) {
                        drops.add("DROP " + rs.getString(1) + " IF EXISTS store.main.\"" + rs.getString(2) + "\"");
                    }
                }
            }
            try (Statement s = connection.createStatement()) {
                for (String drop : drops) {
                    s.execute(drop);
                }
            }
        }

        private Map<String, FileState> loadKnown() throws SQLException {
            Map<String, FileState> known = new HashMap<>();
            try (Statement s = connection.createStatement();
                 ResultSet rs = s.executeQuery("SELECT path, size, mtime FROM store.files")) {
                while (rs.next()) {
                    known.put(rs.getString(1), new FileState(rs.getString(1), rs.getLong(2), rs.getLong(3)));
                }
            }
            return known;
        }

        /** Every {@code *.json} / {@code *.json.gz} file under the root, hidden directories skipped. */
        private Map<String, FileState> walk() {
            Map<String, FileState> found = new HashMap<>();
            try {
                Files.walkFileTree(root, new SimpleFileVisitor<>() {
                    @Override
                    public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                        Path name = dir.getFileName();
                        boolean hidden = !dir.equals(root) && name != null && name.toString().startsWith(".");
                        return hidden ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                        if (isEventFile(file, attrs.isRegularFile())) {
                            // read by ChunkWriter, never by name by the engine: * ? [ in names are fine
                            String path = file.toString();
                            found.put(path, new FileState(path, attrs.size(),
                                    attrs.lastModifiedTime().to(TimeUnit.NANOSECONDS)));
                        }
                        return FileVisitResult.CONTINUE;
                    }
                });
            } catch (IOException e) {
                throw new ArchiveException("cannot list archive " + root + ": " + e.getMessage(), e);
            }
            return found;
        }
    }

    private record FileState(String path, long size, long mtimeNanos) {
    }
}
