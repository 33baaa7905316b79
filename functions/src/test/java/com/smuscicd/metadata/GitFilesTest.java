package com.smuscicd.metadata;

import static com.smuscicd.metadata.GitRepositories.COMMIT_DATE_UTC;
import static com.smuscicd.metadata.GitRepositories.commit;
import static com.smuscicd.metadata.GitRepositories.git;
import static com.smuscicd.metadata.GitRepositories.repository;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.smuscicd.events.Metadata;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The repository's files give the metadata git gives, without running git, in the layouts they
 * claim to understand; everywhere else they give no answer, so git is asked. Each repository is
 * made with the git binary, and git itself is the reference.
 */
class GitFilesTest {

    private static final Map<String, String> NO_CI = Map.of("USER", "tester");

    @TempDir
    Path temp;
    private Path home;

    @BeforeEach
    void setUp() throws Exception {
        assumeTrue(GitRepositories.gitAvailable(), "git is not installed");
        home = Files.createDirectories(temp.resolve("home"));
    }

    @Test
    void collect_onABranchWithLooseObjects_givesWhatGitGivesWithoutRunningIt() throws Exception {
        Path repo = repository(temp.resolve("repo"), "trunk");
        git(repo, "remote", "add", "origin", "https://deploy-user:ghp_T0kenValue123@github.com/example-org/ml.git");

        Metadata metadata = assertFilesAgreeWithGit(repo);

        assertThat(metadata.gitCommit()).isEqualTo(git(repo, "rev-parse", "HEAD"));
        assertThat(metadata.gitBranch()).isEqualTo("trunk");
        assertThat(metadata.commitTimestamp()).isEqualTo(COMMIT_DATE_UTC);
        assertThat(metadata.gitRepository()).isEqualTo("https://github.com/example-org/ml.git");
        assertThat(metadata.toString()).doesNotContain("ghp_T0kenValue123").doesNotContain("deploy-user");
    }

    @Test
    void collect_inASubdirectoryWithDetachedHead_givesWhatGitGives() throws Exception {
        Path repo = repository(temp.resolve("repo"), "main");
        commit(repo, "second");
        git(repo, "checkout", "-q", "--detach", "HEAD~1");
        Path nested = Files.createDirectories(repo.resolve("workflows/daily"));

        Metadata metadata = assertFilesAgreeWithGit(nested);

        assertThat(metadata.gitBranch()).isNull();
        assertThat(metadata.gitCommit()).isEqualTo(git(repo, "rev-parse", "HEAD"));
    }

    @Test
    void collect_withPackedRefsAndAPackedCommit_givesWhatGitGives() throws Exception {
        Path repo = repository(temp.resolve("repo"), "main");
        commit(repo, "second");
        commit(repo, "third");
        git(repo, "pack-refs", "--all");
        git(repo, "repack", "-a", "-d", "-q");
        git(repo, "prune-packed");
        String head = git(repo, "rev-parse", "HEAD");
        assertThat(repo.resolve(".git/refs/heads/main")).doesNotExist();
        assertThat(repo.resolve(".git/objects/" + head.substring(0, 2) + "/" + head.substring(2))).doesNotExist();

        Metadata metadata = assertFilesAgreeWithGit(repo);

        assertThat(metadata.gitCommit()).isEqualTo(head);
        assertThat(metadata.gitBranch()).isEqualTo("main");
    }

    @Test
    void collect_whenALooseRefIsNewerThanThePackedOne_givesWhatGitGives() throws Exception {
        Path repo = repository(temp.resolve("repo"), "main");
        git(repo, "pack-refs", "--all");
        commit(repo, "after packing");

        Metadata metadata = assertFilesAgreeWithGit(repo);

        assertThat(metadata.gitCommit()).isEqualTo(git(repo, "rev-parse", "HEAD"));
    }

    @Test
    void collect_inALinkedWorktree_givesWhatGitGives() throws Exception {
        Path repo = repository(temp.resolve("repo"), "main");
        git(repo, "remote", "add", "origin", "git@github.com:example-org/ml.git");
        git(repo, "worktree", "add", "-q", "-b", "feature/churn", temp.resolve("linked").toString());
        commit(temp.resolve("linked"), "on the feature branch");

        Metadata metadata = assertFilesAgreeWithGit(temp.resolve("linked"));

        assertThat(metadata.gitBranch()).isEqualTo("feature/churn");
        assertThat(metadata.gitRepository()).isEqualTo("git@github.com:example-org/ml.git");
        assertThat(metadata.gitCommit()).isNotEqualTo(git(repo, "rev-parse", "HEAD"));
    }

