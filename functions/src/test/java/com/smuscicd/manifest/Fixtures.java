package com.smuscicd.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.smuscicd.errors.InvalidManifestException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.util.List;

/** The manifest fixtures under src/test/resources/manifest/ and how tests read their problems. */
final class Fixtures {

    static final ManifestLoader LOADER = ManifestLoader.create();

    private Fixtures() {
    }

    static Path fixture(String name) {
        URL url = Fixtures.class.getResource("/manifest/" + name);
        assertThat(url).as("fixture %s", name).isNotNull();
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The problems of loading a fixture, its absolute path shortened to its name in each message. */
    static List<String> problemsOf(String name) {
        Path file = fixture(name);
        return shorten(problemsOfLoading(file), file, name);
    }

    static List<String> problemsOfLoading(Path file) {
        InvalidManifestException e = catchThrowableOfType(InvalidManifestException.class, () -> LOADER.load(file));
        assertThat(e).as("loading %s should fail", file).isNotNull();
        return e.problems();
    }

    static List<String> problemsOfParsing(String yaml) {
        InvalidManifestException e = catchThrowableOfType(InvalidManifestException.class,
                () -> LOADER.parse(yaml, Path.of("pipeline.yaml")));
        assertThat(e).as("parsing should fail:%n%s", yaml).isNotNull();
        return e.problems();
    }

    private static List<String> shorten(List<String> problems, Path file, String name) {
        String prefix = file.toString();
        return problems.stream()
                .map(p -> p.startsWith(prefix) ? name + p.substring(prefix.length()) : p)
                .toList();
    }
}
