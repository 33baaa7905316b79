package com.smuscicd.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.smuscicd.json.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;
import software.amazon.event.ruler.Machine;

/**
 * Tells which events an EventBridge event pattern matches, offline, with AWS's own matcher
 * (event-ruler): like {@code aws events test-event-pattern}, but over one event or a whole archive.
 */
public final class PatternTester {

    private static final String RULE = "pattern";

    private final Machine machine;

    private PatternTester(Machine machine) {
        this.machine = machine;
    }

    /**
     * A tester for {@code patternJson}.
     *
     * @throws InvalidPatternException with event-ruler's message when it refuses the pattern
     */
    public static PatternTester create(String patternJson) {
        Machine machine = Machine.builder().build();
        try {
            machine.addRule(RULE, patternJson);
        } catch (IOException | RuntimeException e) {
            String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            throw new InvalidPatternException(message, e);
        }
        return new PatternTester(machine);
    }

    /**
     * Whether the pattern matches {@code eventJson}, a full EventBridge envelope.
     *
     * @throws IllegalArgumentException when {@code eventJson} is not a JSON object
     */
    public boolean matches(String eventJson) {
        try {
            return !machine.rulesForJSONEvent(eventJson).isEmpty();
        } catch (Exception e) {
            throw new IllegalArgumentException("not a JSON event: " + e.getMessage(), e);
        }
    }

    /** The outcome of testing a pattern against many events. */
    public record Outcome(long events, long duplicates, List<Match> matches, List<ArchiveProblem> problems) {
    }

    /** A matching event: its id, detail-type and where it came from. */
    public record Match(String id, String detailType, String pipelineName, String deploymentId, Long sequence,
                        Path file) {
    }

    /**
     * Tests every event of an archive directory (each distinct event once, like {@code smus_events}),
     * calling {@code onMatch} as matches are found; files are read in path order.
     */
    public Outcome testArchive(Path dir, Consumer<Match> onMatch) {
        if (!Files.isDirectory(dir)) {
            throw new ArchiveNotFoundException(dir);
        }
        List<Path> files = archiveFiles(dir);
        Set<String> seen = new HashSet<>();
        List<Match> matches = new ArrayList<>();
        List<ArchiveProblem> problems = new ArrayList<>();
        long events = 0;
        long duplicates = 0;
        for (Path file : files) {
            long lineNo = 0;
            long bad = 0;
            long firstBad = 0;
            String firstMessage = null;
            try (BufferedReader reader = reader(file)) {
                String line;
                while ((line = reader.readLine()) != null) {
                    lineNo++;
                    if (line.isBlank()) {
                        continue;
                    }
                    JsonNode node = null;
                    String problem;
                    try {
                        node = Json.mapper().readTree(line);
                        problem = LineValidator.problemOf(node);
                    } catch (IOException e) {
                        problem = "not valid JSON: " + originalMessage(e);
                    }
                    if (problem != null) {
                        if (bad++ == 0) {
                            firstBad = lineNo;
                            firstMessage = problem;
                        }
                        continue;
                    }
                    String key = dedupKey(node);
                    if (!seen.add(key)) {
                        duplicates++;
                        continue;
                    }
                    events++;
                    if (!machine.rulesForJSONEvent(node).isEmpty()) {
                        Match match = toMatch(node, file);
                        matches.add(match);
                        onMatch.accept(match);
                    }
                }
            } catch (IOException e) {
                throw new ArchiveException("cannot read " + file + ": " + e.getMessage(), e);
            }
            if (bad > 0) {
                problems.add(new ArchiveProblem(file, bad, firstBad, firstMessage));
            }
        }
        return new Outcome(events, duplicates, matches, problems);
    }

    /** The match of a single event, or null when the pattern does not match it. */
    public Match testEvent(String eventJson, Path file) {
        JsonNode node;
        try {
            node = Json.mapper().readTree(eventJson);
        } catch (IOException e) {
            throw new IllegalArgumentException(file + " is not a JSON event: " + originalMessage(e), e);
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException(file + " is not a JSON object");
        }
        return matches(Json.write(node)) ? toMatch(node, file) : null;
    }

    private static String originalMessage(IOException e) {
        return e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? LineValidator.shortMessage(j)
                : e.getMessage();
    }

    private static String dedupKey(JsonNode node) {
        JsonNode detail = node.path("detail");
        JsonNode deploymentId = detail.get("deploymentId");
        JsonNode sequence = detail.get("sequence");
        if (deploymentId != null && deploymentId.isTextual() && sequence != null && sequence.isNumber()) {
            return deploymentId.asText() + "#" + sequence.asLong();
        }
        return "id:" + node.path("id").asText();
    }

    private static Match toMatch(JsonNode node, Path file) {
        JsonNode detail = node.path("detail");
        JsonNode sequence = detail.get("sequence");
        return new Match(text(node.get("id")), text(node.get("detail-type")), text(detail.get("pipelineName")),
                text(detail.get("deploymentId")), sequence != null && sequence.isNumber() ? sequence.asLong() : null,
                file);
    }

    private static String text(JsonNode node) {
        return node == null || node.isNull() ? null : node.asText();
    }

    private static BufferedReader reader(Path file) throws IOException {
        InputStream in = Files.newInputStream(file);
        if (file.getFileName().toString().endsWith(".gz")) {
            in = new GZIPInputStream(in);
        }
        return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    }

    private static List<Path> archiveFiles(Path dir) {
        List<Path> files = new ArrayList<>();
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
                    Path name = d.getFileName();
                    boolean hidden = !d.equals(dir) && name != null && name.toString().startsWith(".");
                    return hidden ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
                    if (attrs.isRegularFile() && !name.startsWith(".")
                            && (name.endsWith(".json") || name.endsWith(".json.gz"))) {
                        files.add(file);
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        files.sort(null);
        return files;
    }
}
