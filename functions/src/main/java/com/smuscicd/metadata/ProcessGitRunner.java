package com.smuscicd.metadata;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Runs git as a child process with a timeout; stderr is discarded, stdout read concurrently. */
final class ProcessGitRunner implements GitRunner {

    // Refs and remote URLs are short; a cap keeps a misbehaving git from filling memory.
    private static final int MAX_OUTPUT_BYTES = 64 * 1024;

    private final String executable;
    private final Path workingDir;
    private final Duration timeout;

    ProcessGitRunner(String executable, Path workingDir, Duration timeout) {
        this.executable = Objects.requireNonNull(executable, "executable");
        this.workingDir = workingDir;
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    @Override
    public Optional<String> run(String... args) {
        List<String> command = new ArrayList<>(args.length + 1);
        command.add(executable);
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .redirectInput(ProcessBuilder.Redirect.from(nullDevice()));
        if (workingDir != null) {
            builder.directory(workingDir.toFile());
        }
        // Never wait for a credential prompt or a pager: there is no one to answer.
        builder.environment().put("GIT_TERMINAL_PROMPT", "0");
        builder.environment().put("GIT_PAGER", "cat");
        builder.environment().put("LC_ALL", "C");
        Process process;
        try {
            process = builder.start();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
        CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> read(process.getInputStream()));
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                return Optional.empty();
            }
            if (process.exitValue() != 0) {
                return Optional.empty();
            }
            String text = output.get(timeout.toMillis(), TimeUnit.MILLISECONDS).trim();
            return text.isEmpty() ? Optional.empty() : Optional.of(text);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            return Optional.empty();
        } catch (ExecutionException | TimeoutException e) {
            process.destroyForcibly();
            return Optional.empty();
        }
    }

    private static String read(InputStream stream) {
        try (stream) {
            byte[] bytes = stream.readNBytes(MAX_OUTPUT_BYTES);
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static File nullDevice() {
        return new File(System.getProperty("os.name", "").startsWith("Windows") ? "NUL" : "/dev/null");
    }
}
