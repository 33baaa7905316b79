package com.smuscicd.metadata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.smuscicd.events.Metadata;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Metadata from a real git repository, made for each test with the git binary. */
class MetadataGitTest {

    private static final Map<String, String> NO_CI = Map.of("USER", "tester");

    @Test
    void collect_inRepositoryWithTokenInRemote_reportsRemoteWithoutCredentials(@TempDir Path dir)
            throws Exception {
        gitRepository(dir, "https://deploy-user:ghp_T0kenValue123@github.com/example-org/ml-pipelines.git");

        Metadata metadata = MetadataCollector.create(NO_CI, GitRunner.create(dir)).collect();

        assertThat(metadata.gitRepository()).isEqualTo("https://github.com/example-org/ml-pipelines.git");
        assertThat(metadata.toString()).doesNotContain("ghp_T0kenValue123").doesNotContain("deploy-user");
        assertThat(metadata.gitCommit()).matches("[0-9a-f]{40}").isEqualTo(git(dir, "rev-parse", "HEAD"));
        assertThat(metadata.gitBranch()).isEqualTo("trunk");
        assertThat(metadata.commitTimestamp()).isEqualTo("2025-11-04T11:30:00Z");
        assertThat(metadata.user()).isEqualTo("tester");
    }

    @Test
    void collect_whenCommittedInAZoneBeyondEighteenHours_givesTheCommitTimeFromGitAndFromTheFiles(@TempDir Path dir)
            throws Exception {
        // git records any offset up to +/-99:59; java.time parses only +/-18:00
        gitRepository(dir, "https://github.com/example-org/ml-pipelines.git", "1762255800 +2300");

        Metadata fromGit = MetadataCollector.create(NO_CI, GitRunner.create(dir)).collect();
        Metadata fromFiles = MetadataCollector.create(NO_CI, GitRunner.NONE,
                GitFiles.create(dir, Map.of("HOME", dir.toString()))).collect();

        assertThat(git(dir, "show", "-s", "--format=%cI", "HEAD")).isEqualTo("2025-11-05T10:30:00+23:00");
        assertThat(fromGit.commitTimestamp()).isEqualTo("2025-11-04T11:30:00Z");
        assertThat(fromGit.gitCommit()).isEqualTo(git(dir, "rev-parse", "HEAD"));
        assertThat(fromFiles).isEqualTo(fromGit);
    }

    @Test
    void collect_inSubdirectoryOfRepository_findsTheRepository(@TempDir Path dir) throws Exception {
        gitRepository(dir, "git@github.com:example-org/ml-pipelines.git");
        Path nested = Files.createDirectories(dir.resolve("workflows/daily"));

        Metadata metadata = MetadataCollector.create(NO_CI, GitRunner.create(nested)).collect();

        assertThat(metadata.gitRepository()).isEqualTo("git@github.com:example-org/ml-pipelines.git");
        assertThat(metadata.gitCommit()).isNotNull();
    }

    @Test
    void collect_outsideAnyRepository_hasNoGitFields(@TempDir Path dir) throws Exception {
        assumeGit();
        // a ceiling would be cleaner, but the temp directory is not under a repository here; check it is not
        assumeTrue(git(dir, "rev-parse", "--is-inside-work-tree") == null, "temp dir is inside a git work tree");

        Metadata metadata = MetadataCollector.create(NO_CI, GitRunner.create(dir)).collect();

        assertThat(metadata).isEqualTo(new Metadata("tester", null, null, null, null, null, null, null));
    }

    @Test
    void collect_whenGitBinaryMissing_hasNoGitFields(@TempDir Path dir) {
        GitRunner missing = GitRunner.create(dir.resolve("no-such-git").toString(), dir, Duration.ofSeconds(3));

        Metadata metadata = MetadataCollector.create(NO_CI, missing).collect();

        assertThat(metadata).isEqualTo(new Metadata("tester", null, null, null, null, null, null, null));
    }

    @Test
    void run_whenGitHangs_givesUpAtTheTimeout(@TempDir Path dir) throws IOException {
        GitRunner runner = GitRepositories.hangingGit(dir);

        long started = System.nanoTime();
        var output = runner.run("rev-parse", "HEAD");
        long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

        assertThat(output).isEmpty();
        assertThat(elapsedMillis).isLessThan(5_000);
    }

    @Test
    void run_whenGitFails_givesEmpty(@TempDir Path dir) throws Exception {
        assumeGit();

        assertThat(GitRunner.create(dir).run("no-such-subcommand")).isEmpty();
        assertThat(GitRunner.create(dir).run("--version")).hasValueSatisfying(v -> assertThat(v).startsWith("git version"));
    }

    /** A repository on branch "trunk" with one commit dated 2025-11-04T12:30:00+01:00 and the given origin. */
    private static void gitRepository(Path dir, String origin) throws Exception {
        gitRepository(dir, origin, GitRepositories.COMMIT_DATE);
    }

    /** A repository on branch "trunk" with one commit of the given date (as git takes it) and origin. */
    private static void gitRepository(Path dir, String origin, String date) throws Exception {
        assumeGit();
        GitRepositories.repository(dir, "trunk", date);
        GitRepositories.git(dir, "remote", "add", "origin", origin);
    }

    private static void assumeGit() {
        assumeTrue(GitRepositories.gitAvailable(), "git is not installed");
    }

    /** git's output in {@code dir}, or null when it fails. */
    private static String git(Path dir, String... args) {
        try {
            return GitRepositories.git(dir, args);
        } catch (Exception e) {
            return null;
        }
    }
}
