package com.smuscicd.metadata;

import com.smuscicd.events.Metadata;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Collects the {@code metadata} of deployment events: the user, git commit/branch/repository and
 * the CI platform's run. It is an allow-list: only these fields are read, never a dump of the
 * environment, and every URL is stripped of credentials. A field whose inputs are missing is left
 * out. The git fields are read from the repository's files where those settle them as git would
 * ({@link GitFiles}), and from git otherwise; no repository, or no git binary when git has to be
 * asked, means no git fields, not an error.
 */
public final class MetadataCollector {

    private final Map<String, String> env;
    private final GitRunner git;
    /** Answers without a git process when it can; null: git answers everything. */
    private final GitFiles files;
    private final String systemUser;

    MetadataCollector(Map<String, String> env, GitRunner git, String systemUser) {
        this(env, git, null, systemUser);
    }

    MetadataCollector(Map<String, String> env, GitRunner git, GitFiles files, String systemUser) {
        this.env = Map.copyOf(Objects.requireNonNull(env, "env"));
        this.git = Objects.requireNonNull(git, "git");
        this.files = files;
        this.systemUser = systemUser;
    }

    /**
     * A collector over this process's environment and the git repository containing
     * {@code workingDir}, read from the repository's files where they settle the answer, by
     * running git otherwise.
     */
    public static MetadataCollector fromEnvironment(Path workingDir) {
        Map<String, String> env = System.getenv();
        return create(env, GitRunner.create(workingDir), GitFiles.create(workingDir, env));
    }

    /** A collector over the given environment variables and git runner. */
    public static MetadataCollector create(Map<String, String> env, GitRunner git) {
        return create(env, git, null);
    }

    /** As {@link #create(Map, GitRunner)}, asking {@code files} before git (null: git only). */
    static MetadataCollector create(Map<String, String> env, GitRunner git, GitFiles files) {
        return new MetadataCollector(env, git, files, System.getProperty("user.name"));
    }

    /** Collects the metadata; never throws. */
    public Metadata collect() {
        Optional<CiRun> ci = CiRun.detect(env);
        GitFiles.Head head = (files == null ? Optional.<GitFiles.Head>empty() : files.head())
                .orElseGet(this::headFromGit);
        String commit = head.commit() != null ? head.commit() : ci.map(CiRun::commit).orElse(null);
        // CI checkouts are usually detached: the platform knows the branch.
        String branch = ci.map(CiRun::branch).orElse(head.branch());
        String repository = RemoteUrls.repositoryUrl(originUrl().orElse(ci.map(CiRun::repository).orElse(null)));
        String commitTimestamp = head.commitTimestamp();
        return new Metadata(
                user(),
                commit,
                branch,
                repository,
                ci.map(CiRun::platform).orElse(null),
                ci.map(CiRun::runId).orElse(null),
                ci.map(run -> RemoteUrls.stripCredentials(run.runUrl())).orElse(null),
                commitTimestamp);
    }

    /** {@code remote.origin.url}: from the config files when they settle it, else from git. */
    private Optional<String> originUrl() {
        Optional<GitFiles.Origin> known = files == null ? Optional.empty() : files.origin();
        if (known.isPresent()) {
            return Optional.ofNullable(known.get().url()).filter(MetadataCollector::present).map(String::trim);
        }
        return gitValue("config", "--get", "remote.origin.url");
    }

    /** HEAD from one git process: each costs milliseconds of a deployment, the first one tens. */
    private GitFiles.Head headFromGit() {
        // %D lists the refs at HEAD, e.g. "HEAD -> main"; a detached HEAD has no "HEAD -> ". The
        // decoration options keep the user's log.decorate / log.excludeDecoration from changing it.
        // %ct (seconds since the epoch), not %cI: git takes zone offsets beyond the +/-18:00 Java parses.
        String[] head = gitValue("show", "-s", "--format=%H%n%ct%n%D", "--decorate=short", "--decorate-refs=HEAD",
                "--decorate-refs=refs/heads/", "HEAD").map(v -> v.split("\\R", -1))
                .orElse(new String[0]);
        String commit = head.length > 0 && present(head[0]) ? head[0].trim() : null;
        String timestamp = head.length > 1 ? utc(head[1].trim()).orElse(null) : null;
        String branch = head.length > 2 ? branchOf(head[2]).orElse(null) : null;
        return new GitFiles.Head(commit, timestamp, branch);
    }

    /** The branch HEAD points at, from git's {@code %D} ("HEAD -> main, origin/main"); empty when detached. */
    static Optional<String> branchOf(String refs) {
        String marker = "HEAD -> ";
        int at = refs.indexOf(marker);
        if (at < 0) {
            return Optional.empty();
        }
        String rest = refs.substring(at + marker.length());
        int comma = rest.indexOf(", ");
        String branch = (comma < 0 ? rest : rest.substring(0, comma)).trim();
        return branch.isEmpty() ? Optional.empty() : Optional.of(branch);
    }

    private String user() {
        for (String name : new String[] {"USER", "USERNAME"}) {
            String value = env.get(name);
            if (present(value)) {
                return value.trim();
            }
        }
        return present(systemUser) ? systemUser.trim() : null;
    }

    private Optional<String> gitValue(String... args) {
        try {
            return git.run(args).filter(MetadataCollector::present).map(String::trim);
        } catch (RuntimeException e) {
            // A runner is not supposed to throw; metadata must never fail a deployment if one does.
            return Optional.empty();
        }
    }

    /** The committer date ({@code %ct}, seconds since the epoch) as an ISO-8601 UTC instant, e.g. {@code 2025-11-04T11:30:00Z}. */
    private static Optional<String> utc(String epochSeconds) {
        try {
            return Optional.of(Instant.ofEpochSecond(Long.parseLong(epochSeconds)).toString());
        } catch (NumberFormatException | DateTimeException e) {
            return Optional.empty();
        }
    }

    /** Whether a value is usable: not null, not blank, and not a stringified null. */
    static boolean present(String value) {
        if (value == null || value.isBlank()) {
            return false;
        }
        String trimmed = value.trim().toLowerCase(Locale.ROOT);
        return !trimmed.equals("none") && !trimmed.equals("null") && !trimmed.equals("undefined");
    }
}
