package com.smuscicd.aws;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Reads the JSON fixtures next to these tests ({@code src/test/resources/com/smuscicd/aws/...}). */
final class AwsFixtures {

    private AwsFixtures() {
    }

    static String read(String relativePath) {
        try (InputStream in = AwsFixtures.class.getResourceAsStream(relativePath)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + relativePath);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
