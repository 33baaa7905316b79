package com.smuscicd.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.smuscicd.json.Json;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class MetricsCommandTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2025-11-10T00:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path temp;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = new CommandLine(new MetricsCommand(CLOCK));
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        return cli.execute(args);
    }

    private static String archive() {
        return EventsCommandTest.fixture("archive-metrics").toString();
    }

    @Test
    void metrics_whenJson_matchesHandComputedValues() {
        int code = run("-a", archive(), "--no-cache", "--since", "10d", "--pipeline", "MyPipeline", "--target", "prod",
                "--output", "json");

        assertThat(code).as(err.toString()).isZero();
        JsonNode series = Json.read(out.toString()).get("series");
        assertThat(series).hasSize(1);
        JsonNode prod = series.get(0);
        assertThat(prod.get("deployments").asLong()).isEqualTo(7);
        assertThat(prod.get("succeeded").asLong()).isEqualTo(3);
        assertThat(prod.get("failed").asLong()).isEqualTo(3);
        assertThat(prod.get("inProgress").asLong()).isEqualTo(1);
        assertThat(prod.get("successRate").asDouble()).isEqualTo(0.5);
        JsonNode dora = prod.get("dora");
        assertThat(dora.get("deploymentFrequencyPerDay").asDouble()).isEqualTo(0.3);
        assertThat(dora.get("leadTimeForChangesMedianMs").asDouble()).isEqualTo(3_610_000.0);
        assertThat(dora.get("changeFailureRate").asDouble()).isEqualTo(0.5);
        assertThat(dora.get("timeToRestoreMedianMs").asDouble()).isEqualTo(9_007_000.0);
        assertThat(prod.get("failures").get(0).get("errorCode").asText()).isEqualTo("WORKFLOW_DEFINITION_INVALID");
        assertThat(prod.get("failures").get(0).get("count").asLong()).isEqualTo(2);
    }

    @Test
    void metrics_whenNoDeploymentMatches_saysWhatWasAskedAndWhichTargetsThereAreAndExits0() {
        int code = run("-a", archive(), "--no-cache", "--since", "10d", "--target", "nope");

        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString().lines()).containsExactly("no deployments matched (pipeline=*, target=nope, since=10d)",
                "hint: no target is named 'nope'; targets: prod, test");
    }

    @Test
    void metrics_whenThePipelineDiffersOnlyInCase_suggestsItAndStillMatchesExactly() {
        int code = run("-a", archive(), "--no-cache", "--pipeline", "mypipeline", "-o", "json");

        assertThat(code).as(err.toString()).isZero();
        assertThat(Json.read(out.toString()).get("series")).isEmpty();
        assertThat(err.toString().lines()).containsExactly(
                "no deployments matched (pipeline=mypipeline, target=*, since=all)",
                "hint: no pipeline is named 'mypipeline' (did you mean 'MyPipeline'? names match exactly);"
                        + " pipelines: MyPipeline, OtherPipeline");
    }

    @Test
    void metrics_whenThePipelineHasNoSuchTarget_listsItsTargets() {
        int code = run("-a", archive(), "--no-cache", "--pipeline", "OtherPipeline", "--target", "Prod");

        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString()).contains("hint: pipeline 'OtherPipeline' has no target 'Prod' (did you mean"
                + " 'prod'? names match exactly); its targets: prod");
    }

    @Test
    void metrics_whenTheNamesExistButNoneStartedSince_saysWhenTheLatestStarted() {
        int code = run("-a", archive(), "--no-cache", "--pipeline", "OtherPipeline", "--since", "12h");

        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString()).contains("hint: the latest matching deployment started at 2025-11-09T10:00:00Z,"
                + " before the last 12h");
    }

    @Test
    void metrics_whenOnlySinceIsGivenAndNothingStartedSince_saysWhenTheLatestStarted() {
        int code = run("-a", archive(), "--no-cache", "--since", "12h");

        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString()).contains("no deployments matched (pipeline=*, target=*, since=12h)")
                .contains("hint: the latest matching deployment started at ");
    }

    @Test
    void metrics_whenTable_printsEverySeriesAndTheTotal() {
        int code = run("-a", archive(), "--no-cache", "--since", "10d");

        assertThat(code).as(err.toString()).isZero();
        String text = out.toString();
        assertThat(text).containsPattern("MyPipeline\\s+prod\\s+7\\s+3\\s+3\\s+0\\s+1\\s+50\\.0%");
        assertThat(text).containsPattern("MyPipeline\\s+test\\s+2\\s+1\\s+1\\s+0\\s+0\\s+50\\.0%");
        assertThat(text).containsPattern("OtherPipeline\\s+prod\\s+1\\s+1\\s+0\\s+0\\s+0\\s+100\\.0%");
        assertThat(text).containsPattern("\\(all\\)\\s+10\\s+5\\s+4\\s+0\\s+1\\s+55\\.6%");
    }

    @Test
    void metrics_whenArchiveEmpty_reportsNoDeployments() {
        int code = run("-a", temp.toString(), "--no-cache", "-o", "json");

        assertThat(code).isZero();
        JsonNode json = Json.read(out.toString());
        assertThat(json.get("series")).isEmpty();
        assertThat(json.get("overall").get("deployments").asLong()).isZero();
    }

    @Test
    void metrics_whenSinceInvalid_exits2() {
        assertThat(run("-a", archive(), "--since", "30 days")).isEqualTo(2);
        assertThat(err.toString()).contains("--since").contains("12h, 30d, 2w");
    }

    @Test
    void metrics_whenOutputUnknown_exits2() {
        assertThat(run("-a", archive(), "-o", "csv")).isEqualTo(2);
        assertThat(err.toString()).contains("table or json");
    }

    @Test
    void metrics_whenArchiveMissing_exits2() {
        assertThat(run("-a", temp.resolve("missing").toString())).isEqualTo(2);
        assertThat(err.toString()).contains("archive directory not found");
    }

    @Test
    void metrics_whenHtml_rendersInChromiumWithTheNumbersAndNoConsoleMessages() throws Exception {
        Path html = temp.resolve("report/metrics.html");

        int code = run("-a", archive(), "--no-cache", "--since", "10d", "--html", html.toString());

        assertThat(code).as(err.toString()).isZero();
        assertThat(html).isRegularFile();
        Rendered page = renderInChromium(html);
        assertThat(page.console()).as("console messages of the page").isEmpty();
        // the page's script ran to its last line
        assertThat(page.dom()).contains("data-rendered=\"true\"");
        assertThat(page.dom()).containsPattern("id=\"kpi-deployments\".*?class=\"value\">10<");
        assertThat(page.dom()).containsPattern("id=\"kpi-success-rate\".*?class=\"value\">55\\.6%<");
        assertThat(page.dom()).containsPattern("id=\"kpi-frequency\".*?class=\"value\">0\\.50/day<");
        assertThat(page.dom()).containsPattern("id=\"kpi-time-to-restore\".*?class=\"value\">2h 30m<");
        assertThat(page.dom()).containsPattern("id=\"kpi-lead-time\".*?class=\"value\">1h 00m<");
        assertThat(page.dom()).contains("WORKFLOW_DEFINITION_INVALID", "<svg id=\"timeline\"", "<svg id=\"per-day\"");
        assertThat(page.dom()).containsPattern("<td>MyPipeline</td><td>prod</td><td class=\"n\" data-v=\"7\">7</td>");
    }

    @Test
    void metrics_whenDeploymentsWereCancelled_jsonAndTheHtmlInChromiumCountThemApartFromFailures() throws Exception {
        Path html = temp.resolve("cancelled.html");

        // archive-cancelled (see DeploymentMetricsTest): 3 ok, 1 failed, 3 stopped (EXECUTION_ABORTED)
        int code = run("-a", EventsCommandTest.fixture("archive-cancelled").toString(), "--no-cache", "--since", "7d",
                "--output", "json", "--html", html.toString());

        assertThat(code).as(err.toString()).isZero();
        JsonNode prod = Json.read(out.toString()).get("series").get(0);
        assertThat(prod.get("failed").asLong()).isEqualTo(1);
        assertThat(prod.get("cancelled").asLong()).isEqualTo(3);
        assertThat(prod.get("dora").get("changeFailureRate").asDouble()).isEqualTo(0.25);
        Rendered page = renderInChromium(html);
        assertThat(page.console()).as("console messages of the page").isEmpty();
        assertThat(page.dom()).contains("data-rendered=\"true\"")
                .containsPattern("id=\"kpi-deployments\".*?class=\"note\">3 ok · 1 failed · 3 cancelled · 0 running<")
                .containsPattern("id=\"kpi-change-failure-rate\".*?class=\"value\">25\\.0%<")
                .containsPattern("id=\"kpi-time-to-restore\".*?class=\"value\">3h 00m<")
                .contains("<td>ShopPipeline</td><td>prod</td><td class=\"n\" data-v=\"7\">7</td>"
                        + "<td class=\"n\" data-v=\"3\">3</td><td class=\"n\" data-v=\"1\">1</td>"
                        + "<td class=\"n\" data-v=\"3\">3</td>");
    }

    @Test
    void metrics_whenHtmlDirectoryIsAFile_saysSoBeforePrintingTheReportAndExits1() throws Exception {
        Path file = Files.writeString(temp.resolve("file"), "x");

        int code = run("-a", archive(), "--no-cache", "--html", file.resolve("report.html").toString());

        assertThat(code).isEqualTo(1);
        assertThat(err.toString().lines()).containsExactly("error: cannot write " + file.resolve("report.html")
                + ": not a directory: " + file.toAbsolutePath());
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void metrics_whenHtmlIsADirectory_saysSoBeforePrintingTheReportAndExits1() {
        int code = run("-a", archive(), "--no-cache", "--html", temp.toString());

        assertThat(code).isEqualTo(1);
        assertThat(err.toString().lines()).containsExactly("error: cannot write " + temp + ": it is a directory");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void metrics_whenNoFileCanBeCreatedInTheHtmlDirectory_givesTheReasonAndLeavesNothingThere() {
        // procfs refuses new files even to root, who passes every permission check
        Assumptions.assumeTrue(Files.isDirectory(Path.of("/proc/self")), "Linux /proc");

        int code = run("-a", archive(), "--no-cache", "--html", "/proc/x.html");

        assertThat(code).isEqualTo(1);
        assertThat(err.toString().lines()).singleElement().asString()
                .startsWith("error: cannot write /proc/x.html: cannot create files in /proc (");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void unwritable_whenTheFileCanBeWritten_isNullAndLeavesNoProbeBehind() throws Exception {
        Path existing = Files.writeString(temp.resolve("old.html"), "old");

        assertThat(MetricsCommand.unwritable(temp.resolve("new/report.html"))).isNull();
        assertThat(MetricsCommand.unwritable(existing)).isNull();
        assertThat(existing).hasContent("old");
        try (var files = Files.list(temp.resolve("new"))) {
            assertThat(files).isEmpty();
        }
    }

    record Rendered(String dom, List<String> console) {
    }

    /** Loads the page in headless Chromium; fails (never skips) without it unless SMUS_SKIP_BROWSER_TESTS=1. */
    private Rendered renderInChromium(Path html) throws IOException, InterruptedException {
        String browser = findChromium();
        if (browser == null) {
            if ("1".equals(System.getenv("SMUS_SKIP_BROWSER_TESTS"))) {
                Assumptions.abort("SMUS_SKIP_BROWSER_TESTS=1 and no chromium found");
            }
            fail("headless Chromium not found on PATH: install Debian's package (apt-get install -y chromium)"
                    + " or set SMUS_SKIP_BROWSER_TESTS=1 to skip the browser tests");
        }
        Path profile = Files.createDirectories(temp.resolve("chromium-profile"));
        Path dom = temp.resolve("dom.html");
        Path log = temp.resolve("chromium.log");
        List<String> command = new ArrayList<>(List.of(browser, "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--user-data-dir=" + profile, "--enable-logging=stderr", "--v=0",
                "--dump-dom", html.toUri().toString()));
        Process process = new ProcessBuilder(command).redirectOutput(dom.toFile()).redirectError(log.toFile()).start();
        if (!process.waitFor(90, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("chromium did not finish within 90 s");
        }
        String stderr = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as("chromium exit code; its log:%n%s", stderr).isZero();
        List<String> console = stderr.lines().filter(l -> l.contains(":CONSOLE")).toList();
        return new Rendered(Files.readString(dom, StandardCharsets.UTF_8).replace("\n", " "), console);
    }

    private static String findChromium() {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String name : List.of("chromium", "chromium-browser", "google-chrome")) {
            for (String dir : path.split(File.pathSeparator)) {
                File candidate = new File(dir, name);
                if (candidate.canExecute()) {
                    return candidate.getPath();
                }
            }
        }
        return null;
    }
}
