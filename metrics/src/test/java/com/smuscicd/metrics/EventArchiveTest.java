package com.smuscicd.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EventArchiveTest {

    private static final String SPEC_QUERY = "SELECT * FROM smus_events WHERE pipelineName = 'MyPipeline'"
            + " AND status = 'failed' ORDER BY timestamp DESC LIMIT 10;";

    @TempDir
    Path temp;

    @Test
    void query_whenSpecQueryOnKnownArchive_returnsTheTenNewestFailuresOfThatPipelineOnceEach() {
        try (EventArchive archive = EventArchive.open(Fixtures.archive("archive-spec"))) {
            QueryResult result = archive.query(SPEC_QUERY);

            // 12 failed MyPipeline events exist (some delivered twice, across files, out of order);
            // "mypipeline" and "MyPipelineTwo" are other pipelines. Newest first, with mixed
            // precision timestamps (…:12Z after …:01.705Z) ordered as instants, not as text.
            assertThat(result.column("id")).containsExactly(
                    "a0000005-e006", "a0000005-e005", "a0000004-e004", "a0000004-e003", "a0000003-e010",
                    "a0000003-e009", "a0000002-e008", "a0000002-e007", "a0000001-e006", "a0000001-e005");
            assertThat(result.column("pipelinename")).containsOnly("MyPipeline");
            assertThat(result.column("status")).containsOnly("failed");
            assertThat(result.column("timestamp").get(0)).isEqualTo("2025-11-06T14:00:12Z");
            assertThat(result.column("timestamp").get(1)).isEqualTo("2025-11-06T14:00:01.705Z");
        }
    }

    @Test
    void query_whenSelectStar_hasTheColumnsOfTheAthenaTableInOrder() {
        try (EventArchive archive = EventArchive.open(Fixtures.archive("archive-spec"))) {
            QueryResult result = archive.query("SELECT * FROM smus_events LIMIT 1");

            assertThat(result.columns()).containsExactly("id", "detail_type", "source", "account", "time", "region",
                    "resources", "version", "timestamp", "pipelinename", "stage", "status", "target", "metadata",
                    "deploymentid", "sequence", "durationms", "error", "details");
        }
    }

    @Test
    void query_whenNestedFields_exposesStructsArraysAndDetailsAsJsonText() {
        try (EventArchive archive = EventArchive.open(Fixtures.archive("archive-metrics"))) {
            QueryResult result = archive.query("SELECT target.name AS t, target.domain.region AS r, resources[1] AS arn,"
                    + " error.code AS code, json_extract_string(details, '$.failedPhase') AS phase,"
                    + " metadata.gitCommit AS commit, typeof(sequence) AS seqtype, typeof(details) AS dtype"
                    + " FROM smus_events WHERE deploymentid = 'dddddddd-0000-4000-8000-000000000002'"
                    + " AND detail_type = 'SMUS-CICD-Deploy-Failed'");

            assertThat(result.rows()).hasSize(1);
            assertThat(result.rows().get(0)).containsExactly("prod", "us-east-1",
                    "arn:aws:states:us-east-1:123456789012:execution:smus-cicd-deploy:dddddddd-0000-4000-8000-000000000002",
                    "WORKFLOW_DEFINITION_INVALID", "workflow-creation", "dddddddd".repeat(5), "BIGINT", "VARCHAR");
        }
    }

    @Test
    void open_whenEventsDeliveredTwice_smusEventsCountsEachOnceAndRawKeepsEveryLine() throws IOException {
        Path dir = Fixtures.archive("archive-metrics");
        long lines = countLines(dir);

        try (EventArchive archive = EventArchive.open(dir)) {
            // 85 distinct events; 13 more lines are redeliveries, one of them with a new envelope id
            assertThat(archive.stats().events()).isEqualTo(85);
            assertThat(archive.stats().deliveries()).isEqualTo(lines).isEqualTo(98);
            assertThat(archive.query("SELECT count(DISTINCT (deploymentid, sequence)) AS n FROM smus_events")
                    .column("n")).containsExactly(85L);
            assertThat(archive.query("SELECT count(*) AS n FROM smus_events_raw"
                    + " WHERE id = 'retried-publish-of-d2-deploy-failed'").column("n")).containsExactly(1L);
            assertThat(archive.problems()).isEmpty();
        }
    }

    @Test
    void open_whenArchiveEmpty_queriesReturnNoRows() {
        try (EventArchive archive = EventArchive.open(temp)) {
            assertThat(archive.query("SELECT * FROM smus_events").rows()).isEmpty();
            assertThat(archive.stats()).isEqualTo(new ArchiveStats(0, 0, 0, 0, false));
        }
    }

    @Test
    void open_whenFileCorrupt_reportsItsPathAndLineAndStillCountsTheOtherLines() {
        Path dir = Fixtures.archive("archive-corrupt");

        try (EventArchive archive = EventArchive.open(dir)) {
            // 10 events in three files; line 2 of truncated.json was cut short
            assertThat(archive.query("SELECT count(*) AS n FROM smus_events").column("n")).containsExactly(9L);
            assertThat(archive.query("SELECT sequence FROM smus_events ORDER BY sequence").column("sequence"))
                    .containsExactly(1L, 2L, 3L, 4L, 5L, 7L, 8L, 9L, 10L);
            assertThat(archive.problems()).hasSize(1);
            ArchiveProblem problem = archive.problems().get(0);
            assertThat(problem.file()).isEqualTo(dir.resolve("smus-events/2025/11/03/truncated.json"));
            assertThat(problem.firstLine()).isEqualTo(2);
            assertThat(problem.unreadableLines()).isEqualTo(1);
            assertThat(problem.describe()).startsWith(problem.file() + ":2: not valid JSON");
        }
    }

    @Test
    void open_whenPathsHoldGlobCharacters_readsTheirFilesLikeAnyOther() throws IOException {
        Path dir = Fixtures.copy("archive-corrupt", temp.resolve("archive [prod] *?"));
        Path day = dir.resolve("smus-events/2025/11/03");
        Files.move(day.resolve("good-1.json"), day.resolve("good[1]*?.json"));

        try (EventArchive archive = EventArchive.open(dir, ArchiveOptions.noCache())) {
            assertThat(archive.query("SELECT count(*) AS n FROM smus_events").column("n")).containsExactly(9L);
            assertThat(archive.notes()).isEmpty();
        }
    }

    @Test
    void open_whenALineIsNotUtf8_reportsThatLine() throws IOException {
        Path dir = Fixtures.copy("archive-corrupt", temp);
        Path day = dir.resolve("smus-events/2025/11/03");
        Files.delete(day.resolve("truncated.json"));
        List<String> good = Files.readAllLines(day.resolve("good-1.json"));
        Path latin1 = day.resolve("latin1.json");
        // line 2 holds an ISO-8859-1 byte where UTF-8 was due; line 3 a NaN the engine reads anyway
        byte[] bad = good.get(1).replace("\"version\":\"1.0\"", "\"version\":\"1.0\u00e9\"")
                .getBytes(StandardCharsets.ISO_8859_1);
        try (var out = Files.newOutputStream(latin1)) {
            out.write((good.get(0) + "\n").getBytes(StandardCharsets.UTF_8));
            out.write(bad);
            out.write(("\n" + good.get(2).replace("\"sequence\":", "\"nan\":NaN,\"sequence\":") + "\n")
                    .getBytes(StandardCharsets.UTF_8));
        }
        Files.delete(day.resolve("good-1.json"));

        try (EventArchive archive = EventArchive.open(dir, ArchiveOptions.noCache())) {
            assertThat(archive.problems()).singleElement().satisfies(problem -> {
                assertThat(problem.file()).isEqualTo(latin1);
                assertThat(problem.unreadableLines()).isEqualTo(1);
                assertThat(problem.firstLine()).isEqualTo(2);
                assertThat(problem.message()).isEqualTo("not valid UTF-8");
            });
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {17, 40})
    void open_whenALineIsLongerThanAnEventCanBe_reportsItAndStillReadsTheFilesOtherLines(int mebibytes)
            throws IOException {
        Path dir = Fixtures.copy("archive-corrupt", temp);
        Path day = dir.resolve("smus-events/2025/11/03");
        Files.delete(day.resolve("truncated.json"));
        List<String> good = Files.readAllLines(day.resolve("good-1.json"));
        Path huge = day.resolve("huge.json");
        // an event padded past the engine's 16 MiB objects (from 32 MiB on, it failed the whole read)
        String padded = good.get(0).substring(0, good.get(0).length() - 1) + ",\"pad\":\""
                + "x".repeat(mebibytes << 20) + "\"}";
        Files.writeString(huge, "{\"id\":\"first\"}\n" + padded + "\n{\"id\":\"last\"}\n");

        try (EventArchive archive = EventArchive.open(dir, ArchiveOptions.noCache())) {
            assertThat(archive.query("SELECT count(*) AS n FROM smus_events_raw WHERE file = "
                    + EventArchive.literal(huge.toString())).column("n")).containsExactly(2L);
            assertThat(archive.problems()).singleElement().satisfies(problem -> {
                assertThat(problem.file()).isEqualTo(huge);
                assertThat(problem.firstLine()).isEqualTo(2);
                assertThat(problem.unreadableLines()).isEqualTo(1);
                assertThat(problem.message()).contains("16 MiB");
            });
        }
    }

    @Test
    void open_whenALineHoldsOnlyAControlCharacter_reportsThatLineAsTheFirstUnreadable() throws IOException {
        // blank to String.isBlank, not to the engine, which skips only JSON whitespace, VT and FF
        Path dir = Fixtures.copy("archive-corrupt", temp);
        Path day = dir.resolve("smus-events/2025/11/03");
        Files.delete(day.resolve("truncated.json"));
        Path odd = day.resolve("odd.json");
        Files.writeString(odd, "{\"id\":\"a\"}\n \t\n\u001c\n{\"id\":\"b\"}\nnot json\n");

        try (EventArchive archive = EventArchive.open(dir, ArchiveOptions.noCache())) {
            assertThat(archive.problems()).singleElement().satisfies(problem -> {
                assertThat(problem.file()).isEqualTo(odd);
                assertThat(problem.firstLine()).isEqualTo(3);
                assertThat(problem.unreadableLines()).isEqualTo(2);
            });
        }
    }

    @Test
    void query_whenUnknownColumn_throwsTheEnginesMessageNamingTheColumn() {
        try (EventArchive archive = EventArchive.open(Fixtures.archive("archive-spec"))) {
            assertThatThrownBy(() -> archive.query("SELECT pipeline_name FROM smus_events"))
                    .isInstanceOf(InvalidQueryException.class)
                    .hasMessageContaining("pipeline_name")
                    .hasMessageContaining("not found");
        }
    }

    @Test
    void query_whenUnknownTable_leavesOutTheEnginesSuggestionOfItsOwnCatalogTables() {
        try (EventArchive archive = EventArchive.open(Fixtures.archive("archive-spec"))) {
            assertThatThrownBy(() -> archive.query("SELECT * FROM nosuch"))
                    .isInstanceOf(InvalidQueryException.class)
                    .hasMessageContaining("nosuch").hasMessageContaining("does not exist")
                    .hasMessageNotContaining("pg_").hasMessageNotContaining("Did you mean");
            // a suggestion of the archive's own tables stays
            assertThatThrownBy(() -> archive.query("SELECT * FROM smus_event"))
                    .isInstanceOf(InvalidQueryException.class).hasMessageContaining("smus_events");
        }
    }

    @Test
    void query_whenTheStatementDefinesSomething_saysOkInsteadOfACountOfMinusOne() {
        try (EventArchive archive = EventArchive.open(Fixtures.archive("archive-spec"))) {
            QueryResult created = archive.query("CREATE TEMP VIEW failed AS SELECT * FROM smus_events WHERE status = 'failed'");

            assertThat(created.columns()).containsExactly("result");
            assertThat(created.rows()).containsExactly(List.of("ok"));
            assertThat(archive.query("SELECT count(*) AS n FROM failed").rows().get(0).get(0)).isNotNull();
        }
    }

    @Test
    void query_whenNotSql_throwsInvalidQuery() {
        try (EventArchive archive = EventArchive.open(Fixtures.archive("archive-spec"))) {
            assertThatThrownBy(() -> archive.query("SELEKT 1")).isInstanceOf(InvalidQueryException.class)
                    .hasMessageContaining("syntax error");
        }
    }

    @Test
    void open_whenDirectoryMissing_throwsArchiveNotFound() {
        Path missing = temp.resolve("nope");

        assertThatThrownBy(() -> EventArchive.open(missing)).isInstanceOf(ArchiveNotFoundException.class)
                .hasMessageContaining(missing.toString());
    }

    @Test
    void stateDirectoryArchive_whenTheDirectoryHoldsAccountJsonOrAnArchiveOfEvents_isThatArchive() throws IOException {
        Path withAccount = Files.createDirectories(temp.resolve("a"));
        Files.writeString(withAccount.resolve("account.json"), "{}");
        Path withArchive = Files.createDirectories(temp.resolve("b/archive/2025/11/03")).getParent().getParent()
                .getParent().getParent();
        Files.writeString(withArchive.resolve("archive/2025/11/03/e.JSON.gz"), "");
        Path emptyArchive = Files.createDirectories(temp.resolve("c/archive/2025"));
        Files.writeString(emptyArchive.resolve("notes.txt"), "");

        assertThat(EventArchive.stateDirectoryArchive(withAccount)).contains(withAccount.resolve("archive"));
        assertThat(EventArchive.stateDirectoryArchive(withArchive)).contains(withArchive.resolve("archive"));
        assertThat(EventArchive.stateDirectoryArchive(temp.resolve("c"))).isEmpty();
        assertThat(EventArchive.stateDirectoryArchive(Fixtures.archive("archive-spec"))).isEmpty();
    }

    @Test
    void open_whenThePathIsAFileOrBelowOne_throwsArchiveNotFoundSayingWhatIsThere() throws IOException {
        Path file = Files.writeString(temp.resolve("hostname"), "x\n");

        assertThatThrownBy(() -> EventArchive.open(file)).isInstanceOfSatisfying(ArchiveNotFoundException.class, e -> {
            assertThat(e).hasMessage("archive " + file + " is a file, not a directory");
            assertThat(e.missing()).isFalse();
        });
        assertThatThrownBy(() -> EventArchive.open(file.resolve("sub")))
                .isInstanceOf(ArchiveNotFoundException.class)
                .hasMessage("cannot open archive directory " + file.resolve("sub") + ": not a directory");
    }

    @Test
    void open_whenCached_readsOnlyNewOrChangedFilesAndForgetsRemovedOnes() throws IOException {
        Path dir = Fixtures.copy("archive-corrupt", temp);
        ArchiveOptions options = ArchiveOptions.cacheIn(temp.resolve("cache"));
        try (EventArchive first = EventArchive.open(dir, options)) {
            assertThat(first.stats()).isEqualTo(new ArchiveStats(3, 3, 9, 9, true));
        }
        try (EventArchive second = EventArchive.open(dir, options)) {
            assertThat(second.stats()).isEqualTo(new ArchiveStats(3, 0, 9, 9, true));
            assertThat(second.problems()).hasSize(1);
        }

        Path day = dir.resolve("smus-events/2025/11/03");
        List<String> good = Files.readAllLines(day.resolve("good-1.json"));
        Files.write(day.resolve("copy-of-good-1.json"), good);
        Files.delete(day.resolve("truncated.json"));
        try (EventArchive third = EventArchive.open(dir, options)) {
            // the copy is four redeliveries; the two readable lines of truncated.json are gone
            assertThat(third.stats()).isEqualTo(new ArchiveStats(3, 1, 11, 7, true));
            assertThat(third.problems()).isEmpty();
        }
    }

    @Test
    void query_whenCached_cannotChangeTheCache() {
        ArchiveOptions options = ArchiveOptions.cacheIn(temp.resolve("cache"));
        try (EventArchive archive = EventArchive.open(Fixtures.archive("archive-corrupt"), options)) {
            assertThatThrownBy(() -> archive.query("DELETE FROM store.raw_events"))
                    .isInstanceOf(InvalidQueryException.class)
                    .hasMessageContaining("read-only");
        }
        try (EventArchive again = EventArchive.open(Fixtures.archive("archive-corrupt"), options)) {
            assertThat(again.stats().events()).isEqualTo(9);
        }
    }

    @Test
    void open_whenCacheHeldByAnotherOpen_readsInMemoryAndSaysSo() {
        ArchiveOptions options = ArchiveOptions.cacheIn(temp.resolve("cache"));
        Path dir = Fixtures.archive("archive-corrupt");
        try (EventArchive holder = EventArchive.open(dir, options);
             EventArchive second = EventArchive.open(dir, options)) {
            assertThat(holder.stats().cached()).isTrue();
            assertThat(second.stats().cached()).isFalse();
            assertThat(second.stats().events()).isEqualTo(9);
            assertThat(second.notes()).singleElement().asString().contains("not used").contains("in memory");
        }
    }

    /** Reads {@code dir} once into the cache of {@code options}; the cache database it made. */
    private static Path builtCache(Path dir, ArchiveOptions options) throws IOException {
        try (EventArchive first = EventArchive.open(dir, options)) {
            assertThat(first.stats().cached()).isTrue();
        }
        return cacheFile(options.cacheDir());
    }

    /** The one cache database in {@code cacheDir}. */
    private static Path cacheFile(Path cacheDir) throws IOException {
        try (var files = Files.list(cacheDir)) {
            return files.filter(f -> f.toString().endsWith(".duckdb")).findFirst().orElseThrow();
        }
    }

    @Test
    void open_whenTheCacheFileIsDamaged_makesItAnewAndSaysSo() throws IOException {
        ArchiveOptions options = ArchiveOptions.cacheIn(temp.resolve("cache"));
        Path dir = Fixtures.archive("archive-corrupt");
        Path file = builtCache(dir, options);
        for (byte[] damage : List.of("garbage\n".getBytes(StandardCharsets.UTF_8),
                java.util.Arrays.copyOf(Files.readAllBytes(file), 20_000))) {
            Files.write(file, damage);

            try (EventArchive again = EventArchive.open(dir, options)) {
                assertThat(again.stats().cached()).isTrue();
                assertThat(again.stats().events()).isEqualTo(9);
                assertThat(again.notes()).singleElement().asString().contains(file + " could not be read")
                        .contains("made it anew");
            }
            try (EventArchive after = EventArchive.open(dir, options)) {
                assertThat(after.notes()).isEmpty();
                assertThat(after.stats().filesRead()).isZero();
            }
        }
    }

    @Test
    void query_asJson_keepsNullStructFieldsPrintsBlobsAndNamesRepeatedColumnsApart() {
        java.io.StringWriter text = new java.io.StringWriter();
        try (EventArchive archive = EventArchive.open(temp, ArchiveOptions.noCache())) {
            archive.query("SELECT {'a': NULL, 'b': 1} AS s, '\\x41\\x00\\xFF'::BLOB AS b, 1 AS x, 2 AS x, 3 AS x_1",
                    ResultFormat.JSON.sink(new java.io.PrintWriter(text), 10));
        }

        assertThat(text.toString())
                .contains("{\"s\":{\"a\":null,\"b\":1},\"b\":\"A\\\\x00\\\\xFF\",\"x\":1,\"x_2\":2,\"x_1\":3}");
    }

    @Test
    void open_whenTwoOpensFindTheCacheDamagedAtOnce_bothReadTheArchiveAndOneCacheIsLeft() throws Exception {
        ArchiveOptions options = ArchiveOptions.cacheIn(temp.resolve("cache"));
        Path dir = Fixtures.archive("archive-corrupt");
        Path file = builtCache(dir, options);
        Files.writeString(file, "garbage\n");
        java.util.concurrent.CyclicBarrier together = new java.util.concurrent.CyclicBarrier(2);
        java.util.concurrent.Callable<Long> open = () -> {
            together.await();
            try (EventArchive archive = EventArchive.open(dir, options)) {
                return archive.stats().events();
            }
        };

        var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            var a = pool.submit(open);
            var b = pool.submit(open);
            assertThat(a.get()).isEqualTo(9);
            assertThat(b.get()).isEqualTo(9);
        } finally {
            pool.shutdown();
        }
        try (EventArchive after = EventArchive.open(dir, options)) {
            assertThat(after.stats().cached()).isTrue();
            assertThat(after.notes()).isEmpty();
            assertThat(after.stats().events()).isEqualTo(9);
        }
    }

    @Test
    void open_whenFilesGzipped_readsThemLikePlainOnes() throws IOException {
        Path dir = Fixtures.copy("archive-corrupt", temp);
        Path day = dir.resolve("smus-events/2025/11/03");
        for (String name : List.of("good-1.json", "good-2.json")) {
            try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(day.resolve(name + ".gz")))) {
                out.write(Files.readAllBytes(day.resolve(name)));
            }
            Files.delete(day.resolve(name));
        }

        try (EventArchive archive = EventArchive.open(dir)) {
            assertThat(archive.stats()).isEqualTo(new ArchiveStats(3, 3, 9, 9, false));
            assertThat(archive.query("SELECT count(*) AS n FROM smus_events_raw WHERE file LIKE '%.json.gz'")
                    .column("n")).containsExactly(7L);
            assertThat(archive.problems()).singleElement().satisfies(p -> assertThat(p.firstLine()).isEqualTo(2));
        }
    }

    @Test
    void open_whenGzipFileCorrupt_reportsItAndReadsTheOtherFiles() throws IOException {
        Path dir = Fixtures.copy("archive-corrupt", temp);
        Path bad = dir.resolve("smus-events/2025/11/03/cut.json.gz");
        Files.writeString(bad, "not gzip at all\n");

        try (EventArchive archive = EventArchive.open(dir)) {
            assertThat(archive.stats().events()).isEqualTo(9);
            assertThat(archive.problems()).hasSize(2);
            ArchiveProblem problem = archive.problems().get(0);
            assertThat(problem.file()).isEqualTo(bad);
            assertThat(problem.firstLine()).isZero();
            assertThat(problem.message()).startsWith("cannot read file");
        }
    }

    @Test
    void open_whenAGzipFileIsCutShort_reportsTheWholeFileSkippedNotOneLine() throws IOException {
        Path dir = Fixtures.copy("archive-corrupt", temp);
        Path day = dir.resolve("smus-events/2025/11/03");
        Path cut = day.resolve("cut.json.gz");
        Files.write(cut, cutShortGzip(Files.readString(day.resolve("good-1.json")).repeat(200)));

        try (EventArchive archive = EventArchive.open(dir, ArchiveOptions.noCache())) {
            assertThat(archive.stats().events()).isEqualTo(9);
            assertThat(archive.problems()).filteredOn(p -> p.file().equals(cut)).singleElement().satisfies(p -> {
                assertThat(p.wholeFile()).isTrue();
                assertThat(p.firstLine()).isZero();
                assertThat(p.unreadableLines()).isPositive();
                assertThat(p.describe()).isEqualTo(cut + ": cannot read file: Unexpected end of ZLIB input stream"
                        + " (whole file skipped, with the " + p.unreadableLines() + " lines read before the error)");
            });
            assertThat(archive.problems()).filteredOn(p -> !p.file().equals(cut)).singleElement()
                    .satisfies(p -> assertThat(p.wholeFile()).isFalse());
        }
    }

    @Test
    void open_whenAFileIsNotGzipAtAll_saysTheWholeFileWasSkipped() throws IOException {
        Path dir = Fixtures.copy("archive-corrupt", temp);
        Path bad = Files.writeString(dir.resolve("smus-events/2025/11/03/cut.json.gz"), "not gzip at all\n");

        try (EventArchive archive = EventArchive.open(dir, ArchiveOptions.noCache())) {
            assertThat(archive.problems().get(0).describe())
                    .isEqualTo(bad + ": cannot read file: Not in GZIP format (whole file skipped)");
        }
    }

    /** The first half of {@code text} gzipped: the end of its stream is missing. */
    static byte[] cutShortGzip(String text) throws IOException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(bytes)) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
        byte[] whole = bytes.toByteArray();
        return java.util.Arrays.copyOf(whole, whole.length / 2);
    }

    @Test
    void open_withCache_whenAFileCouldNotBeRead_triesItAgainNextTimeEvenUnchanged() throws IOException {
        Path dir = Fixtures.copy("archive-corrupt", temp);
        Files.writeString(dir.resolve("smus-events/2025/11/03/cut.json.gz"), "not gzip at all\n");
        ArchiveOptions options = ArchiveOptions.cacheIn(temp.resolve("cache"));
        try (EventArchive first = EventArchive.open(dir, options)) {
            assertThat(first.problems()).hasSize(2);
        }

        // nothing changed on disk: only the file that could not be read is read again
        try (EventArchive again = EventArchive.open(dir, options)) {
            assertThat(again.stats().filesRead()).isEqualTo(1);
            assertThat(again.problems()).hasSize(2);
            assertThat(again.stats().events()).isEqualTo(9);
        }
    }

    @Test
    void open_whenPathHasQuotesAndBackslashes_recordsTheExactPath() throws IOException {
        Path dir = Fixtures.copy("archive-corrupt", temp);
        Path day = dir.resolve("smus-events/2025/11/03");
        Path odd = day.resolve("it's \"odd\" \\ name.json");
        Files.move(day.resolve("good-1.json"), odd);

        try (EventArchive archive = EventArchive.open(dir)) {
            assertThat(archive.query("SELECT DISTINCT file FROM smus_events_raw WHERE file LIKE '%odd%'")
                    .column("file")).containsExactly(odd.toString());
            assertThat(archive.stats().events()).isEqualTo(9);
        }
    }

    @Test
    void open_whenCacheFromAnOlderVersion_rebuildsIt() throws Exception {
        Path cacheDir = temp.resolve("cache");
        Path dir = Fixtures.archive("archive-corrupt");
        try (EventArchive first = EventArchive.open(dir, ArchiveOptions.cacheIn(cacheDir))) {
            assertThat(first.stats().events()).isEqualTo(9);
        }
        Path cache;
        try (Stream<Path> files = Files.list(cacheDir)) {
            cache = files.filter(p -> p.toString().endsWith(".duckdb")).findFirst().orElseThrow();
        }
        // version 2 kept the events in a table of their own
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + cache); Statement s = c.createStatement()) {
            s.execute("DROP VIEW events");
            s.execute("CREATE TABLE events AS SELECT 1 AS stale");
            s.execute("UPDATE meta SET value = '2' WHERE key = 'schema'");
        }

        try (EventArchive again = EventArchive.open(dir, ArchiveOptions.cacheIn(cacheDir))) {
            assertThat(again.stats()).isEqualTo(new ArchiveStats(3, 3, 9, 9, true));
            assertThat(again.query("SELECT count(*) AS n FROM smus_events").column("n")).containsExactly(9L);
        }
    }

    @Test
    void open_whenTheCachedDeploymentsWereComputedByOtherRules_computesThemAgainWithoutReadingTheFiles()
            throws Exception {
        ArchiveOptions options = ArchiveOptions.cacheIn(temp.resolve("cache"));
        Path dir = Fixtures.archive("archive-metrics");
        Path cache = builtCache(dir, options);
        // as a cache of an older version holds them: computed by other rules, which it does not name
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + cache); Statement s = c.createStatement()) {
            s.execute("UPDATE deployments SET failed_phase = 'bundle-upload' WHERE outcome = 'failed'");
            s.execute("DELETE FROM meta WHERE key = 'deployments'");
        }

        try (EventArchive again = EventArchive.open(dir, options)) {
            assertThat(again.stats().filesRead()).isZero();
            assertThat(again.query("SELECT DISTINCT failed_phase FROM smus_deployments WHERE outcome = 'failed'"
                    + " ORDER BY 1").column("failed_phase")).containsExactly("deploy", "project-init", "workflow-creation");
        }
    }

    private static long countLines(Path dir) throws IOException {
        long n = 0;
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                n += Files.readAllLines(p).stream().filter(l -> !l.isBlank()).count();
            }
        }
        return n;
    }

    @Test
    void open_whenManyFilesAreNew_saysWhatItReadsBeforeReadingAndNothingOnTheNextRun() throws IOException {
        String line = Files.readAllLines(Fixtures.archive("archive-spec")
                .resolve("smus-events/2025/11/03/a0000002-e003-03.json")).get(0);
        Path dir = Files.createDirectories(temp.resolve("archive/smus-events/2025/11/03"));
        for (int i = 0; i < EventArchive.PROGRESS_FILES; i++) {
            // the same event a thousand times: one event, many deliveries
            Files.writeString(dir.resolve(String.format("e-%04d.json", i)), line + "\n");
        }
        List<String> said = new java.util.ArrayList<>();
        ArchiveOptions options = ArchiveOptions.cacheIn(temp.resolve("cache")).withProgress(said::add);

        try (EventArchive archive = EventArchive.open(temp.resolve("archive"), options)) {
            assertThat(archive.stats().filesRead()).isEqualTo(EventArchive.PROGRESS_FILES);
        }
        assertThat(said).singleElement().asString().startsWith("reading 1,000 files (")
                .contains("into the cache " + temp.resolve("cache")).contains("later runs read only new or changed files");

        said.clear();
        try (EventArchive archive = EventArchive.open(temp.resolve("archive"), options)) {
            assertThat(archive.stats().filesRead()).isZero();
        }
        try (EventArchive archive = EventArchive.open(Fixtures.archive("archive-spec"),
                ArchiveOptions.noCache().withProgress(said::add))) {
            assertThat(archive.stats().filesRead()).isPositive();
        }
        assertThat(said).as("nothing new; a small archive").isEmpty();
    }
}
