package com.smuscicd.manifest;

import com.smuscicd.errors.InvalidManifestException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Reads and validates {@code pipeline.yaml}. The text is parsed with SnakeYAML in safe mode (a
 * node graph only, with alias, nesting and size limits; YAML 1.2 core scalars), checked against
 * the JSON Schema {@code smus-manifest/pipeline.schema.json}, then by the rules a schema cannot
 * express (unique names, paths inside the manifest's directory that exist). Every problem is
 * collected and reported together as {@code file:line:column: field.path message}, in file order.
 *
 * <p>Thread-safe; the compiled schema is shared.
 */
public final class ManifestLoader {

    /** Largest manifest file accepted. */
    public static final int MAX_BYTES = YamlTreeReader.MAX_CODE_POINTS;

    private final ManifestSchema schema;

    ManifestLoader(ManifestSchema schema) {
        this.schema = schema;
    }

    /** A loader using the schema shipped in this jar. */
    public static ManifestLoader create() {
        return new ManifestLoader(ManifestSchema.get());
    }

    /**
     * Loads a manifest file: UTF-8, at most {@link #MAX_BYTES}; storage paths and workflow files
     * must exist inside the file's directory.
     *
     * @throws InvalidManifestException with every problem found
     */
    public PipelineManifest load(Path file) {
        Objects.requireNonNull(file, "file");
        Problems problems = new Problems(file.toString());
        Optional<String> text = readUtf8(file, problems);
        if (text.isEmpty()) {
            throw new InvalidManifestException(problems.render());
        }
        return parse(text.get(), file, file.toAbsolutePath().getParent(), problems);
    }

    /**
     * Parses manifest text that has no directory to check paths against (e.g. the copy inside a
     * bundle): paths must be relative and stay inside, but whether they exist is not checked.
     *
     * @param sourceNameForMessages names the text in messages; becomes {@link PipelineManifest#source()}
     * @throws InvalidManifestException with every problem found
     */
    public PipelineManifest parse(String yamlText, Path sourceNameForMessages) {
        Objects.requireNonNull(yamlText, "yamlText");
        Objects.requireNonNull(sourceNameForMessages, "sourceNameForMessages");
        return parse(yamlText, sourceNameForMessages, null, new Problems(sourceNameForMessages.toString()));
    }

    private PipelineManifest parse(String text, Path source, Path baseDir, Problems problems) {
        // A byte order mark is allowed at the start of a YAML stream; SnakeYAML only skips it from a stream.
        String body = text.startsWith("\uFEFF") ? text.substring(1) : text;
        Optional<YamlTree> document = YamlTreeReader.read(body, problems);
        if (document.isEmpty()) {
            throw new InvalidManifestException(problems.render());
        }
        schema.check(document.get(), problems);
        ManifestBinder binder = new ManifestBinder(document.get(), baseDir, problems);
        binder.check();
        if (!problems.isEmpty()) {
            throw new InvalidManifestException(problems.render());
        }
        return binder.bind(source);
    }

    /**
     * The target of that name.
     *
     * @throws InvalidManifestException "unknown target 'x'; known targets: dev, prod", with a
     *     "did you mean" when a known name is close
     */
    public static PipelineManifest.Target requireTarget(PipelineManifest manifest, String name) {
        PipelineManifest.Target target = name == null ? null : manifest.targets().get(name);
        if (target != null) {
            return target;
        }
        String message = manifest.source() + ": unknown target '" + name + "'; known targets: "
                + String.join(", ", manifest.targets().keySet());
        if (name != null) {
            message += Suggestions.closest(name, manifest.targets().keySet())
                    .map(s -> "; did you mean '" + s + "'?").orElse("");
        }
        throw new InvalidManifestException(List.of(message));
    }

    /**
     * Checks an event bus name (1-256 of letters, digits, {@code . - _ /}) or event-bus ARN
     * ({@code arn:<partition>:events:<region>:<account>:event-bus/<name>}), as accepted by the
     * manifest's {@code eventBusName} and the {@code --event-bus-name} flag.
     *
     * @throws IllegalArgumentException saying what is wrong
     */
    public static void validateEventBusName(String nameOrArn) {
        EventBusNames.validate(nameOrArn);
    }

    private static Optional<String> readUtf8(Path file, Problems problems) {
        byte[] bytes;
        try {
            if (Files.isDirectory(file)) {
                problems.add(null, "is a directory; expected a pipeline manifest file");
                return Optional.empty();
            }
            long size = Files.size(file);
            if (size > MAX_BYTES) {
                problems.add(null, tooLarge(size));
                return Optional.empty();
            }
            try (InputStream in = Files.newInputStream(file)) {
                // Read one byte past the limit: the file may have grown since it was measured.
                bytes = in.readNBytes(MAX_BYTES + 1);
            }
        } catch (NoSuchFileException e) {
            problems.add(null, "file not found");
            return Optional.empty();
        } catch (AccessDeniedException e) {
            problems.add(null, "cannot be read: permission denied");
            return Optional.empty();
        } catch (IOException e) {
            problems.add(null, "cannot be read: " + e.getMessage());
            return Optional.empty();
        }
        if (bytes.length > MAX_BYTES) {
            problems.add(null, tooLarge(bytes.length));
            return Optional.empty();
        }
        return decode(bytes, problems);
    }

    private static String tooLarge(long size) {
        return "file is too large (" + size + " bytes); a manifest may be at most " + MAX_BYTES + " bytes (1 MiB)";
    }

    /** Strict UTF-8: a malformed byte is a problem at its line and column, never a silent U+FFFD. */
    private static Optional<String> decode(byte[] bytes, Problems problems) {
        if (bytes.length >= 2 && ((bytes[0] == (byte) 0xFE && bytes[1] == (byte) 0xFF)
                || (bytes[0] == (byte) 0xFF && bytes[1] == (byte) 0xFE))) {
            problems.add(null, "file is UTF-16 encoded; save it as UTF-8");
            return Optional.empty();
        }
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult result = decoder.decode(in, out, true);
        if (!result.isError()) {
            result = decoder.flush(out);
        }
        if (result.isError()) {
            int offset = in.position();
            out.flip();
            String before = out.toString();
            // The byte-order mark is no column: the parser never sees it (see parse).
            if (before.startsWith("\uFEFF")) {
                before = before.substring(1);
            }
            Position position = Position.ofCodePointIndex(before, (int) before.codePoints().count());
            problems.add(position, String.format("file is not valid UTF-8: byte 0x%02X at offset %d cannot be"
                    + " decoded; save the file as UTF-8", bytes[offset] & 0xFF, offset));
            return Optional.empty();
        }
        out.flip();
        return Optional.of(out.toString());
    }
}
