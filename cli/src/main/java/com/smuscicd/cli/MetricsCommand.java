package com.smuscicd.cli;

import com.smuscicd.metrics.ArchiveException;
import com.smuscicd.metrics.ArchiveNotFoundException;
import com.smuscicd.metrics.DeploymentMetrics;
import com.smuscicd.metrics.EventArchive;
import com.smuscicd.metrics.HtmlReport;
import com.smuscicd.metrics.MetricsQuery;
import com.smuscicd.metrics.MetricsReport;
import com.smuscicd.metrics.MetricsText;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code smus-cli metrics}: deployment metrics and the four DORA keys per pipeline and target,
 * from the captured events: deployments, success rate, phase durations (p50/p95/max), failing
 * phases and error codes, deployment frequency, lead time for changes, change failure rate and
 * time to restore. Printed as text or JSON; {@code --html FILE} also writes a self-contained page.
 * Exit codes: 0 ok, 1 runtime failure, 2 bad input.
 */
@Command(name = "metrics", mixinStandardHelpOptions = true,
        description = "Deployment metrics and DORA keys per pipeline and target, from the captured events.")
public final class MetricsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    EventsCommand.ArchiveSource source;

    @Option(names = "--pipeline", paramLabel = "NAME", description = "Only this pipeline.")
    String pipeline;

    @Option(names = "--target", paramLabel = "NAME", description = "Only this target.")
    String target;

    @Option(names = "--since", paramLabel = "DURATION",
            description = "Only deployments started in this last period: e.g. 12h, 30d, 2w (default: all).")
    String since;

    @Option(names = {"--output", "-o"}, paramLabel = "FORMAT", defaultValue = "table",
            description = "table or json (default: ${DEFAULT-VALUE}).")
    String output;

    @Option(names = "--html", paramLabel = "FILE", description = "Also write a self-contained HTML report here.")
    Path html;

    private final Clock clock;

    public MetricsCommand() {
        this(Clock.systemUTC());
    }

    MetricsCommand(Clock clock) {
        this.clock = clock;
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            String format = output.trim().toLowerCase(Locale.ROOT);
            if (!format.equals("table") && !format.equals("json")) {
                err.println("error: unknown output format '" + output + "': use table or json");
                return SmusCli.EXIT_BAD_INPUT;
            }
            Duration window = null;
            if (since != null) {
                try {
                    window = MetricsQuery.parseSince(since);
                } catch (IllegalArgumentException e) {
                    err.println("error: --since: " + e.getMessage());
                    return SmusCli.EXIT_BAD_INPUT;
                }
            }
            MetricsReport report;
            try (EventArchive archive = source.open(err)) {
                report = DeploymentMetrics.compute(archive, new MetricsQuery(pipeline, target, window, clock.instant()));
            }
            boolean none = report.deployments().isEmpty();
            if (none) {
                // say what was asked for: empty tables read like a bug, a typo in --target is the likelier cause
                String asked = "no deployments matched (pipeline=" + orAll(pipeline) + ", target=" + orAll(target)
                        + ", since=" + (since == null ? "all" : since) + ")";
                (format.equals("json") ? err : out).println(asked);
            }
            if (format.equals("json")) {
                // a script still gets the report's shape, with empty lists
                MetricsText.json(report, out);
            } else if (!none) {
                MetricsText.table(report, out);
            }
            if (html != null) {
                Path parent = html.toAbsolutePath().getParent();
                if (parent != null) {
                    Files.createDirectories(parent);
                }
                Files.writeString(html, HtmlReport.render(report, clock.instant()), StandardCharsets.UTF_8);
                err.println("HTML report written to " + html);
            }
            return CommandLine.ExitCode.OK;
        } catch (ArchiveNotFoundException e) {
            err.println(EventsCommand.ArchiveSource.notFound(e));
            return SmusCli.EXIT_BAD_INPUT;
        } catch (ArchiveException e) {
            err.println("error: " + e.getMessage());
            return SmusCli.EXIT_FAILED;
        } catch (IOException e) {
            err.println("error: cannot write " + html + ": " + e.getMessage());
            return SmusCli.EXIT_FAILED;
        } finally {
            out.flush();
            err.flush();
        }
    }

    private static String orAll(String filter) {
        return filter == null ? "*" : filter;
    }
}
