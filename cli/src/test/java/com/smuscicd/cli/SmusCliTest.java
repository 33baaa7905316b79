package com.smuscicd.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/** The messages of bad command lines, whichever subcommand they reach. */
class SmusCliTest {

    @ParameterizedTest
    @CsvSource(delimiterString = " => ", quoteCharacter = '"', value = {
        // a value glued to a short option, or starting with a dash, is not an unknown option
        "events query -ojson => Missing required parameter: 'SQL'",
        "events test-pattern -a/tmp/archive => Missing required option: '--pattern=FILE|DIR|JSON'",
        "deploy --local --retry-delay-scale -.5 => Missing required option: '--targets=TARGET",
        // a misspelled option comes first, with the one it is close to
        "events query --outptu => Unknown option: '--outptu'",
        "deploy --local --target dev => Unknown options: '--target', 'dev'",
        "events --bogus query => Unknown option: '--bogus'",
        "--bogus deploy --local => Unknown option: '--bogus'",
    })
    void execute_whenTheCommandLineIsBad_saysWhatIsWrongFirstAndExitsTwo(String args, String firstLine) {
        StringWriter err = new StringWriter();
        CommandLine cli = SmusCli.commandLine();
        cli.setErr(new PrintWriter(err, true));

        int exit = cli.execute(args.split(" "));

        assertThat(exit).isEqualTo(SmusCli.EXIT_BAD_INPUT);
        assertThat(err.toString()).startsWith(firstLine);
    }
}
