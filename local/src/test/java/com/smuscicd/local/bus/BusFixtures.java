package com.smuscicd.local.bus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.smuscicd.events.DeploymentEvent;
import com.smuscicd.events.EventDetail;
import com.smuscicd.events.schema.EventContract;
import com.smuscicd.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Test inputs: the contract's example events as {@link DeploymentEvent}s, and the rule fixtures. */
final class BusFixtures {

    private BusFixtures() {
    }

    /** Long enough for any test delivery; a drain that needs it all is a failure, not a slow test. */
    static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(30);

    /** Waits for the bus's background deliveries, as a deployment does before reading its files. */
    static void drain(LocalEventBus bus) {
        if (!bus.drain(DRAIN_TIMEOUT)) {
            throw new AssertionError("the bus did not finish its deliveries within " + DRAIN_TIMEOUT);
        }
    }

    /** The example event of a detail-type, as the emitter would hand it to a publisher. */
    static DeploymentEvent example(String detailType) {
        return fromEnvelope(EventContract.example(detailType));
    }

    /** The example of {@code detailType} with another id and pipeline name (any text, even unencodable). */
    static DeploymentEvent example(String detailType, String id, String pipelineName) {
        ObjectNode envelope = EventContract.example(detailType).deepCopy();
        envelope.put("id", id);
        ((ObjectNode) envelope.get("detail")).put("pipelineName", pipelineName);
        return fromEnvelope(envelope);
    }

    /** An event of {@code src/test/resources/bus/events/}, given there as its full envelope. */
    static DeploymentEvent event(String fileName) {
        try {
            return fromEnvelope(Json.mapper().readTree(Files.readString(resource("events/" + fileName))));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static DeploymentEvent fromEnvelope(JsonNode envelope) {
        List<String> resources = new ArrayList<>();
        envelope.get("resources").forEach(r -> resources.add(r.asText()));
        return new DeploymentEvent(envelope.get("id").asText(), envelope.get("detail-type").asText(),
                envelope.get("source").asText(), Instant.parse(envelope.get("time").asText()), resources,
                Json.convert(envelope.get("detail"), EventDetail.class));
    }

    /** One example per detail-type, in the spec's table order. */
    static List<DeploymentEvent> allExamples() {
        return EventContract.DETAIL_TYPES.stream().map(BusFixtures::example).toList();
    }

    /** Detail-types the spec's patterns match among the examples, by pattern name. */
    static JsonNode patternExpectations() {
        try (var in = BusFixtures.class.getClassLoader().getResourceAsStream("smus-events/patterns/expectations.json")) {
            return Json.mapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A file or directory under {@code src/test/resources/bus/}. */
    static Path resource(String relative) {
        URL url = BusFixtures.class.getResource("/bus/" + relative);
        if (url == null) {
            throw new IllegalArgumentException("no test resource bus/" + relative);
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The lines of a JSON-lines file, parsed. */
    static List<JsonNode> jsonLines(Path file) {
        try {
            return Files.readAllLines(file).stream().map(Json::read).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The detail-types of the envelopes in a JSON-lines file. */
    static List<String> detailTypes(Path file) {
        return jsonLines(file).stream().map(e -> e.get("detail-type").asText()).toList();
    }

    /** Every event in the archive (every line of every file under it), in file-name then line order. */
    static List<JsonNode> archivedEvents(Path archiveDir) {
        return filesUnder(archiveDir).stream().flatMap(f -> jsonLines(archiveDir.resolve(f)).stream()).toList();
    }

    /** The archived event of this id, whichever file holds it; fails unless there is exactly one. */
    static JsonNode archivedEvent(Path archiveDir, String id) {
        List<JsonNode> found = archivedEvents(archiveDir).stream().filter(e -> e.path("id").asText().equals(id)).toList();
        if (found.size() != 1) {
            throw new AssertionError("expected one archived event " + id + ", found " + found.size());
        }
        return found.get(0);
    }

    /** Every regular file under a directory, relative to it, with '/' separators. */
    static List<String> filesUnder(Path dir) {
        if (!Files.exists(dir)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile)
                    .map(p -> dir.relativize(p).toString().replace('\\', '/'))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
