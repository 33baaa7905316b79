package com.smuscicd.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Amazon States Language file shared by CDK and the local runner: its text, and the
 * {@code ${Name}} placeholders CloudFormation fills in from {@code DefinitionSubstitutions}.
 */
public record StateMachineDefinition(Path file, String text) {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z0-9_]+)}");

    /**
     * Reads the file.
     *
     * @throws IllegalStateException naming the path when it cannot be read
     */
    public static StateMachineDefinition load(Path file) {
        Path absolute = file.toAbsolutePath().normalize();
        if (!Files.isRegularFile(absolute)) {
            throw new IllegalStateException("State machine definition not found: " + absolute
                    + ". It lives in statemachine/src/main/resources/statemachine/deploy.asl.json; "
                    + "point the app at another file with `-c " + AppSettings.ASL_FILE + "=<path>`.");
        }
        try {
            return new StateMachineDefinition(absolute, Files.readString(absolute));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + absolute, e);
        }
    }

    /** Names of the {@code ${...}} placeholders in the definition, sorted. */
    public Set<String> placeholders() {
        Set<String> names = new TreeSet<>();
        Matcher matcher = PLACEHOLDER.matcher(text);
        while (matcher.find()) {
            names.add(matcher.group(1));
        }
        return names;
    }

    /**
     * Fails when a placeholder has no substitution: CloudFormation would leave it in the
     * definition and the execution would fail only when it reaches that state.
     */
    public void requireSubstitutionsFor(Set<String> provided) {
        Set<String> missing = new TreeSet<>(placeholders());
        missing.removeAll(provided);
        if (!missing.isEmpty()) {
            throw new IllegalStateException(file + " uses placeholders with no substitution: " + missing
                    + " (known: " + new TreeSet<>(provided) + ")");
        }
    }
}
