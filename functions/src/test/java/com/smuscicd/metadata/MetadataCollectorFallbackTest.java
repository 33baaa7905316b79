package com.smuscicd.metadata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.smuscicd.events.Metadata;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** When the repository's files cannot tell, git is asked, with the same failure handling as before. */
class MetadataCollectorFallbackTest {

    private static final Map<String, String> NO_CI = Map.of("USER", "tester");
    private static final Metadata NO_GIT_FIELDS = new Metadata("tester", null, null, null, null, null, null, null);

    @Test
    void collect_whenTheFilesCannotTell_asksGitForHeadAndOrigin(@TempDir Path dir) {
        List<String> calls = Collections.synchronizedList(new ArrayList<>());
        GitRunner git = args -> {
            String line = String.join(" ", args);
            calls.add(line);
            return Optional.ofNullable(Map.of(
                    "show -s --format=%H%n%ct%n%D --decorate=short --decorate-refs=HEAD --decorate-refs=refs/heads/ HEAD",
                    "a3f1c9e7b5d2f0a8c6e4b2d0f8a6c4e2b0d8f6a4\n1762255800\nHEAD -> main, origin/main",
                    "config --get remote.origin.url", "https://ci:s3cret@github.com/example-org/ml.git").get(line));
        };

        Metadata metadata = MetadataCollector.create(NO_CI, git, filesThatCannotTell(dir)).collect();

        assertThat(calls).containsExactly("show -s --format=%H%n%ct%n%D --decorate=short --decorate-refs=HEAD --decorate-refs=refs/heads/ HEAD", "config --get remote.origin.url");
        assertThat(metadata).isEqualTo(new Metadata("tester", "a3f1c9e7b5d2f0a8c6e4b2d0f8a6c4e2b0d8f6a4", "main",
                "https://github.com/example-org/ml.git", null, null, null, "2025-11-04T11:30:00Z"));
    }

    @Test
    void collect_whenTheFilesCannotTellAndGitIsMissing_hasNoGitFields(@TempDir Path dir) {
        GitRunner missing = GitRunner.create(dir.resolve("no-such-git").toString(), dir, Duration.ofSeconds(3));

        Metadata metadata = MetadataCollector.create(NO_CI, missing, filesThatCannotTell(dir)).collect();

        assertThat(metadata).isEqualTo(NO_GIT_FIELDS);
    }

    @Test
    void collect_whenTheFilesCannotTellAndGitHangs_hasNoGitFields(@TempDir Path dir) throws Exception {
        GitRunner hanging = GitRepositories.hangingGit(dir);

        Metadata metadata = MetadataCollector.create(NO_CI, hanging, filesThatCannotTell(dir)).collect();

        assertThat(metadata).isEqualTo(NO_GIT_FIELDS);
    }

    @Test
    void collect_whenTheFilesCannotTellAndGitFindsNoRepository_hasNoGitFields(@TempDir Path dir) {
        assumeTrue(GitRepositories.gitAvailable(), "git is not installed");
        assumeTrue(GitRunner.create(dir).run("rev-parse", "--is-inside-work-tree").isEmpty(),
                "temp dir is inside a work tree");

        Metadata metadata = MetadataCollector.create(NO_CI, GitRunner.create(dir), filesThatCannotTell(dir)).collect();

        assertThat(metadata).isEqualTo(NO_GIT_FIELDS);
    }

    @Test
    void collect_whenTheFilesKnowHeadButNotTheOrigin_asksGitForTheOriginOnly(@TempDir Path dir) throws Exception {
        assumeTrue(GitRepositories.gitAvailable(), "git is not installed");
        Path repo = GitRepositories.repository(dir.resolve("repo"), "main");
        Path home = Files.createDirectories(dir.resolve("home"));
        Files.writeString(home.resolve(".gitconfig"), "[remote \"origin\"]\n\turl = https://example.com/global.git\n",
                StandardCharsets.UTF_8);
        List<String> calls = Collections.synchronizedList(new ArrayList<>());
        GitRunner git = args -> {
            calls.add(String.join(" ", args));
            return Optional.of("https://example.com/global.git");
        };

        Metadata metadata = MetadataCollector.create(NO_CI, git,
                new GitFiles(repo, Map.of("HOME", home.toString()), System.getProperty("user.name"), List.of()))
                .collect();

        assertThat(calls).containsExactly("config --get remote.origin.url");
        assertThat(metadata.gitRepository()).isEqualTo("https://example.com/global.git");
        assertThat(metadata.gitBranch()).isEqualTo("main");
        assertThat(metadata.commitTimestamp()).isEqualTo(GitRepositories.COMMIT_DATE_UTC);
    }

    /** Files that leave everything to git: GIT_DIR is set, so git, not the directory, says where the repository is. */
    private static GitFiles filesThatCannotTell(Path dir) {
        return new GitFiles(dir, Map.of("GIT_DIR", dir.resolve("elsewhere").toString(), "HOME", dir.toString()),
                System.getProperty("user.name"), List.of());
    }
}
