package com.smuscicd.cli;

import com.smuscicd.local.bus.InvalidRuleException;
import com.smuscicd.local.bus.LocalRule;
import com.smuscicd.local.bus.LocalRules;
import com.smuscicd.metrics.ArchiveException;
import com.smuscicd.metrics.ArchiveNotFoundException;
import com.smuscicd.metrics.ArchiveOptions;
import com.smuscicd.metrics.ArchiveProblem;
import com.smuscicd.metrics.EventArchive;
import com.smuscicd.metrics.FileErrors;
import com.smuscicd.metrics.InvalidPatternException;
import com.smuscicd.metrics.InvalidQueryException;
import com.smuscicd.metrics.PatternTester;
import com.smuscicd.metrics.ResultFormat;
import com.smuscicd.metrics.SqlStatements;
import com.smuscicd.metrics.SyntheticArchive;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code smus-cli events}: work offline with captured deployment events, in the archive layout the
 * monitoring stack writes to S3 and the local bus writes under {@code --state-dir}.
 * <ul>
 *   <li>{@code query "SQL"}: SQL over the table {@code smus_events} (DuckDB; the same columns as the
 *       monitoring stack's Athena table), printed as a table, CSV or JSON;</li>
 *   <li>{@code test-pattern}: which events an EventBridge pattern matches (event-ruler);</li>
 *   <li>{@code generate} (hidden): a synthetic archive for benchmarks and demos.</li>
 * </ul>
 * Exit codes: 0 ok, {@link SmusCli#EXIT_FAILED} runtime failure, {@link SmusCli#EXIT_BAD_INPUT} bad input
 * (SQL, pattern, flags, missing directory).
 */
@Command(name = "events", mixinStandardHelpOptions = true,
        description = "Query captured deployment events with SQL and test event patterns against them.",
        subcommands = {EventsCommand.QueryCommand.class, EventsCommand.TestPatternCommand.class,
                EventsCommand.GenerateCommand.class})
public final class EventsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return SmusCli.EXIT_BAD_INPUT;
    }

    /**
     * Where the archive is and how it is cached; shared by {@code events query}, {@code events test-pattern}
     * and {@code metrics}.
     */
    public static final class ArchiveSource {

        /** The local bus's archive under the default state directory. */
        static final String DEFAULT_ARCHIVE = ".smus/local/archive";

        @Option(names = {"--archive", "-a"}, paramLabel = "DIR",
                defaultValue = "${env:SMUS_EVENTS_ARCHIVE:-" + DEFAULT_ARCHIVE + "}",
                description = "Archive directory: the local bus's (<state-dir>/archive) or a copy of the monitoring"
                        + " bucket (aws s3 sync s3://BUCKET/smus-events/ DIR). Default: $SMUS_EVENTS_ARCHIVE when"
                        + " set, else the local bus's under the default state directory (now: '${DEFAULT-VALUE}').")
        Path archive;

        @Option(names = "--no-cache", description = "Parse the whole archive in memory; keep nothing on disk.")
        boolean noCache;

        @Option(names = "--cache-dir", paramLabel = "DIR",
                description = "Where parsed events are kept between runs (default: $XDG_CACHE_HOME/smus-cli or"
                        + " ~/.cache/smus-cli).")
        Path cacheDir;

        ArchiveOptions options() {
            if (noCache) {
                return ArchiveOptions.noCache();
            }
            return ArchiveOptions.cacheIn(cacheDir != null ? cacheDir : ArchiveOptions.defaultCacheDir(System.getenv()));
        }

        /**
         * The archive directory: an empty {@code SMUS_EVENTS_ARCHIVE} (as CI systems pass unset
         * variables) counts as unset, rather than as the current directory.
         */
        Path directory() {
            return archive == null || archive.toString().isEmpty() ? Path.of(DEFAULT_ARCHIVE) : archive;
        }

        /**
         * Opens the archive and reports on {@code err} its skipped lines and notes, and when it holds
         * no event files or looks like a local state directory (whose archive is below it), says so.
         */
        EventArchive open(PrintWriter err) {
            Path dir = directory();
            // a first run over a large archive takes seconds: say what it is doing before it starts
            EventArchive archive = EventArchive.open(dir, options().withProgress(line -> {
                err.println("note: " + line);
                err.flush();
            }));
            report(archive.problems(), err);
            if (archive.stats().files() == 0) {
                err.println("warning: the archive " + dir + " holds no event files (*.json, *.json.gz)");
            }
            EventArchive.stateDirectoryArchive(dir).ifPresent(inside -> err.println("hint: " + dir + " looks like a"
                    + " local state directory (deploy --local --state-dir): did you mean --archive " + inside + "?"));
            for (String note : archive.notes()) {
                err.println("note: " + note);
            }
            err.flush();
            return archive;
        }

        static void report(List<ArchiveProblem> problems, PrintWriter err) {
            for (ArchiveProblem p : problems) {
                err.println("warning: " + p.describe());
            }
        }

        static String notFound(ArchiveNotFoundException e) {
            return "error: " + e.getMessage() + (e.missing() ? " (run 'smus-cli deploy --local' first, or copy the"
                    + " monitoring bucket: aws s3 sync s3://BUCKET/smus-events/ DIR, then pass --archive DIR)"
                    : " (--archive takes the directory that holds the event files)");
        }
    }

    /** {@code smus-cli events query "SQL"}. */
    @Command(name = "query", mixinStandardHelpOptions = true,
            description = {"Run SQL over the captured events: table smus_events (one row per event, duplicates"
                    + " delivered by EventBridge removed), smus_events_raw (every line read, with its file) and"
                    + " smus_deployments (one row per deployment: outcome, start and end, failed phase, error code).",
                    "Example: smus-cli events query \"SELECT * FROM smus_events WHERE pipelineName = 'MyPipeline'"
                            + " AND status = 'failed' ORDER BY timestamp DESC LIMIT 10\""})
    public static final class QueryCommand implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        ArchiveSource source;

        @Option(names = {"--output", "-o"}, paramLabel = "FORMAT", defaultValue = "table",
                description = "table, csv or json (default: ${DEFAULT-VALUE}).")
        String output;

        @Option(names = "--max-rows", paramLabel = "N", defaultValue = "1000",
                description = "Rows shown by the table output, 0 or more; 0 shows the columns and the row count only"
                        + " (csv and json print all; default: ${DEFAULT-VALUE}).")
        int maxRows;

        @Parameters(index = "0", paramLabel = "SQL",
                description = "One SQL statement (DuckDB dialect); a ';' after it is allowed.")
        String sql;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            ResultFormat format;
            try {
                format = ResultFormat.of(output);
            } catch (IllegalArgumentException e) {
                err.println("error: " + e.getMessage());
                err.flush();
                return SmusCli.EXIT_BAD_INPUT;
            }
            if (maxRows < 0) {
                err.println("error: --max-rows must be 0 or more, got " + maxRows);
                err.flush();
                return SmusCli.EXIT_BAD_INPUT;
            }
            // the engine would run every statement and show only the last one's result
            int statements = SqlStatements.count(sql);
            if (statements != 1) {
                err.println(statements == 0 ? "error: no SQL statement given"
                        : "error: one SQL statement at a time: this text has " + statements
                                + " (a ';' ends a statement); run them one by one");
                err.flush();
                return SmusCli.EXIT_BAD_INPUT;
            }
            try (EventArchive archive = source.open(err)) {
                archive.query(sql, format.sink(out, maxRows));
                return CommandLine.ExitCode.OK;
            } catch (ArchiveNotFoundException e) {
                err.println(ArchiveSource.notFound(e));
                return SmusCli.EXIT_BAD_INPUT;
            } catch (InvalidQueryException e) {
                err.println("error: invalid query: " + e.getMessage());
                err.println("hint: the tables are smus_events, smus_events_raw and smus_deployments; list their"
                        + " columns with DESCRIBE smus_events");
                return SmusCli.EXIT_BAD_INPUT;
            } catch (ArchiveException e) {
                err.println("error: " + e.getMessage());
                return SmusCli.EXIT_FAILED;
            } finally {
                out.flush();
                err.flush();
            }
        }
    }

    /** {@code smus-cli events test-pattern --pattern FILE|DIR|JSON [--event FILE | --archive DIR]}. */
    @Command(name = "test-pattern", mixinStandardHelpOptions = true,
            description = {"Show which events an EventBridge event pattern matches, offline, with AWS's event-ruler"
                    + " (like 'aws events test-event-pattern', over a file of events or a whole archive).",
                    "The pattern may be a bare event pattern, a rule file ({\"Name\":..,\"EventPattern\":..,"
                            + "\"Targets\":..}), a JSON array of rules, or a directory of rule files (*.json); rules,"
                            + " however given, are read as deploy --rules reads them (Targets may be left out),"
                            + " and several rules are each reported on their own.",
                    "Without --event, every event of the archive is tested: the same events as smus_events.",
                    "Matches are listed by event time, then deployment and sequence."})
    public static final class TestPatternCommand implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Option(names = {"--pattern", "-p"}, required = true, paramLabel = "FILE|DIR|JSON",
                description = "The event pattern or rule(s): a file, a directory of rule files, or the JSON itself.")
        String pattern;

        @Option(names = "--event", paramLabel = "FILE",
                description = "Test the events of this file instead of the archive: one JSON object per line (as"
                        + " archive files hold them), one (pretty-printed) object, or a JSON array of events.")
        Path event;

        @Mixin
        ArchiveSource source;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            try {
                if (event != null && spec.commandLine().getParseResult().hasMatchedOption("--archive")) {
                    err.println("error: --event and --archive are mutually exclusive");
                    return SmusCli.EXIT_BAD_INPUT;
                }
                PatternTester tester;
                try {
                    List<PatternTester.Rule> rules = rules(err);
                    tester = PatternTester.create(rules);
                    if (rules.size() == 1 && rules.get(0).name() != null) {
                        err.println("note: using the EventPattern of rule '" + rules.get(0).name() + "'");
                    }
                } catch (InvalidPatternException e) {
                    err.println("error: invalid event pattern: " + e.getMessage());
                    return SmusCli.EXIT_BAD_INPUT;
                } catch (InvalidRuleException e) {
                    err.println("error: invalid rule: " + e.getMessage());
                    return SmusCli.EXIT_BAD_INPUT;
                } catch (IllegalArgumentException e) {
                    err.println("error: " + e.getMessage());
                    return SmusCli.EXIT_BAD_INPUT;
                }
                err.flush();
                return event != null ? testEvents(tester, out, err) : testArchive(tester, out, err);
            } finally {
                out.flush();
                err.flush();
            }
        }

        /**
         * The rules {@code --pattern} gives: the JSON itself, a file holding a pattern or rules, or a
         * directory of rule files. Rules, however given, are read as {@code deploy --rules} reads them
         * (a misspelled key, a bad State or target is an error, a missing Targets is not; disabled rules and rules on
         * another bus get a note); a bare event pattern is left to event-ruler.
         *
         * @throws IllegalArgumentException when the file or directory cannot be read, saying why
         * @throws InvalidRuleException     for a rule the local bus would refuse
         */
        private List<PatternTester.Rule> rules(PrintWriter err) {
            String trimmed = pattern.trim();
            if (trimmed.isEmpty()) {
                // Path.of("") is the current directory: never what an empty (unset) value meant
                throw new IllegalArgumentException("--pattern is empty: give an event pattern (JSON), a rule file or"
                        + " a directory of rule files");
            }
            if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
                return PatternTester.holdsRules(pattern) ? loaded(inlineRules(pattern), "--pattern", err)
                        : PatternTester.rulesOf(pattern);
            }
            Path path;
            try {
                path = Path.of(pattern);
            } catch (InvalidPathException e) {
                throw new IllegalArgumentException("cannot read pattern file " + pattern + ": " + e.getMessage(), e);
            }
            if (Files.isDirectory(path)) {
                LocalRules loaded = LocalRules.loadForPatterns(path);
                if (loaded.all().isEmpty()) {
                    throw new IllegalArgumentException("no rule files (*.json) in " + path);
                }
                return loaded(loaded, path.toString(), err);
            }
            String text;
            try {
                text = Files.readString(path, StandardCharsets.UTF_8);
            } catch (NoSuchFileException e) {
                throw new IllegalArgumentException("pattern file not found: " + pattern, e);
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read pattern file " + pattern + ": " + FileErrors.reason(e), e);
            }
            return PatternTester.holdsRules(text) ? loaded(LocalRules.loadForPatterns(path), path.toString(), err)
                    : PatternTester.rulesOf(text);
        }

        /** The rules loaded, with a note for each that EventBridge would not run as it is tested here. */
        private static List<PatternTester.Rule> loaded(LocalRules loaded, String source, PrintWriter err) {
            List<LocalRule> all = loaded.all();
            if (all.isEmpty()) {
                throw new IllegalArgumentException(source + ": no rules (an empty array)");
            }
            for (LocalRule rule : all) {
                if (!rule.enabled()) {
                    err.println("note: rule '" + rule.name() + "' is DISABLED: the local bus delivers nothing to it");
                }
                if (!LocalRules.DEFAULT_BUS.equals(rule.eventBusName())) {
                    // the archive does not say which bus an event was put on
                    err.println("note: rule '" + rule.name() + "' is on bus " + rule.eventBusName()
                            + ": it is tested against every event; in EventBridge (and deploy --local) it sees"
                            + " only the events of deployments on that bus");
                }
            }
            return all.stream().map(r -> new PatternTester.Rule(r.name(), r.eventPattern())).toList();
        }

        /**
         * Rules given as JSON on the command line, read as a rule file is ({@link LocalRules#parseForPatterns});
         * the messages say they came from {@code --pattern}.
         */
        private static LocalRules inlineRules(String json) {
            try {
                return LocalRules.parseForPatterns(json);
            } catch (InvalidRuleException e) {
                throw new InvalidRuleException(null, null, "--pattern: " + e.getMessage(), e);
            }
        }

        private int testEvents(PatternTester tester, PrintWriter out, PrintWriter err) {
            String text;
            try {
                text = PatternTester.readEventFile(event);
            } catch (IOException e) {
                err.println("error: cannot read event file " + event + ": " + FileErrors.reason(e));
                return SmusCli.EXIT_BAD_INPUT;
            }
            PatternTester.Outcome outcome;
            try {
                outcome = tester.testEvents(text, event);
            } catch (IllegalArgumentException e) {
                err.println("error: " + e.getMessage());
                return SmusCli.EXIT_BAD_INPUT;
            }
            // printed after parsing the whole file, so that a bad line leaves no partial answer
            outcome.matches().forEach(m -> out.println(line(tester, m)));
            summary(tester, outcome, "", out);
            return CommandLine.ExitCode.OK;
        }

        private int testArchive(PatternTester tester, PrintWriter out, PrintWriter err) {
            try (EventArchive archive = source.open(err)) {
                PatternTester.Outcome outcome = tester.testArchive(archive);
                outcome.matches().forEach(m -> out.println(line(tester, m)));
                summary(tester, outcome, outcome.duplicates() > 0
                        ? " (" + outcome.duplicates() + " duplicate deliveries skipped)" : "", out);
                return CommandLine.ExitCode.OK;
            } catch (ArchiveNotFoundException e) {
                err.println(ArchiveSource.notFound(e));
                return SmusCli.EXIT_BAD_INPUT;
            } catch (ArchiveException e) {
                err.println("error: " + e.getMessage());
                return SmusCli.EXIT_FAILED;
            }
        }

        /** {@code N of M events matched}, once per rule when there are several. */
        private static void summary(PatternTester tester, PatternTester.Outcome outcome, String suffix,
                                    PrintWriter out) {
            List<PatternTester.Rule> rules = tester.rules();
            if (rules.size() == 1) {
                out.println(outcome.matches().size() + " of " + events(outcome.events()) + " matched" + suffix);
                return;
            }
            for (int i = 0; i < rules.size(); i++) {
                out.println("rule '" + rules.get(i).name() + "': " + outcome.matchesByRule().get(i) + " of "
                        + events(outcome.events()) + " matched");
            }
            out.println("any rule: " + outcome.matches().size() + " of " + events(outcome.events()) + " matched"
                    + suffix);
        }

        private static String events(long n) {
            return n + (n == 1 ? " event" : " events");
        }

        private static String line(PatternTester tester, PatternTester.Match m) {
            String text = String.join("  ", nonNull(m.id()), nonNull(m.detailType()), nonNull(m.pipelineName()),
                    m.deploymentId() == null ? "-" : m.deploymentId() + "#" + (m.sequence() == null ? "?" : m.sequence()));
            if (tester.rules().size() == 1) {
                return text;
            }
            StringBuilder names = new StringBuilder();
            for (int i : m.rules()) {
                names.append(names.length() == 0 ? "" : ",").append(tester.rules().get(i).name());
            }
            return text + "  [" + names + "]";
        }

        private static String nonNull(String s) {
            return s == null ? "-" : s;
        }
    }

    /** {@code smus-cli events generate --out DIR --events N}: a synthetic archive (hidden: for benchmarks). */
    @Command(name = "generate", hidden = true, mixinStandardHelpOptions = true,
            description = "Write a realistic synthetic event archive (for benchmarks and demos).")
    public static final class GenerateCommand implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Option(names = "--out", required = true, paramLabel = "DIR", description = "Directory to write into.")
        Path out;

        @Option(names = "--events", defaultValue = "100000", paramLabel = "N", description = "Event lines to write.")
        long events;

        @Option(names = "--seed", defaultValue = "42", paramLabel = "N", description = "Random seed.")
        long seed;

        @Option(names = "--end", paramLabel = "YYYY-MM-DD", description = "Day the archive ends (default: today, UTC).")
        LocalDate end;

        @Option(names = "--pipelines", defaultValue = "40", paramLabel = "N", description = "Number of pipelines.")
        int pipelines;

        @Option(names = "--days", defaultValue = "90", paramLabel = "N", description = "Days covered.")
        int days;

        @Override
        public Integer call() {
            PrintWriter o = spec.commandLine().getOut();
            if (events <= 0 || pipelines <= 0 || days <= 0) {
                spec.commandLine().getErr().println("error: --events, --pipelines and --days must be positive");
                spec.commandLine().getErr().flush();
                return SmusCli.EXIT_BAD_INPUT;
            }
            SyntheticArchive.Options options = SyntheticArchive.Options.defaults(out, events).withSeed(seed)
                    .withShape(pipelines, days);
            if (end != null) {
                options = options.withEnd(end);
            }
            SyntheticArchive.Summary s = SyntheticArchive.generate(options);
            o.printf(Locale.ROOT, "wrote %d events (%d deployments, %d duplicates) in %d files under %s%n",
                    s.events(), s.deployments(), s.duplicates(), s.files(), out);
            o.flush();
            return CommandLine.ExitCode.OK;
        }
    }
}