    @Test
    void collect_withAGitFileNamingARelativeDirectory_givesWhatGitGives() throws Exception {
        Path work = Files.createDirectories(temp.resolve("work"));
        Files.createDirectories(temp.resolve("store"));
        git(work, "init", "-q", "-b", "main", "--separate-git-dir", temp.resolve("store/work.git").toString());
        Files.writeString(work.resolve(".git"), "gitdir: ../store/work.git\n", StandardCharsets.UTF_8);
        commit(work, "initial");

        Metadata metadata = assertFilesAgreeWithGit(work);

        assertThat(metadata.gitBranch()).isEqualTo("main");
    }

    @Test
    void collect_withARelativeGitDirectoryThroughASymbolicLink_resolvesTheLinkAsGitDoes() throws Exception {
        // work/.git says "gitdir: ../link/../work.git"; link points into store/deep, so git opens
        // store/work.git, while a lexical ".." would give the decoy next to work
        Path work = Files.createDirectories(temp.resolve("work"));
        Files.createDirectories(temp.resolve("store/deep"));
        Files.createSymbolicLink(temp.resolve("link"), temp.resolve("store/deep"));
        git(work, "init", "-q", "-b", "main", "--separate-git-dir", temp.resolve("store/work.git").toString());
        Files.writeString(work.resolve(".git"), "gitdir: ../link/../work.git\n", StandardCharsets.UTF_8);
        commit(work, "the real one");
        Path decoy = repository(temp.resolve("decoy"), "decoy-branch");
        Files.move(decoy.resolve(".git"), temp.resolve("work.git"));

        Metadata metadata = assertFilesAgreeWithGit(work);

        assertThat(metadata.gitBranch()).isEqualTo("main");
        assertThat(metadata.gitCommit()).isEqualTo(git(work, "rev-parse", "HEAD"));
    }

    @Test
    void collect_onAnUnbornBranch_asksGitAndHasNoGitFields() throws Exception {
        Path repo = Files.createDirectories(temp.resolve("repo"));
        git(repo, "init", "-q", "-b", "main");

        // a branch not found may also be one this reader missed (a name in another encoding, say)
        assertThat(files(repo).head()).isEmpty();
        Metadata metadata = MetadataCollector.create(NO_CI, GitRunner.create(repo), files(repo)).collect();
        assertThat(metadata).isEqualTo(new Metadata("tester", null, null, null, null, null, null, null));
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS) // guards against a hang, times nothing
    void head_whenPackedRefsIsAPipe_asksGitInsteadOfBlocking() throws Exception {
        Path repo = repository(temp.resolve("repo"), "main");
        Process mkfifo = new ProcessBuilder("mkfifo", repo.resolve(".git/packed-refs").toString()).start();
        assumeTrue(mkfifo.waitFor() == 0, "mkfifo failed");

        assertThat(files(repo).head()).isEmpty();
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS) // guards against a hang, times nothing
    void head_whenPackedRefsLinksToAnEndlessDevice_asksGit() throws Exception {
        Path repo = repository(temp.resolve("repo"), "main");
        assumeTrue(Files.exists(Path.of("/dev/zero")), "no /dev/zero");
        Files.createSymbolicLink(repo.resolve(".git/packed-refs"), Path.of("/dev/zero"));

        assertThat(files(repo).head()).isEmpty();
    }

    @Test
    void head_whenTheCommitHasTwoCommitterLines_asksGit() throws Exception {
        Path repo = repository(temp.resolve("repo"), "main");
        String tree = git(repo, "rev-parse", "HEAD^{tree}");
        Path content = Files.writeString(temp.resolve("commit.txt"), "tree " + tree + "\n"
                + "author A <a@example.com> 1700000000 +0000\n"
                + "committer A <a@example.com> 1700000000 +0000\n"
                + "committer B <b@example.com> 1800000000 +0000\n\nforged\n", StandardCharsets.UTF_8);
        String forged = git(repo, "hash-object", "-t", "commit", "-w", "--literally", content.toString());
        git(repo, "update-ref", "refs/heads/main", forged);

        assertThat(files(repo).head()).isEmpty();
    }

    @Test
    void head_whenTheBranchNameIsNotUtf8_asksGit() throws Exception {
        Path repo = repository(temp.resolve("repo"), "main");
        // a Latin-1 name, which Java cannot spell as a file name here: the shell makes it
        Process checkout = new ProcessBuilder("sh", "-c", "git checkout -q -b \"$(printf 'caf\\351')\"")
                .directory(repo.toFile()).redirectErrorStream(true).start();
        checkout.getInputStream().readAllBytes();
        assumeTrue(checkout.waitFor() == 0, "git refused the branch name");

        assertThat(files(repo).head()).isEmpty();
    }

