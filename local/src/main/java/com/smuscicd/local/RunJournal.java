package com.smuscicd.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.smuscicd.deploy.DeploymentInput;
import com.smuscicd.deploy.ExecutionEnding;
import com.smuscicd.json.Json;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The states a local run went through, written down as it goes
 * ({@code <state-dir>/running/<deployment id>.jsonl}) and deleted once the deployment is settled.
 * A journal left behind is a run whose process ended without ending its deployment (SIGKILL, a
 * crash, a machine that went down): the next run on the state directory, which holds its lock and
 * so knows no other run is using it, reads the journal back and settles that deployment as a
 * stopped execution is settled, with the states it had reached.
 *
 * <p>The first line holds the execution's ARN and deployment; each further line one
 * {@link ExecutionEnding.Step}. Lines are written through to the file system as they happen (the
 * operating system keeps them when the process is killed); a line cut short by the end of the
 * process is ignored.
 */
final class RunJournal implements AutoCloseable {

    static final String DIRECTORY = "running";
    private static final Set<String> KINDS = Arrays.stream(ExecutionEnding.Kind.values()).map(Enum::name)
            .collect(Collectors.toUnmodifiableSet());

    /** Where a run's events go: {@value}, or {@value #TO_AWS} (with {@code --events-to-aws}). */
    static final String TO_LOCAL_BUS = "local";
    static final String TO_AWS = "aws";

    private final Path file;
    private final BufferedWriter writer;

    private RunJournal(Path file, BufferedWriter writer) {
        this.file = file;
        this.writer = writer;
    }

    /** Creates the journals' directory under {@code stateDir} (before anything runs). */
    static void prepare(Path stateDir) {
        try {
            Files.createDirectories(stateDir.resolve(DIRECTORY));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + stateDir.resolve(DIRECTORY) + ": " + e, e);
        }
    }

    /**
     * Starts the journal of a run of {@code deployment} under {@code stateDir}, its events going
     * {@code eventsTo} ({@link #TO_LOCAL_BUS} or {@link #TO_AWS}): a deployment is settled where its
     * other events went. A journal that cannot be written does not stop the run: it goes on
     * without one, with a warning (if it is then killed, nothing settles it).
     */
    static RunJournal start(Path stateDir, String executionArn, DeploymentInput deployment, String eventsTo) {
        Path file = stateDir.resolve(DIRECTORY).resolve(deployment.deploymentId() + ".jsonl");
        try {
            Files.createDirectories(file.getParent());
            RunJournal journal = new RunJournal(file, Files.newBufferedWriter(file, StandardCharsets.UTF_8));
            journal.line(Map.of("executionArn", executionArn, "deployment", deployment, "eventsTo", eventsTo));
            return journal;
        } catch (IOException e) {
            System.err.println("warning: cannot write " + file + " (" + e + "): should this run be killed, the next"
                    + " one cannot end its deployment");
            return new RunJournal(null, null);
        }
    }

    /** Writes {@code step} down (as a tree: no bean introspection on the way, a run's start pays for it). */
    synchronized void record(ExecutionEnding.Step step) {
        if (writer == null) {
            return;
        }
        ObjectNode node = Json.mapper().createObjectNode();
        node.put("state", step.state()).put("type", step.type()).put("kind", step.kind().name());
        node.set("data", step.data());
        line(node);
    }

    private void line(Object value) {
        if (writer == null) {
            return;
        }
        try {
            writer.write(Json.write(value));
            writer.write('\n');
            writer.flush();
        } catch (IOException e) {
            // the journal only matters if the process is killed: the run goes on without it
        }
    }

    /**
     * The deployment has its terminal event (the run reached it, or the lifecycle settled it): a
     * journal left behind after this line is not settled again.
     */
    synchronized void settled() {
        line(Map.of("settled", true));
    }

    /** The run is over: the journal goes. */
    @Override
    public synchronized void close() {
        if (writer == null) {
            return;
        }
        try {
            writer.close();
        } catch (IOException e) {
            // deleted below all the same
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // left behind, it is settled again by the next run: the lifecycle then finds it ended
        }
    }

    /**
     * A run found left behind: its execution, deployment (null when its first line was cut short),
     * the states it went through, and whether its deployment was settled all the same.
     */
    record Left(Path file, String executionArn, DeploymentInput deployment, List<ExecutionEnding.Step> steps,
                boolean settled, String eventsTo) {

        /** Writes down that the deployment is now settled: should this run be stopped too, it is not settled twice. */
        void markSettled() {
            try {
                // on a line of its own even after a line the killed run cut short
                Files.writeString(file, "\n" + Json.write(Map.of("settled", true)) + "\n", StandardCharsets.UTF_8,
                        java.nio.file.StandardOpenOption.APPEND);
            } catch (IOException e) {
                // deleted right after; should that fail too, the lifecycle finds the deployment ended
            }
        }
    }

    /** Deletes a journal left behind, once settled. */
    static void forget(Left left) {
        try {
            Files.deleteIfExists(left.file());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + left.file() + ": " + e.getMessage(), e);
        }
    }

    /** The journals left under {@code stateDir} by runs that did not end, oldest first. */
    static List<Left> leftBehind(Path stateDir) {
        Path dir = stateDir.resolve(DIRECTORY);
        List<Left> left = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return left;
        }
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, "*.jsonl")) {
            entries.forEach(files::add);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
        }
        files.sort((a, b) -> Long.compare(modified(a), modified(b)));
        for (Path file : files) {
            left.add(read(file));
        }
        return left;
    }

    private static Left read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        String executionArn = null;
        String eventsTo = TO_LOCAL_BUS;
        DeploymentInput deployment = null;
        List<ExecutionEnding.Step> steps = new ArrayList<>();
        boolean settled = false;
        for (String line : lines) {
            JsonNode node;
            try {
                node = Json.read(line);
            } catch (RuntimeException e) {
                continue; // cut short when the process ended
            }
            if (!node.isObject()) {
                continue; // blank
            }
            if (deployment == null) {
                if (node.path("deployment").isObject()) {
                    executionArn = node.path("executionArn").asText(null);
                    eventsTo = node.path("eventsTo").asText(TO_LOCAL_BUS);
                    deployment = Json.mapper().convertValue(node.get("deployment"), DeploymentInput.class);
                }
                continue;
            }
            if (node.path("settled").asBoolean(false)) {
                settled = true;
            } else if (node.path("state").isTextual() && node.path("type").isTextual()
                    && KINDS.contains(node.path("kind").asText())) {
                steps.add(new ExecutionEnding.Step(node.path("state").asText(), node.path("type").asText(),
                        ExecutionEnding.Kind.valueOf(node.path("kind").asText()), node.get("data")));
            }
        }
        return new Left(file, executionArn, deployment, steps, settled, eventsTo);
    }

    private static long modified(Path file) {
        try {
            return Files.getLastModifiedTime(file).toMillis();
        } catch (IOException e) {
            return 0;
        }
    }
}
