package com.smuscicd.metadata;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Runs read-only git commands for the metadata collector. A runner never throws: no git binary,
 * not a repository, a non-zero exit or a timeout all mean "unknown".
 */
@FunctionalInterface
public interface GitRunner {

    /** How long one git command may take by default. */
    Duration DEFAULT_TIMEOUT = Duration.ofSeconds(3);

    /** No git: every answer unknown (the metadata then has no git fields). */
    GitRunner NONE = args -> Optional.empty();

    /**
     * Runs {@code git <args>}.
     *
     * @return its standard output, trimmed, when it exited 0 in time with a non-empty output
     */
    Optional<String> run(String... args);

    /** The {@code git} on the PATH, run in {@code workingDir}, with the default timeout. */
    static GitRunner create(Path workingDir) {
        return create("git", workingDir, DEFAULT_TIMEOUT);
    }

    /** A given git executable, run in {@code workingDir}, killed after {@code timeout}. */
    static GitRunner create(String gitExecutable, Path workingDir, Duration timeout) {
        return new ProcessGitRunner(gitExecutable, workingDir, timeout);
    }
}