    @Test
    void head_whenALooseRefStartsWithABlank_asksGit() throws Exception {
        Path repo = repository(temp.resolve("repo"), "main");
        String head = git(repo, "rev-parse", "HEAD");
        Files.writeString(repo.resolve(".git/refs/heads/main"), " " + head + "\n", StandardCharsets.UTF_8);

        assertThat(files(repo).head()).isEmpty();
    }

    @Test
    void head_whenPackedRefsHasCarriageReturns_asksGit() throws Exception {
        Path repo = repository(temp.resolve("repo"), "main");
        git(repo, "pack-refs", "--all");
        Path packed = repo.resolve(".git/packed-refs");
        Files.writeString(packed, Files.readString(packed).replace("\n", "\r\n"), StandardCharsets.UTF_8);

        assertThat(files(repo).head()).isEmpty();
    }

    @Test
    void head_whenTheGlobalConfigCannotBeParsed_asksGit() throws Exception {
        Path repo = repository(temp.resolve("repo"), "main");
        Files.writeString(home.resolve(".gitconfig"), "garbage line\n", StandardCharsets.UTF_8);

        assertThat(files(repo).head()).isEmpty();
    }

    @Test
    void collect_outsideAnyRepository_hasNoGitFieldsAndRunsNoGit() throws Exception {
        Path plain = Files.createDirectories(temp.resolve("plain"));
        assumeTrue(gitOutput(plain, "rev-parse", "--is-inside-work-tree") == null, "temp dir is inside a work tree");

        Metadata metadata = assertFilesAgreeWithGit(plain);

        assertThat(metadata).isEqualTo(new Metadata("tester", null, null, null, null, null, null, null));
    }

    @Test
    void collect_throughASymbolicLink_givesWhatGitGives() throws Exception {
        Path repo = repository(temp.resolve("repo"), "main");
        Path link = Files.createSymbolicLink(temp.resolve("link"), repo);

        assertThat(assertFilesAgreeWithGit(link).gitBranch()).isEqualTo("main");
    }

    @Test
    void collect_withTheOriginSetInTheWorktreeConfig_givesWhatGitGives() throws Exception {
        Path repo = repository(temp.resolve("repo"), "main");
        git(repo, "remote", "add", "origin", "https://github.com/example-org/shared.git");
        git(repo, "config", "extensions.worktreeConfig", "true");
        git(repo, "config", "--worktree", "remote.origin.url", "https://github.com/example-org/own.git");

        assertThat(assertFilesAgreeWithGit(repo).gitRepository()).isEqualTo("https://github.com/example-org/own.git");
    }

    @Test
    void head_whenTheCommitIsMissingFromTheObjectStore_asksGit() throws Exception {
        Path repo = repository(temp.resolve("repo"), "main");
        String head = git(repo, "rev-parse", "HEAD");
        Files.delete(repo.resolve(".git/objects/" + head.substring(0, 2) + "/" + head.substring(2)));

        assertThat(files(repo).head()).isEmpty();
        assertThat(files(repo).origin()).hasValue(new GitFiles.Origin(null));
    }

    @Test
    void head_withReplaceRefs_asksGit() throws Exception {
        Path repo = repository(temp.resolve("repo"), "main");
        commit(repo, "second");
        git(repo, "replace", "HEAD", "HEAD~1");

        assertThat(files(repo).head()).isEmpty();
    }

    @Test
    void head_inASha256Repository_asksGit() throws Exception {
        Path repo = Files.createDirectories(temp.resolve("repo"));
        git(repo, "init", "-q", "-b", "main", "--object-format=sha256");
        commit(repo, "initial");

        assertThat(files(repo).head()).isEmpty();
        assertThat(files(repo).origin()).isEmpty();
    }

    @Test
    void headAndOrigin_whenVariablesMoveTheRepository_askGit() throws Exception {
        Path repo = repository(temp.resolve("repo"), "main");
        Map<String, String> env = new HashMap<>(Map.of("HOME", home.toString()));
        env.put("GIT_DIR", repo.resolve(".git").toString());

        GitFiles files = new GitFiles(repo, env, System.getProperty("user.name"), List.of());

        assertThat(files.head()).isEmpty();
        assertThat(files.origin()).isEmpty();
    }

    @Test
    void headAndOrigin_whenAnotherUserOwnsTheRepository_askGit() throws Exception {
        Path repo = repository(temp.resolve("repo"), "main");

        GitFiles files = new GitFiles(repo, Map.of("HOME", home.toString()), "someone-else", List.of());

        assertThat(files.head()).isEmpty();
        assertThat(files.origin()).isEmpty();
    }

