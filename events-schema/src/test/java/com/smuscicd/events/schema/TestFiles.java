package com.smuscicd.events.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Test access to fixtures and to the shipped resource directories. */
final class TestFiles {

    private TestFiles() {
    }

    /** A fixture next to the tests, e.g. {@code minimal-started-detail.json}. */
    static ObjectNode fixture(String name) {
        return (ObjectNode) ContractResources.readJson("com/smuscicd/events/schema/" + name);
    }

    /** The file names in a shipped resource directory (the tests run against target/classes). */
    static List<String> fileNames(String resourceDirectory) {
        try {
            Path dir = Path.of(TestFiles.class.getClassLoader().getResource(resourceDirectory).toURI());
            try (Stream<Path> files = Files.list(dir)) {
                return files.map(p -> p.getFileName().toString()).sorted().toList();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The detail of the example of a detail-type, as a modifiable copy. */
    static ObjectNode exampleDetail(String detailType) {
        return (ObjectNode) EventContract.example(detailType).get("detail");
    }

    static JsonNode json(String text) {
        try {
            return ContractResources.MAPPER.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
