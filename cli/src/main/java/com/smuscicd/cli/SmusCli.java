package com.smuscicd.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code smus-cli}: deploys SageMaker Unified Studio pipelines (to AWS, or offline with
 * {@code --local}) and works with the deployment events they emit.
 */
@Command(name = "smus-cli",
        mixinStandardHelpOptions = true,
        versionProvider = SmusCli.Version.class,
        description = "Deploy SageMaker Unified Studio pipelines and work with their deployment events.",
        subcommands = {DeployCommand.class, ValidateCommand.class, BundleCommand.class, EventsCommand.class,
                MetricsCommand.class, CommandLine.HelpCommand.class})
public final class SmusCli {

    /** Exit code of a deployment that ran and failed. */
    public static final int EXIT_FAILED = 1;
    /** Exit code of bad input: manifest, flags, rules, patterns. */
    public static final int EXIT_BAD_INPUT = 2;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line (used by main and by tests). */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new SmusCli());
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        CommandLine.IParameterExceptionHandler usual = cli.getParameterExceptionHandler();
        cli.setParameterExceptionHandler((e, args) -> usual.handleParseException(misspelledFirst(e), args));
        return cli;
    }

    /**
     * The error to show for bad flags: picocli checks required options before unknown ones, so
     * {@code deploy --target dev} would say "Missing required option '--targets'" and show the whole
     * usage. An unknown option is the likelier mistake; it is shown instead, with the options whose
     * names are close ("Possible solutions: --targets"). What is unknown is what picocli itself
     * could not match, so a value that starts with a dash is not taken for an option.
     */
    static CommandLine.ParameterException misspelledFirst(CommandLine.ParameterException e) {
        if (!(e instanceof CommandLine.MissingParameterException) || e.getCommandLine() == null) {
            return e;
        }
        // an option unknown to a parent command (smus-cli --bogus deploy) is in the parent's list
        List<String> unmatched = new ArrayList<>();
        for (CommandLine command = e.getCommandLine(); command != null; command = command.getParent()) {
            unmatched.addAll(0, command.getUnmatchedArguments());
        }
        boolean anOption = unmatched.stream().anyMatch(arg -> arg.startsWith("-") && arg.length() > 1);
        return anOption ? new CommandLine.UnmatchedArgumentException(e.getCommandLine(), unmatched) : e;
    }

    /** Reads the version Maven stamped into {@code smus-cli.properties}. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties properties = new Properties();
            try (InputStream in = SmusCli.class.getClassLoader().getResourceAsStream("smus-cli.properties")) {
                if (in != null) {
                    properties.load(in);
                }
            }
            return new String[] {"smus-cli " + properties.getProperty("version", "unknown")};
        }
    }
}
