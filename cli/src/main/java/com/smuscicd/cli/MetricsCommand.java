package com.smuscicd.cli;

import com.smuscicd.metrics.ArchiveException;
import com.smuscicd.metrics.ArchiveNotFoundException;
import com.smuscicd.metrics.DeploymentMetrics;
import com.smuscicd.metrics.EventArchive;
import com.smuscicd.metrics.FileErrors;
import com.smuscicd.metrics.HtmlReport;
import com.smuscicd.metrics.MetricsQuery;
import com.smuscicd.metrics.MetricsReport;
import com.smuscicd.metrics.MetricsText;
import com.smuscicd.metrics.QueryResult;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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
            if (html != null) {
                // before the report: a path that cannot be written should not cost the run, nor follow its output
                String problem = unwritable(html);
                if (problem != null) {
                    err.println("error: cannot write " + html + ": " + problem);
                    return SmusCli.EXIT_FAILED;
                }
            }
            MetricsReport report;
            String hint = null;
            try (EventArchive archive = source.open(err)) {
                report = DeploymentMetrics.compute(archive, new MetricsQuery(pipeline, target, window, clock.instant()));
                if (report.deployments().isEmpty() && (pipeline != null || target != null || since != null)) {
                    hint = filterHint(archive);
                }
            }
            boolean none = report.deployments().isEmpty();
            if (none) {
                // say what was asked for: empty tables read like a bug, a typo in --target is the likelier cause
                String asked = "no deployments matched (pipeline=" + orAll(pipeline) + ", target=" + orAll(target)
                        + ", since=" + (since == null ? "all" : since) + ")";
                PrintWriter notes = format.equals("json") ? err : out;
                notes.println(asked);
                if (hint != null) {
                    notes.println("hint: " + hint);
                }
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
            err.println("error: cannot write " + html + ": " + FileErrors.reason(e));
            return SmusCli.EXIT_FAILED;
        } finally {
            out.flush();
            err.flush();
        }
    }

    /**
     * Why {@code file} cannot be written, or null when it can: its directory is made (as the write
     * would make it), then a file is created there and deleted, or the existing file is opened to
     * append. Asking the kernel is the only sure test: root passes every permission check, yet no
     * file can be created in {@code /proc}.
     */
    static String unwritable(Path file) {
        Path target = file.toAbsolutePath();
        if (Files.isDirectory(target)) {
            return "it is a directory";
        }
        Path parent = target.getParent();
        try {
            if (parent != null) {
                Files.createDirectories(parent);
            }
        } catch (IOException e) {
            // a file standing where a directory of the path should be
            String reason = e instanceof FileAlreadyExistsException ? "not a directory" : FileErrors.reason(e);
            return reason + (e instanceof FileSystemException f && f.getFile() != null ? ": " + f.getFile() : "");
        }
        if (Files.exists(target)) {
            try {
                Files.newOutputStream(target, StandardOpenOption.WRITE, StandardOpenOption.APPEND).close();
            } catch (IOException e) {
                return FileErrors.reason(e);
            }
        } else {
            try {
                Files.delete(Files.createTempFile(parent, ".smus-metrics-", ".tmp"));
            } catch (IOException e) {
                return "cannot create files in " + parent + " (" + FileErrors.reason(e) + ")";
            }
        }
        return null;
    }

    /** Names shown in a hint before "... (N in all)". */
    private static final int NAMES_SHOWN = 10;

    /**
     * Why {@code --pipeline}/{@code --target} matched nothing, from the names in the whole archive:
     * no such pipeline, or no such target (of that pipeline), with the names there are and the one
     * differing only in case; or, when both exist, when the latest deployment started. Names still
     * match exactly: the hint only says what to type.
     */
    private String filterHint(EventArchive archive) {
        QueryResult names = archive.query("SELECT pipeline, target, max(started_at) AS latest FROM smus_deployments"
                + " WHERE pipeline IS NOT NULL AND target IS NOT NULL GROUP BY pipeline, target");
        List<String> pipelines = new ArrayList<>();
        List<String> targets = new ArrayList<>();
        Instant latest = null;
        for (List<Object> row : names.rows()) {
            String p = (String) row.get(0);
            String t = (String) row.get(1);
            pipelines.add(p);
            if (pipeline == null || pipeline.equals(p)) {
                targets.add(t);
                if ((target == null || target.equals(t)) && row.get(2) != null) {
                    Instant started = Instant.parse((String) row.get(2));
                    latest = latest == null || started.isAfter(latest) ? started : latest;
                }
            }
        }
        if (pipeline != null && !pipelines.contains(pipeline)) {
            return "no pipeline is named '" + pipeline + "'" + didYouMean(pipeline, pipelines) + "; pipelines: "
                    + list(pipelines);
        }
        if (target != null && !targets.contains(target)) {
            return (pipeline == null ? "no target is named '" + target + "'"
                    : "pipeline '" + pipeline + "' has no target '" + target + "'") + didYouMean(target, targets)
                    + "; " + (pipeline == null ? "targets: " : "its targets: ") + list(targets);
        }
        return latest == null || since == null ? null
                : "the latest matching deployment started at " + latest + ", before the last " + since;
    }

    private static String didYouMean(String name, List<String> names) {
        return names.stream().filter(name::equalsIgnoreCase).findFirst()
                .map(n -> " (did you mean '" + n + "'? names match exactly)").orElse("");
    }

    private static String list(List<String> names) {
        List<String> sorted = names.stream().distinct().sorted().toList();
        return sorted.size() <= NAMES_SHOWN ? String.join(", ", sorted)
                : String.join(", ", sorted.subList(0, NAMES_SHOWN)) + ", ... (" + sorted.size() + " in all)";
    }

    private static String orAll(String filter) {
        return filter == null ? "*" : filter;
    }
}
