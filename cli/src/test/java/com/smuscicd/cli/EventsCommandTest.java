package com.smuscicd.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.smuscicd.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

class EventsCommandTest {

    /** The archives the metrics module's tests are built on (module directories are siblings). */
    static Path fixture(String name) {
        Path dir = Path.of("..", "metrics", "src", "test", "resources", name).toAbsolutePath().normalize();
        assertThat(dir).as("fixture archive").isDirectory();
        return dir;
    }

    private static final String SPEC_QUERY = "SELECT * FROM smus_events WHERE pipelineName = 'MyPipeline'"
            + " AND status = 'failed' ORDER BY timestamp DESC LIMIT 10;";

    @TempDir
    Path temp;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = new CommandLine(new EventsCommand());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        return cli.execute(args);
    }

    @Test
    void query_whenSpecQuery_printsTheTenNewestFailuresOfThePipeline() {
        int code = run("query", "--archive", fixture("archive-spec").toString(), "--no-cache", "-o", "csv", SPEC_QUERY);

        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString().lines().skip(1).map(l -> l.substring(0, l.indexOf(','))))
                .containsExactly("a0000005-e006", "a0000005-e005", "a0000004-e004", "a0000004-e003", "a0000003-e010",
                        "a0000003-e009", "a0000002-e008", "a0000002-e007", "a0000001-e006", "a0000001-e005");
        assertThat(out.toString().lines().findFirst().orElseThrow())
                .startsWith("id,detail_type,source,account,time,region,resources,version,timestamp,pipelinename");
    }

    @Test
    void query_whenJsonOutput_printsObjectsWithNestedStructs() {
        int code = run("query", "-a", fixture("archive-spec").toString(), "--no-cache", "--output", "json",
                "SELECT id, target, sequence FROM smus_events WHERE id = 'a0000005-e006'");

        assertThat(code).isZero();
        JsonNode rows = Json.read(out.toString());
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0).get("target").get("name").asText()).isEqualTo("prod");
        assertThat(rows.get(0).get("sequence").asLong()).isEqualTo(6);
    }

    @Test
    void query_whenTableOutput_printsAlignedRowsAndACount() {
        int code = run("query", "-a", fixture("archive-spec").toString(), "--no-cache",
                "SELECT count(*) AS events FROM smus_events");

        assertThat(code).isZero();
        assertThat(out.toString().lines()).containsExactly("events", "------", "60", "(1 row)");
    }

    @Test
    void query_whenMaxRowsIsZero_printsTheColumnsAndTheCountOnly() {
        int code = run("query", "-a", fixture("archive-spec").toString(), "--no-cache", "--max-rows", "0",
                "SELECT range AS n FROM range(3)");

        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString().lines()).containsExactly("n", "-", "(3 rows)");
    }

    @Test
    void query_whenMaxRowsIsNegative_exits2SayingWhatIsAllowed() {
        int code = run("query", "-a", fixture("archive-spec").toString(), "--no-cache", "--max-rows", "-1",
                "SELECT 1");

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("error: --max-rows must be 0 or more, got -1");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void query_whenUnknownColumn_exits2WithTheEnginesMessage() {
        int code = run("query", "-a", fixture("archive-spec").toString(), "--no-cache",
                "SELECT pipeline_name FROM smus_events");

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("error: invalid query:").contains("pipeline_name").contains("not found")
                .contains("smus_events, smus_events_raw and smus_deployments");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void query_whenTwoStatements_exits2WithoutRunningEither() {
        Path written = temp.resolve("first.csv");

        int code = run("query", "-a", fixture("archive-spec").toString(), "--no-cache",
                "COPY (SELECT ';' AS x) TO '" + written + "'; SELECT 2 -- ; SELECT 3");

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("error: one SQL statement at a time: this text has 2");
        assertThat(out.toString()).isEmpty();
        assertThat(written).doesNotExist();
    }

    @Test
    void query_whenOnlyBlanksAndComments_exits2() {
        int code = run("query", "-a", fixture("archive-spec").toString(), "--no-cache", " ; -- nothing");

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("error: no SQL statement given");
    }

    @Test
    void query_whenArchiveMissing_exits2NamingTheDirectory() {
        Path missing = temp.resolve("no-such-archive");

        int code = run("query", "-a", missing.toString(), "SELECT 1");

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("archive directory not found: " + missing);
    }

    @Test
    void query_whenTheArchiveIsAFile_exits2SayingItIsAFileNotADirectory() throws IOException {
        Path file = Files.writeString(temp.resolve("hostname"), "x\n");

        int code = run("query", "-a", file.toString(), "--no-cache", "SELECT 1");

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("error: archive " + file + " is a file, not a directory (--archive takes"
                + " the directory that holds the event files)" + System.lineSeparator());
    }

    @Test
    void query_whenTheCacheDirCannotBeCreated_saysWhyAndReadsInMemory() throws IOException {
        Path file = Files.writeString(temp.resolve("file"), "x");

        int code = run("query", "-a", fixture("archive-spec").toString(), "--cache-dir", file.resolve("sub").toString(),
                "-o", "csv", "SELECT count(*) AS n FROM smus_events");
        int again = run("query", "-a", fixture("archive-spec").toString(), "--cache-dir", file.toString(),
                "-o", "csv", "SELECT count(*) AS n FROM smus_events");

        assertThat(code).isZero();
        assertThat(again).isZero();
        assertThat(out.toString()).isEqualTo("n\r\n60\r\nn\r\n60\r\n");
        assertThat(err.toString()).contains("not used (cannot create " + file.resolve("sub") + ": not a directory);"
                + " reading the archive in memory").contains("not used (" + file + " is a file, not a directory)");
    }

    @Test
    void query_whenUnknownOutputFormat_exits2() {
        assertThat(run("query", "-a", temp.toString(), "-o", "xml", "SELECT 1")).isEqualTo(2);
        assertThat(err.toString()).contains("table, csv or json");
    }

    @Test
    void query_whenArchiveEmpty_printsNoRows() {
        int code = run("query", "-a", temp.toString(), "--no-cache", "SELECT * FROM smus_events");

        assertThat(code).isZero();
        assertThat(out.toString()).contains("(0 rows)");
    }

    @Test
    void metrics_whenTheArchiveHoldsNoEventFiles_warnsSoBeforeNoDeploymentsMatched() {
        int code = runMetrics("-a", temp.toString(), "--no-cache");

        assertThat(code).isZero();
        assertThat(err.toString()).isEqualTo("warning: the archive " + temp + " holds no event files (*.json, *.json.gz)"
                + System.lineSeparator());
        assertThat(out.toString()).startsWith("no deployments matched");
    }

    @Test
    void metrics_whenGivenTheLocalStateDirectory_hintsAtItsArchive() throws IOException {
        Path state = temp.resolve("state");
        Path day = Files.createDirectories(state.resolve("archive/2025/11/03"));
        Files.copy(fixture("archive-spec").resolve("smus-events/2025/11/03/a0000002-e003-03.json"),
                day.resolve("a0000002-e003-03.json"));
        Files.writeString(state.resolve("account.json"), "{\n  \"domains\": []\n}\n");

        int code = runMetrics("-a", state.toString(), "--no-cache");

        assertThat(code).isZero();
        assertThat(err.toString()).contains("warning: " + state.resolve("account.json") + ":1: not valid JSON")
                .endsWith("hint: " + state + " looks like a local state directory (deploy --local --state-dir): did you"
                        + " mean --archive " + state.resolve("archive") + "?" + System.lineSeparator());
    }

    private int runMetrics(String... args) {
        CommandLine cli = new CommandLine(new MetricsCommand());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        return cli.execute(args);
    }

    @Test
    void query_whenCorruptFile_warnsWithItsPathAndCountsTheRest() {
        Path archive = fixture("archive-corrupt");

        int code = run("query", "-a", archive.toString(), "--no-cache", "-o", "csv",
                "SELECT count(*) AS n FROM smus_events");

        assertThat(code).isZero();
        assertThat(out.toString()).isEqualTo("n\r\n9\r\n");
        assertThat(err.toString()).contains("warning: " + archive.resolve("smus-events/2025/11/03/truncated.json")
                + ":2: not valid JSON");
    }

    @Test
    void query_whenAGzipFileIsCutShort_warnsThatTheWholeFileWasSkippedNotOneLine() throws IOException {
        Path archive = temp.resolve("archive");
        Path day = Files.createDirectories(archive.resolve("2025/11/03"));
        String line = Files.readAllLines(fixture("archive-spec").resolve("smus-events/2025/11/03/a0000002-e003-03.json"))
                .get(0) + "\n";
        Files.writeString(day.resolve("good.json"), line);
        java.io.ByteArrayOutputStream gz = new java.io.ByteArrayOutputStream();
        try (var out = new java.util.zip.GZIPOutputStream(gz)) {
            out.write(line.repeat(3).getBytes(StandardCharsets.UTF_8));
        }
        Path cut = day.resolve("trunc.json.gz");
        // its three lines whole, the gzip trailer (checksum and size) cut off
        Files.write(cut, java.util.Arrays.copyOf(gz.toByteArray(), gz.size() - 8));

        int code = run("query", "-a", archive.toString(), "--no-cache", "-o", "csv", "SELECT count(*) AS n FROM smus_events_raw");

        assertThat(code).isZero();
        assertThat(out.toString()).isEqualTo("n\r\n1\r\n");
        assertThat(err.toString()).isEqualTo("warning: " + cut + ": cannot read file: unexpected end of file"
                + " (whole file skipped, with the 3 lines read before the error)" + System.lineSeparator());
    }

    @Test
    void query_whenCacheDir_secondRunGivesTheSameAnswer() {
        String[] args = {"query", "-a", fixture("archive-metrics").toString(), "--cache-dir",
            temp.resolve("cache").toString(), "-o", "csv", "SELECT count(*) AS n FROM smus_events"};

        assertThat(run(args)).isZero();
        assertThat(run(args)).isZero();

        assertThat(out.toString()).isEqualTo("n\r\n85\r\nn\r\n85\r\n");
        assertThat(temp.resolve("cache")).isDirectoryContaining("glob:**/events-*.duckdb");
    }

    @Test
    void testPattern_whenArchive_printsEachMatchAndTheCount() {
        int code = run("test-pattern", "--pattern",
                "{\"source\":[\"com.amazon.smus.cicd\"],\"detail-type\":[\"SMUS-CICD-Deploy-Failed\"],"
                        + "\"detail\":{\"pipelineName\":[\"MyPipeline\"]}}",
                "--archive", fixture("archive-spec").toString());

        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString().lines().filter(l -> l.contains("SMUS-CICD-Deploy-Failed"))).hasSize(6);
        assertThat(out.toString()).contains("6 of 60 events matched");
    }

    @Test
    void testPattern_whenEventFile_reportsTheMatch() throws IOException {
        Path event = temp.resolve("event.json");
        Path pattern = temp.resolve("pattern.json");
        Files.writeString(event, resource("smus-events/examples/SMUS-CICD-Deploy-Failed.json"));
        Files.writeString(pattern, resource("smus-events/patterns/quick-start-prod-failures.json"));

        int code = run("test-pattern", "-p", pattern.toString(), "--event", event.toString());

        assertThat(code).isZero();
        assertThat(out.toString()).contains("SMUS-CICD-Deploy-Failed").contains("1 of 1 event matched");
    }

    @Test
    void testPattern_whenEventFileIsGzippedLikeArchiveFiles_readsItDecompressed() throws IOException {
        Path event = temp.resolve("event.json.GZ");
        try (var gz = new java.util.zip.GZIPOutputStream(Files.newOutputStream(event))) {
            gz.write(resource("smus-events/examples/SMUS-CICD-Deploy-Failed.json").getBytes(StandardCharsets.UTF_8));
        }

        int code = run("test-pattern", "-p", "{\"detail-type\": [\"SMUS-CICD-Deploy-Failed\"]}", "--event", event.toString());

        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString()).contains("1 of 1 event matched");
    }

    @Test
    void testPattern_whenEventFileIsNotUtf8_exits2SayingSo() throws IOException {
        Path event = temp.resolve("latin1.json");
        Files.write(event, "{\"source\": \"caf\u00e9\"}".getBytes(StandardCharsets.ISO_8859_1));

        int code = run("test-pattern", "-p", "{\"source\": [\"x\"]}", "--event", event.toString());

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("cannot read event file " + event + ": not valid UTF-8");
    }

    @Test
    void testPattern_whenTheEventFileIsMissing_exits2SayingSoRatherThanRepeatingThePath() {
        Path missing = temp.resolve("nope.json");

        int code = run("test-pattern", "-p", "{\"source\": [\"x\"]}", "--event", missing.toString());

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("error: cannot read event file " + missing + ": no such file or directory"
                + System.lineSeparator());
    }

    @Test
    void testPattern_whenThePatternFileIsNotUtf8_exits2SayingSo() throws IOException {
        Path pattern = Files.write(temp.resolve("pattern.json"), "{\"source\": [\"caf\u00e9\"]}"
                .getBytes(StandardCharsets.ISO_8859_1));

        int code = run("test-pattern", "-p", pattern.toString(), "-a", fixture("archive-spec").toString());

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("error: cannot read pattern file " + pattern + ": not valid UTF-8"
                + System.lineSeparator());
    }

    @Test
    void testPattern_whenPatternInvalid_exits2WithEventRulersMessage() {
        int code = run("test-pattern", "-p", "{\"source\": [{\"prefixx\": \"com\"}]}",
                "--archive", fixture("archive-spec").toString());

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("error: invalid event pattern:").contains("prefixx");
    }

    @Test
    void testPattern_whenBothEventAndArchive_exits2() {
        int code = run("test-pattern", "-p", "{}", "--event", "a.json", "--archive", "dir");

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("mutually exclusive");
    }

    @Test
    void testPattern_whenEventFileHoldsOneEventPerLine_testsEveryLine() {
        int code = run("test-pattern", "-p", metricsResource("patterns/prod-deploy-failed.json").toString(),
                "--event", metricsResource("events/three-events.ndjson").toString());

        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString().lines()).containsExactly(
                "e2  SMUS-CICD-Deploy-Failed  MyPipeline  f0000000-0000-4000-8000-000000000001#2",
                "1 of 3 events matched");
    }

    @Test
    void testPattern_whenEventsAreNotInTimeOrder_listsMatchesByTimeThenDeploymentAndSequence() throws IOException {
        List<String> lines = Files.readAllLines(metricsResource("events/three-events.ndjson"));
        Path event = temp.resolve("events.json");
        // newest first, and e2 also redelivered under another id at the same time as a later sequence
        Files.write(event, List.of(lines.get(2), lines.get(1).replace("\"id\": \"e2\"", "\"id\": \"a-e2\"")
                .replace("\"sequence\": 2", "\"sequence\": 3"), lines.get(1), lines.get(0)));

        int code = run("test-pattern", "-p", "{\"source\": [\"com.amazon.smus.cicd\"]}", "--event", event.toString());

        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString().lines().map(l -> l.split("  ")[0])).containsExactly("e1", "e2", "a-e2", "e3",
                "4 of 4 events matched");
    }

    @Test
    void testPattern_whenEventFileIsAnArray_testsEveryElement() {
        int code = run("test-pattern", "-p", "{\"detail\": {\"status\": [\"failed\"]}}",
                "--event", metricsResource("events/three-events-array.json").toString());

        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString()).contains("2 of 3 events matched");
    }

    @Test
    void testPattern_whenEventFileHasABadLine_exits2NamingIt() throws IOException {
        Path event = temp.resolve("events.json");
        Files.writeString(event, "{\"id\": \"a\"}\n{\"id\": \n");

        int code = run("test-pattern", "-p", "{\"source\": [\"x\"]}", "--event", event.toString());

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains(event + ":").contains("not valid JSON");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void testPattern_whenEventFileHoldsAnObjectThatIsNotAnEvent_exits2SayingSoLikeTheArchive() throws IOException {
        Path event = temp.resolve("notevent.json");
        Files.writeString(event, "{\"foo\": 1}\n");

        int code = run("test-pattern", "-p", "{\"source\": [\"x\"]}", "--event", event.toString());

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("error: " + event + ": the value starting on line 1 is not an"
                + " EventBridge event (no \"id\")" + System.lineSeparator());
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void testPattern_whenProjectRuleFile_usesItsEventPatternAndSaysSo() {
        Path rule = Path.of("..", "examples", "basic_pipeline", "rules", "prod-failures.json").toAbsolutePath()
                .normalize();

        int code = run("test-pattern", "-p", rule.toString(),
                "--event", metricsResource("events/three-events.ndjson").toString());

        assertThat(code).as(err.toString()).isZero();
        assertThat(err.toString()).contains("note: using the EventPattern of rule 'smus-prod-failures'");
        assertThat(out.toString()).contains("1 of 3 events matched");
    }

    @Test
    void testPattern_whenRuleHoldsEventPatternAsString_usesIt() {
        int code = run("test-pattern", "-p", metricsResource("rules/prod-failures-string-pattern.json").toString(),
                "--event", metricsResource("events/three-events.ndjson").toString());

        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString()).contains("1 of 3 events matched");
    }

    @Test
    void testPattern_whenArrayOfRules_reportsEachRule() {
        int code = run("test-pattern", "-p", metricsResource("rules/two-rules.json").toString(),
                "--event", metricsResource("events/three-events.ndjson").toString());

        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString().lines()).contains(
                "e2  SMUS-CICD-Deploy-Failed  MyPipeline  f0000000-0000-4000-8000-000000000001#2"
                        + "  [smus-prod-failures,smus-any-failure]",
                "rule 'smus-prod-failures': 1 of 3 events matched",
                "rule 'smus-any-failure': 2 of 3 events matched",
                "any rule: 2 of 3 events matched");
    }

    @Test
    void testPattern_whenDirectoryOfRuleFiles_reportsEachRuleDeployWouldLoad() {
        Path rules = Path.of("..", "examples", "basic_pipeline", "rules").toAbsolutePath().normalize();

        int code = run("test-pattern", "-p", rules.toString(),
                "--event", metricsResource("events/three-events.ndjson").toString());

        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString().lines().filter(l -> l.startsWith("rule '")))
                .hasSize(6)
                .contains("rule 'smus-all-events': 3 of 3 events matched",
                        "rule 'smus-prod-failures': 1 of 3 events matched",
                        "rule 'smus-any-failure': 2 of 3 events matched");
        assertThat(out.toString()).contains("any rule: 3 of 3 events matched");
    }

    @Test
    void testPattern_whenDirectoryHasADisabledRuleAndOtherFiles_testsEveryJsonRuleAndSaysWhichIsDisabled()
            throws IOException {
        Path rules = Files.createDirectories(temp.resolve("rules"));
        Files.writeString(rules.resolve("failed.json"), "{\"Name\": \"failed\", \"State\": \"DISABLED\","
                + " \"EventBusName\": \"deployments\","
                + " \"EventPattern\": {\"detail\": {\"status\": [\"failed\"]}},"
                + " \"Targets\": [{\"Id\": \"1\", \"Arn\": \"arn:aws:sns:us-east-1:123456789012:t\"}]}");
        Files.writeString(rules.resolve("notes.txt"), "{\"source\": [\"x\"]}");
        Files.writeString(rules.resolve("started.json"), "[{\"EventPattern\": {\"detail\": {\"status\":"
                + " [\"started\"]}}, \"Targets\": [{\"Arn\": \"arn:aws:sns:us-east-1:123456789012:t\"}]}]");

        int code = run("test-pattern", "-p", rules.toString(),
                "--event", metricsResource("events/three-events.ndjson").toString());

        assertThat(code).as(err.toString()).isZero();
        assertThat(err.toString()).contains("note: rule 'failed' is DISABLED")
                .contains("note: rule 'failed' is on bus deployments: it is tested against every event")
                .doesNotContain("rule 'started-1' is on bus");
        assertThat(out.toString().lines()).contains("rule 'failed': 2 of 3 events matched",
                "rule 'started-1': 1 of 3 events matched", "any rule: 3 of 3 events matched");
    }

    @Test
    void testPattern_whenARuleFileOfTheDirectoryIsInvalid_exits2NamingItAsDeployWould() throws IOException {
        Path rules = Files.createDirectories(temp.resolve("rules"));
        Files.writeString(rules.resolve("broken.json"), "{\"EventPattern\": {\"source\": [{\"suffx\": \"x\"}]},"
                + " \"Targets\": [{\"Arn\": \"arn:aws:sns:us-east-1:123456789012:t\"}]}");

        int code = run("test-pattern", "-p", rules.toString(), "-a", fixture("archive-spec").toString());

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("error: invalid rule: " + rules.resolve("broken.json")).contains("suffx");
        assertThat(out.toString()).isEmpty();
    }

    private static final String TARGETS = "\"Targets\": [{\"Id\": \"1\", \"Arn\": \"arn:aws:sns:us-east-1:123456789012:t\"}]";

    @ParameterizedTest
    @ValueSource(strings = {"file", "array", "directory"})
    void testPattern_whenARuleMisspellsAKey_exits2WithDidYouMeanHoweverTheRuleIsGiven(String form) throws IOException {
        String rule = "{\"Name\": \"r1\", \"Stat\": \"ENABLED\", \"EventPattern\": {\"source\": [\"com.amazon.smus.cicd\"]}, "
                + TARGETS + "}";
        Path rules = Files.createDirectories(temp.resolve("rules"));
        Path file = Files.writeString(rules.resolve("rule.json"), form.equals("array") ? "[" + rule + "]" : rule);

        int code = run("test-pattern", "-p", (form.equals("directory") ? rules : file).toString(),
                "-a", fixture("archive-spec").toString(), "--no-cache");

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("error: invalid rule: " + file + ": rule 'r1': 'Stat' is not a key of a"
                + " rule; did you mean 'State'?" + System.lineSeparator());
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void testPattern_whenARuleFileIsDisabled_testsItWithTheNoteTheDirectoryGives() throws IOException {
        Path file = Files.writeString(temp.resolve("failed.json"), "{\"Name\": \"failed\", \"State\": \"DISABLED\","
                + " \"EventPattern\": {\"detail\": {\"status\": [\"failed\"]}}, " + TARGETS + "}");

        int code = run("test-pattern", "-p", file.toString(),
                "--event", metricsResource("events/three-events.ndjson").toString());

        assertThat(code).as(err.toString()).isZero();
        assertThat(err.toString()).contains("note: rule 'failed' is DISABLED: the local bus delivers nothing to it");
        assertThat(out.toString()).contains("2 of 3 events matched");
    }

    @Test
    void testPattern_whenInlineRuleMisspellsEventPattern_exits2WithDidYouMeanNotAPatternError() {
        int code = run("test-pattern", "-p", "{\"Name\": \"x\", \"EventPatern\": {\"source\": [\"a\"]}}",
                "-a", fixture("archive-spec").toString(), "--no-cache");

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("error: invalid rule: --pattern: rule 'x': 'EventPatern' is not a key of"
                + " a rule; did you mean 'EventPattern'?" + System.lineSeparator());
    }

    /** What aws events describe-rule prints has no Targets: testing its pattern needs none. */
    @Test
    void testPattern_whenARuleHasNoTargets_testsItsPattern() {
        int code = run("test-pattern", "-p", "{\"Name\": \"x\", \"EventPattern\": {\"source\": [\"com.amazon.smus.cicd\"]},"
                        + " \"State\": \"ENABLED\", \"Arn\": \"arn:aws:events:us-east-1:123456789012:rule/x\"}",
                "-a", fixture("archive-spec").toString(), "--no-cache");

        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString()).contains("events matched");
    }

    @Test
    void testPattern_whenARuleFileHasAnInvalidTarget_exits2NamingItAsDeployWould(@TempDir Path dir) throws IOException {
        Path rule = Files.writeString(dir.resolve("rule.json"), "{\"Name\": \"x\", \"EventPattern\": {\"source\": [\"a\"]},"
                + " \"Targets\": [{\"Id\": \"1\", \"Arm\": \"arn:aws:sns:us-east-1:123456789012:t\"}]}");

        int code = run("test-pattern", "-p", rule.toString(), "-a", fixture("archive-spec").toString(), "--no-cache");

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("rule 'x'").contains("'Arm' is not a key of a target").contains("'Arn'");
    }

    @Test
    void testPattern_whenPatternIsEmpty_exits2InsteadOfReadingTheCurrentDirectoryAsRules() {
        int code = run("test-pattern", "-p", " ", "-a", fixture("archive-spec").toString(), "--no-cache");

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("error: --pattern is empty: give an event pattern (JSON), a rule file"
                + " or a directory of rule files" + System.lineSeparator());
    }

    @Test
    void testPattern_whenDirectoryHasNoRuleFiles_exits2() {
        int code = run("test-pattern", "-p", temp.toString(), "-a", fixture("archive-spec").toString());

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("error: no rule files (*.json) in " + temp);
    }

    @Test
    void testPattern_whenPatternFileMissing_exits2SayingItIsNotFound() {
        int code = run("test-pattern", "-p", "nofile.json", "-a", fixture("archive-spec").toString());

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("error: pattern file not found: nofile.json" + System.lineSeparator());
    }

    @Test
    void testPattern_whenEventRedeliveredLater_matchesTheDeliveryQuerySees() {
        String archive = fixture("archive-redelivered").toString();

        int code = run("test-pattern", "-p", "{\"detail-type\": [\"SMUS-CICD-Deploy-Failed\"]}", "-a", archive,
                "--no-cache");
        String tested = out.toString();
        out.getBuffer().setLength(0);
        run("query", "-a", archive, "--no-cache", "-o", "csv", "SELECT id FROM smus_events WHERE status = 'failed'");

        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString()).isEqualTo("id\r\nfirst-fail-id\r\n");
        assertThat(tested).startsWith("first-fail-id  SMUS-CICD-Deploy-Failed")
                .contains("1 of 2 events matched (1 duplicate deliveries skipped)");
    }

    @Test
    void testPattern_whenCacheDir_keepsTheIndexThere() {
        String[] args = {"test-pattern", "-p", "{\"source\": [\"com.amazon.smus.cicd\"]}", "-a",
            fixture("archive-metrics").toString(), "--cache-dir", temp.resolve("cache").toString()};

        assertThat(run(args)).as(err.toString()).isZero();
        assertThat(run(args)).isZero();

        assertThat(out.toString().lines().filter(l -> l.startsWith("85 of 85 events matched"))).hasSize(2);
        assertThat(temp.resolve("cache")).isDirectoryContaining("glob:**/events-*.duckdb");
    }

    @Test
    void generate_whenSmallArchive_writesEventsThatQueryCounts() {
        Path out1 = temp.resolve("synthetic");

        int code = run("generate", "--out", out1.toString(), "--events", "500", "--pipelines", "3", "--days", "2",
                "--end", "2025-11-30");

        assertThat(code).isZero();
        assertThat(out.toString()).startsWith("wrote 500 events");
        assertThat(run("query", "-a", out1.toString(), "--no-cache", "-o", "csv",
                "SELECT count(*) AS n FROM smus_events_raw")).isZero();
        assertThat(out.toString()).endsWith("n\r\n500\r\n");
    }

    private static Path metricsResource(String name) {
        Path file = Path.of("..", "metrics", "src", "test", "resources").resolve(name).toAbsolutePath().normalize();
        assertThat(file).as("metrics test resource").isRegularFile();
        return file;
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = EventsCommandTest.class.getClassLoader().getResourceAsStream(name)) {
            assertThat(in).as(name).isNotNull();
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    @Test
    void query_overAThousandNewFiles_saysOnStderrWhatItReadsFirst() throws Exception {
        String line = java.nio.file.Files.readAllLines(fixture("archive-spec")
                .resolve("smus-events/2025/11/03/a0000002-e003-03.json")).get(0);
        Path dir = java.nio.file.Files.createDirectories(temp.resolve("archive/smus-events/2025/11/03"));
        for (int i = 0; i < 1_000; i++) {
            java.nio.file.Files.writeString(dir.resolve(String.format("e-%04d.json", i)), line + "\n");
        }

        int code = run("query", "-a", temp.resolve("archive").toString(), "--cache-dir", temp.resolve("cache").toString(),
                "-o", "csv", "SELECT count(*) AS n FROM smus_events");

        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString().lines()).containsExactly("n", "1");
        assertThat(err.toString()).startsWith("note: reading 1,000 files (").contains("into the cache");
    }

    @Test
    void archiveSource_whenTheVariableIsSetButEmpty_usesTheDefaultArchiveNotTheCurrentDirectory() {
        // CI systems pass an unset variable as an empty one: SMUS_EVENTS_ARCHIVE= must not mean "."
        EventsCommand.ArchiveSource source = new EventsCommand.ArchiveSource();
        source.archive = Path.of("");

        assertThat(source.directory()).isEqualTo(Path.of(".smus/local/archive"));
        source.archive = Path.of("events");
        assertThat(source.directory()).isEqualTo(Path.of("events"));
    }
}