    @Test
    void headAndOrigin_whenTheRepositoryConfigIncludesAnotherFile_askGit() throws Exception {
        Path repo = repository(temp.resolve("repo"), "main");
        git(repo, "config", "include.path", "../shared.gitconfig");

        assertThat(files(repo).head()).isEmpty();
        assertThat(files(repo).origin()).isEmpty();
    }

    @Test
    void origin_whenOnlyAGlobalConfigCouldSetIt_asksGit() throws Exception {
        Path repo = repository(temp.resolve("repo"), "main");
        Files.writeString(home.resolve(".gitconfig"), "[remote \"origin\"]\n\turl = https://example.com/global.git\n",
                StandardCharsets.UTF_8);

        assertThat(files(repo).origin()).isEmpty();
        assertThat(files(repo).head()).isPresent();
    }

    @Test
    void origin_whenTheGlobalConfigIncludesAnotherFile_asksGit() throws Exception {
        Path repo = repository(temp.resolve("repo"), "main");
        Files.createDirectories(home.resolve(".config/git"));
        Files.writeString(home.resolve(".config/git/config"), "[includeIf \"gitdir:~/work/\"]\n\tpath = work\n",
                StandardCharsets.UTF_8);

        assertThat(files(repo).origin()).isEmpty();
    }

    @Test
    void origin_whenSetByTheRepository_ignoresGlobalConfigs() throws Exception {
        Path repo = repository(temp.resolve("repo"), "main");
        git(repo, "remote", "add", "origin", "https://github.com/example-org/local.git");
        Files.writeString(home.resolve(".gitconfig"), "[include]\n\tpath = anything\n", StandardCharsets.UTF_8);

        assertThat(files(repo).origin()).hasValue(new GitFiles.Origin("https://github.com/example-org/local.git"));
    }

    @Test
    void headAndOrigin_whenTheSystemConfigIsUnknown_askGit() throws Exception {
        Path repo = repository(temp.resolve("repo"), "main");

        GitFiles files = new GitFiles(repo, Map.of("HOME", home.toString()), System.getProperty("user.name"), null);

        // a system config this reader cannot find could set the origin, or stop git altogether
        assertThat(files.origin()).isEmpty();
        assertThat(files.head()).isEmpty();
    }

    @Test
    void systemConfigs_forAGitOtherThanTheDistributionOne_isUnknown() throws Exception {
        assumeTrue(System.getProperty("os.name", "").startsWith("Linux"), "Linux only");
        Path bin = Files.createDirectories(temp.resolve("bin"));
        Path git = Files.writeString(bin.resolve("git"), "#!/bin/sh\nexit 0\n", StandardCharsets.UTF_8);
        assumeTrue(git.toFile().setExecutable(true));

        assertThat(GitFiles.systemConfigs(Map.of("PATH", bin.toString()))).isNull();
        assertThat(GitFiles.systemConfigs(Map.of("PATH", temp.resolve("empty").toString()))).isEmpty();
    }

    @Test
    void safeRefName_rejectsNamesThatCouldLeaveTheRefsDirectory() {
        assertThat(GitFiles.safeRefName("refs/heads/feature/churn-model")).isTrue();
        assertThat(GitFiles.safeRefName("refs/heads/../../config")).isFalse();
        assertThat(GitFiles.safeRefName("HEAD")).isFalse();
        assertThat(GitFiles.safeRefName("refs/heads/.hidden")).isFalse();
        assertThat(GitFiles.safeRefName("refs/heads/main.lock")).isFalse();
        assertThat(GitFiles.safeRefName("refs/heads/a\\b")).isFalse();
    }

    /**
     * The metadata from git, and from the files with a git that only records calls: they must be
     * equal, and git must not have been needed.
     */
    private Metadata assertFilesAgreeWithGit(Path workingDir) {
        Metadata viaGit = MetadataCollector.create(NO_CI, GitRunner.create(workingDir)).collect();
        List<String> gitCalls = Collections.synchronizedList(new ArrayList<>());
        GitRunner recording = args -> {
            gitCalls.add(String.join(" ", args));
            return Optional.empty();
        };

        Metadata viaFiles = MetadataCollector.create(NO_CI, recording, files(workingDir)).collect();

        assertThat(gitCalls).as("git runs").isEmpty();
        assertThat(viaFiles).isEqualTo(viaGit);
        return viaFiles;
    }

    /** The files of the repository at {@code dir}, with an empty home and no system config. */
    private GitFiles files(Path dir) {
        return new GitFiles(dir, Map.of("HOME", home.toString()), System.getProperty("user.name"), List.of());
    }

    private static String gitOutput(Path dir, String... args) {
        try {
            return git(dir, args);
        } catch (Exception e) {
            return null;
        }
    }
}
