package com.smuscicd.metadata;

import com.smuscicd.text.Utf8;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What the metadata needs from git, read from the repository's files instead of by starting git:
 * a JVM's first child process costs it tens of milliseconds of a deployment. Each answer is the
 * one git gives ({@code git show -s --format=%H%n%ct%n%D HEAD}, {@code git config --get
 * remote.origin.url}) or none at all, and then the caller runs git. It answers for the usual
 * layouts: a work tree with a {@code .git} directory, a linked work tree or submodule with a
 * {@code .git} file, a branch or a detached HEAD, loose or packed refs, a loose or packed (whole)
 * commit. It leaves to git everything else it would have to second-guess: the variables that move
 * or reconfigure a repository ({@link #GIT_ENVIRONMENT}), a repository not owned by the current
 * user (git's {@code safe.directory} check), repository extensions (SHA-256, reftable, partial
 * clone), replace refs, a delta-compressed commit, config includes, and an origin URL that only a
 * global or system config file could set.
 */
final class GitFiles {

    /** Variables with which git finds, reads or configures a repository differently: with any of them set, git is asked. */
    static final Set<String> GIT_ENVIRONMENT = Set.of("GIT_DIR", "GIT_WORK_TREE", "GIT_COMMON_DIR",
            "GIT_OBJECT_DIRECTORY", "GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_CEILING_DIRECTORIES",
            "GIT_DISCOVERY_ACROSS_FILESYSTEM", "GIT_CONFIG", "GIT_CONFIG_PARAMETERS", "GIT_CONFIG_COUNT",
            "GIT_CONFIG_GLOBAL", "GIT_CONFIG_SYSTEM", "GIT_CONFIG_NOSYSTEM", "GIT_NAMESPACE", "GIT_REPLACE_REF_BASE",
            "GIT_NO_REPLACE_OBJECTS", "GIT_GRAFT_FILE", "GIT_SHALLOW_FILE", "GIT_DEFAULT_HASH", "GIT_REF_PARANOIA",
            "GIT_TEST_ASSUME_DIFFERENT_OWNER");

    /** A distribution's git, whose system config is {@code /etc/gitconfig}. */
    static final Path DISTRIBUTION_GIT = Path.of("/usr/bin/git");

    private static final Pattern OBJECT_ID = Pattern.compile("[0-9a-f]{40}");
    private static final Pattern TIME_ZONE = Pattern.compile("[+-][0-9]{4}");
    /** HEAD, a ref file, a .git file or a commondir file is a line; anything longer is not ours to read. */
    private static final int MAX_SMALL_FILE = 4096;
    private static final long MAX_PACKED_REFS = 32L * 1024 * 1024;
    private static final long MAX_CONFIG = 1024L * 1024;

    /**
     * HEAD as git shows it.
     *
     * @param commit          the commit id, or null when HEAD has no commit (or there is no repository)
     * @param commitTimestamp the committer time, ISO-8601 UTC ({@code 2025-11-04T11:30:00Z}), or null
     * @param branch          the branch HEAD is on, or null when detached
     */
    record Head(String commit, String commitTimestamp, String branch) {
        static final Head NONE = new Head(null, null, null);
    }

    /** The origin URL, or null when no config file git reads sets it. */
    record Origin(String url) {
    }

    private final Path workingDir;
    private final Map<String, String> env;
    private final String userName;
    /** The system config files git reads, or null when it is not known where they are. */
    private final List<Path> systemConfigs;

    private Repository repository;
    private boolean discovered;
    private List<GitConfigFile> outer;

    GitFiles(Path workingDir, Map<String, String> env, String userName, List<Path> systemConfigs) {
        this.workingDir = Objects.requireNonNull(workingDir, "workingDir");
        this.env = Map.copyOf(env);
        this.userName = userName;
        this.systemConfigs = systemConfigs == null ? null : List.copyOf(systemConfigs);
    }

    /**
     * The files of the repository containing {@code workingDir}, for the git that
     * {@code env}'s {@code PATH} finds and the current user.
     */
    static GitFiles create(Path workingDir, Map<String, String> env) {
        return new GitFiles(workingDir, env, System.getProperty("user.name"), systemConfigs(env));
    }

    /** HEAD as {@code git show} reports it; empty when git must be asked. */
    Optional<Head> head() {
        try {
            Repository repo = repository();
            if (repo == null) {
                return Optional.of(Head.NONE);
            }
            // git stops at a config file it cannot parse, before it looks at HEAD
            outerConfigFiles();
            return Optional.of(repo.head());
        } catch (IOException | RuntimeException e) {
            // Unsure, or anything unexpected: git answers instead
            return Optional.empty();
        }
    }

    /** {@code remote.origin.url} as {@code git config --get} reports it; empty when git must be asked. */
    Optional<Origin> origin() {
        try {
            Repository repo = repository();
            if (repo != null) {
                // the last file that sets it wins (config.worktree after config)
                for (int i = repo.configs().size() - 1; i >= 0; i--) {
                    Optional<GitConfigFile.Entry> url = repo.configs().get(i).last("remote", "origin", "url");
                    if (url.isPresent()) {
                        return Optional.of(new Origin(url.get().value()));
                    }
                }
            }
            // Not set by the repository: a global or system file could set it, or include one that does.
            for (GitConfigFile config : outerConfigFiles()) {
                if (config.last("remote", "origin", "url").isPresent()) {
                    throw new Unsure();
                }
            }
            return Optional.of(new Origin(null));
        } catch (IOException | RuntimeException e) {
            // Unsure, or anything unexpected: git answers instead
            return Optional.empty();
        }
    }

    /** The repository, found once; null when there is none (git would say "not a git repository"). */
    private Repository repository() throws IOException {
        if (!discovered) {
            repository = discover();
            discovered = true;
        }
        return repository;
    }

    /** git's discovery: up from the working directory to a {@code .git}, stopping at a file system boundary. */
    private Repository discover() throws IOException {
        for (String name : env.keySet()) {
            if (GIT_ENVIRONMENT.contains(name)) {
                throw new Unsure();
            }
        }
        // git walks up from the physical working directory (getcwd): symbolic links resolved
        Path dir = workingDir.toRealPath();
        Object device = Files.getAttribute(dir, "unix:dev");
        while (true) {
            Path dotGit = dir.resolve(".git");
            if (Files.isDirectory(dotGit)) {
                requireOwned(dir, dotGit);
                return Repository.open(dotGit);
            }
            if (Files.isRegularFile(dotGit)) {
                Path gitDir = gitFileTarget(dotGit);
                requireOwned(dir, dotGit, gitDir);
                return Repository.open(gitDir);
            }
            if (Files.exists(dotGit, LinkOption.NOFOLLOW_LINKS) || looksLikeGitDirectory(dir)) {
                // something else named .git, or a bare repository (or the inside of one): git decides
                throw new Unsure();
            }
            Path parent = dir.getParent();
            if (parent == null || !device.equals(Files.getAttribute(parent, "unix:dev"))) {
                return null;
            }
            dir = parent;
        }
    }

    /** git refuses a repository another user owns (unless safe.directory allows it): leave that to git. */
    private void requireOwned(Path... paths) throws IOException {
        for (Path path : paths) {
            if (userName == null || !userName.equals(Files.getOwner(path).getName())) {
                throw new Unsure();
            }
        }
    }

    /**
     * The directory a {@code .git} file names ({@code gitdir: <path>}, relative to the file's
     * directory), resolved as the system resolves it: a {@code ..} after a symbolic link leaves the
     * link's target, not the link.
     */
    private static Path gitFileTarget(Path dotGit) throws IOException {
        String content = readSmall(dotGit);
        if (!content.startsWith("gitdir: ")) {
            throw new Unsure();
        }
        String target = trimLineEnds(content.substring("gitdir: ".length()));
        if (target.isEmpty()) {
            throw new Unsure();
        }
        return dotGit.getParent().resolve(target).toRealPath();
    }

    private static boolean looksLikeGitDirectory(Path dir) {
        return Files.exists(dir.resolve("HEAD")) && Files.isDirectory(dir.resolve("objects"))
                && Files.isDirectory(dir.resolve("refs"));
    }

    /**
     * The global and system config files that exist, parsed once for {@link #head} and
     * {@link #origin}; {@link Unsure} when one cannot be read as git would.
     */
    private List<GitConfigFile> outerConfigFiles() throws IOException {
        if (outer == null) {
            List<GitConfigFile> parsed = new ArrayList<>();
            for (Path file : outerConfigs()) {
                readConfig(file).ifPresent(parsed::add);
            }
            outer = List.copyOf(parsed);
        }
        return outer;
    }

    /** The global config files, then the system ones (the reverse of git's order: only presence matters here). */
    private List<Path> outerConfigs() {
        if (systemConfigs == null) {
            throw new Unsure();
        }
        String home = env.get("HOME");
        if (home == null || home.isBlank()) {
            throw new Unsure();
        }
        List<Path> files = new ArrayList<>();
        String xdg = env.get("XDG_CONFIG_HOME");
        files.add(xdg != null && !xdg.isEmpty() ? Path.of(xdg, "git", "config") : Path.of(home, ".config", "git", "config"));
        files.add(Path.of(home, ".gitconfig"));
        files.addAll(systemConfigs);
        return files;
    }

    /**
     * Where the system config is, for the git on {@code PATH}: {@code /etc/gitconfig} for a Linux
     * distribution's git, none without git; null (unknown, ask git) for any other git.
     */
    static List<Path> systemConfigs(Map<String, String> env) {
        if (!System.getProperty("os.name", "").startsWith("Linux")) {
            return null;
        }
        String path = env.get("PATH");
        if (path == null) {
            return List.of();
        }
        for (String entry : path.split(":")) {
            if (entry.isEmpty()) {
                continue;
            }
            Path git = Path.of(entry, "git");
            if (Files.isRegularFile(git) && Files.isExecutable(git)) {
                try {
                    return git.toRealPath().equals(DISTRIBUTION_GIT) ? List.of(Path.of("/etc/gitconfig")) : null;
                } catch (IOException | RuntimeException e) {
                    return null;
                }
            }
        }
        return List.of();
    }

    /** A config file: empty when it does not exist; {@link Unsure} when it cannot be read as git would. */
    private static Optional<GitConfigFile> readConfig(Path file) throws IOException {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        return Optional.of(GitConfigFile.parse(read(file, MAX_CONFIG)).orElseThrow(Unsure::new));
    }

    private static String readSmall(Path file) throws IOException {
        return read(file, MAX_SMALL_FILE);
    }

    /**
     * A file of at most {@code max} bytes as strict UTF-8. A repository is input like any other:
     * a pipe or device (which would block, or never end), a larger file or bytes that are not
     * UTF-8 (which git compares as bytes) are left to git.
     */
    private static String read(Path file, long max) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new Unsure();
        }
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes((int) max + 1);
        }
        if (bytes.length > max) {
            throw new Unsure();
        }
        return Utf8.decode(bytes).orElseThrow(Unsure::new);
    }

    /** As git reads one-line files: without the trailing newlines and carriage returns. */
    private static String trimLineEnds(String text) {
        int end = text.length();
        while (end > 0 && (text.charAt(end - 1) == '\n' || text.charAt(end - 1) == '\r')) {
            end--;
        }
        return text.substring(0, end);
    }

    /**
     * A ref name this reader may turn into a path: below {@code refs/}, made of git's allowed
     * characters, with no {@code ..} or empty, hidden or {@code .lock} component.
     */
    static boolean safeRefName(String ref) {
        if (!ref.startsWith("refs/") || ref.endsWith("/") || ref.endsWith(".") || ref.contains("..")
                || ref.contains("//") || ref.contains("@{")) {
            return false;
        }
        for (int i = 0; i < ref.length(); i++) {
            char c = ref.charAt(i);
            if (c < 0x20 || c == 0x7f || " ~^:?*[\\".indexOf(c) >= 0) {
                return false;
            }
        }
        for (String component : ref.split("/")) {
            if (component.startsWith(".") || component.endsWith(".lock")) {
                return false;
            }
        }
        return true;
    }

    /** The answer "this reader cannot tell; ask git". */
    private static final class Unsure extends RuntimeException {
        Unsure() {
            super(null, null, false, false);
        }
    }

    /**
     * A repository's directories and local config files.
     *
     * @param gitDir    the work tree's git directory (HEAD, per-work-tree refs)
     * @param commonDir the directory shared by all work trees (objects, refs, config)
     * @param configs   the repository's config files git reads, in git's order
     */
    private record Repository(Path gitDir, Path commonDir, List<GitConfigFile> configs) {

        /** Opens a git directory as git's {@code is_git_directory} accepts it. */
        static Repository open(Path gitDir) throws IOException {
            Path commonDir = gitDir;
            Path commonDirFile = gitDir.resolve("commondir");
            if (Files.exists(commonDirFile)) {
                String target = trimLineEnds(readSmall(commonDirFile));
                if (target.isEmpty()) {
                    throw new Unsure();
                }
                commonDir = gitDir.resolve(target).toRealPath();
            }
            if (!Files.isRegularFile(gitDir.resolve("HEAD"), LinkOption.NOFOLLOW_LINKS)
                    || !Files.isDirectory(commonDir.resolve("objects")) || !Files.isDirectory(commonDir.resolve("refs"))
                    || Files.exists(commonDir.resolve("reftable"))) {
                throw new Unsure();
            }
            List<GitConfigFile> configs = new ArrayList<>();
            Optional<GitConfigFile> config = readConfig(commonDir.resolve("config"));
            config.ifPresent(configs::add);
            boolean worktreeConfig = false;
            for (GitConfigFile.Entry entry : config.map(GitConfigFile::entries).orElse(List.of())) {
                if (entry.section().equals("extensions")) {
                    if (!entry.key().equals("worktreeconfig")) {
                        // objectformat (SHA-256), refstorage (reftable), partialclone...: git knows what they mean
                        throw new Unsure();
                    }
                    worktreeConfig = isTrue(entry.value());
                }
                if (entry.section().equals("core") && entry.key().equals("repositoryformatversion")
                        && !"0".equals(entry.value()) && !"1".equals(entry.value())) {
                    throw new Unsure();
                }
            }
            if (worktreeConfig) {
                readConfig(gitDir.resolve("config.worktree")).ifPresent(configs::add);
            }
            return new Repository(gitDir, commonDir, List.copyOf(configs));
        }

        private static boolean isTrue(String value) {
            if (value == null) {
                return true;
            }
            String v = value.toLowerCase(Locale.ROOT);
            if (v.equals("true") || v.equals("yes") || v.equals("on") || v.equals("1")) {
                return true;
            }
            if (v.equals("false") || v.equals("no") || v.equals("off") || v.equals("0") || v.isEmpty()) {
                return false;
            }
            throw new Unsure();
        }

        Head head() throws IOException {
            if (Files.isSymbolicLink(gitDir.resolve("HEAD"))) {
                throw new Unsure();
            }
            List<String> packedRefs = packedRefs();
            String content = trimLineEnds(readSmall(gitDir.resolve("HEAD")));
            String commit;
            String branch = null;
            if (content.startsWith("ref:")) {
                String ref = content.substring("ref:".length()).strip();
                if (!safeRefName(ref)) {
                    throw new Unsure();
                }
                commit = resolve(ref, packedRefs);
                if (ref.startsWith("refs/heads/")) {
                    branch = ref.substring("refs/heads/".length());
                }
            } else if (OBJECT_ID.matcher(content).matches()) {
                commit = content;
            } else {
                throw new Unsure();
            }
            if (commit == null) {
                // an unborn branch (git show HEAD fails), or a ref this reader did not find as git
                // would (its name in another encoding, say): git says which
                throw new Unsure();
            }
            if (hasReplaceRefs(packedRefs)) {
                throw new Unsure();
            }
            String headers = GitObjects.commitHeaders(commonDir.resolve("objects"), commit).orElseThrow(Unsure::new);
            return new Head(commit, committerTime(headers), branch);
        }

        /** The commit a ref points at, or null when it does not exist. */
        private String resolve(String ref, List<String> packedRefs) throws IOException {
            Path loose = (perWorktree(ref) ? gitDir : commonDir).resolve(ref);
            if (Files.exists(loose, LinkOption.NOFOLLOW_LINKS)) {
                if (!Files.isRegularFile(loose, LinkOption.NOFOLLOW_LINKS)) {
                    throw new Unsure();
                }
                // git's parse_loose_ref_contents: an id first, then the end or a blank
                String value = readSmall(loose);
                if (value.length() < 40 || !OBJECT_ID.matcher(value.substring(0, 40)).matches()
                        || (value.length() > 40 && " \t\n\r".indexOf(value.charAt(40)) < 0)) {
                    // a symbolic ref, or something git would reject
                    throw new Unsure();
                }
                return value.substring(0, 40);
            }
            for (String line : packedRefs) {
                if (line.length() > 41 && line.charAt(40) == ' ' && line.substring(41).equals(ref)) {
                    String value = line.substring(0, 40);
                    if (!OBJECT_ID.matcher(value).matches()) {
                        throw new Unsure();
                    }
                    return value;
                }
            }
            return null;
        }

        /** Refs of one work tree alone; every other ref is shared. */
        private static boolean perWorktree(String ref) {
            return ref.startsWith("refs/bisect/") || ref.startsWith("refs/worktree/") || ref.startsWith("refs/rewritten/");
        }

        /** The lines of packed-refs, split at line feeds only, as git splits them. */
        private List<String> packedRefs() throws IOException {
            Path file = commonDir.resolve("packed-refs");
            if (!Files.exists(file)) {
                return List.of();
            }
            return List.of(read(file, MAX_PACKED_REFS).split("\n"));
        }

        /** Replace refs make git show another commit's data: leave them to git. */
        private boolean hasReplaceRefs(List<String> packedRefs) throws IOException {
            Path replace = commonDir.resolve("refs").resolve("replace");
            if (Files.exists(replace)) {
                if (!Files.isDirectory(replace)) {
                    return true;
                }
                try (DirectoryStream<Path> entries = Files.newDirectoryStream(replace)) {
                    if (entries.iterator().hasNext()) {
                        return true;
                    }
                }
            }
            return packedRefs.stream().anyMatch(line -> line.startsWith("refs/replace/", 41));
        }

        /** The committer time of a commit's headers ({@code committer Name <mail> 1730719800 +0100}) in UTC. */
        private static String committerTime(String headers) {
            if (headers.split("\ncommitter ", -1).length != 2 || headers.startsWith("committer ")) {
                // none, or several (git takes the last): git answers
                throw new Unsure();
            }
            for (String line : headers.split("\n")) {
                if (line.startsWith("committer ")) {
                    String[] when = line.substring(line.lastIndexOf('>') + 1).strip().split(" ");
                    if (when.length != 2 || when[0].isEmpty() || when[0].length() > 15
                            || !when[0].chars().allMatch(c -> c >= '0' && c <= '9') || !TIME_ZONE.matcher(when[1]).matches()) {
                        throw new Unsure();
                    }
                    return Instant.ofEpochSecond(Long.parseLong(when[0])).toString();
                }
            }
            throw new Unsure();
        }
    }
}
