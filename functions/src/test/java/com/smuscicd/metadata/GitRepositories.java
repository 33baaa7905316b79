package com.smuscicd.metadata;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Real repositories for tests, made with the git binary; commits are dated 2025-11-04T12:30:00+01:00. */
final class GitRepositories {

    static final String COMMIT_DATE = "2025-11-04T12:30:00+01:00";
    static final String COMMIT_DATE_UTC = "2025-11-04T11:30:00Z";

    private GitRepositories() {
    }

    static boolean gitAvailable() {
        try {
            return new ProcessBuilder("git", "--version").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** A repository on {@code branch} with one commit of {@code pipeline.yaml}. */
    static Path repository(Path dir, String branch) throws Exception {
        return repository(dir, branch, COMMIT_DATE);
    }

    /** A repository on {@code branch} with one commit of {@code pipeline.yaml} made at {@code date} (as git takes it). */
    static Path repository(Path dir, String branch, String date) throws Exception {
        Files.createDirectories(dir);
        git(dir, "init", "-q", "-b", branch);
        commit(dir, "initial", date);
        return dir;
    }

    /** Commits a change to {@code pipeline.yaml}. */
    static void commit(Path dir, String message) throws Exception {
        commit(dir, message, COMMIT_DATE);
    }

    private static void commit(Path dir, String message, String date) throws Exception {
        Files.writeString(dir.resolve("pipeline.yaml"), "pipelineName: MyPipeline # " + message + "\n",
                StandardCharsets.UTF_8);
        git(dir, "add", "pipeline.yaml");
        gitAt(date, dir, "-c", "user.name=Test", "-c", "user.email=test@example.com", "-c", "commit.gpgsign=false",
                "commit", "-q", "-m", message);
    }

    /** A git that hangs: every run of it sleeps 20 s, so a runner gives up after its 300 ms timeout. */
    static GitRunner hangingGit(Path dir) throws IOException {
        Path slowGit = Files.writeString(dir.resolve("slow-git"), "#!/bin/sh\nsleep 20\necho never\n",
                StandardCharsets.UTF_8);
        assumeTrue(slowGit.toFile().setExecutable(true));
        return GitRunner.create(slowGit.toString(), dir, Duration.ofMillis(300));
    }

    /** Runs git in {@code dir}; fails the test when it fails. */
    static String git(Path dir, String... args) throws Exception {
        return gitAt(COMMIT_DATE, dir, args);
    }

    private static String gitAt(String date, Path dir, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("git"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        env.put("GIT_COMMITTER_DATE", date);
        env.put("GIT_AUTHOR_DATE", date);
        // gc and repack must not run on their own in the middle of a test
        env.put("GIT_CONFIG_COUNT", "1");
        env.put("GIT_CONFIG_KEY_0", "gc.auto");
        env.put("GIT_CONFIG_VALUE_0", "0");
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
        }
        return output.trim();
    }
}
