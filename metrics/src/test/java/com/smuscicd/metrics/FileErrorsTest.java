package com.smuscicd.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.EOFException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileErrorsTest {

    @TempDir
    Path temp;

    @Test
    void reason_whenTheFileIsMissing_saysSoWithoutRepeatingThePath() {
        Path missing = temp.resolve("nope.json");

        assertThatThrownBy(() -> Files.readAllBytes(missing)).isInstanceOfSatisfying(IOException.class,
                e -> assertThat(FileErrors.reason(e)).isEqualTo("no such file or directory"));
    }

    @Test
    void reason_whenAParentIsAFile_saysNotADirectory() throws IOException {
        Path file = Files.writeString(temp.resolve("file"), "x");

        assertThatThrownBy(() -> Files.createDirectories(file.resolve("sub"))).isInstanceOfSatisfying(IOException.class,
                e -> assertThat(FileErrors.reason(e)).isEqualTo("not a directory"));
    }

    @Test
    void reason_whenPermissionDenied_saysSo() {
        // thrown by hand: the tests may run as root, whom no permission stops
        assertThat(FileErrors.reason(new AccessDeniedException("/etc/shadow"))).isEqualTo("permission denied");
    }

    @Test
    void reason_whenTextIsNotUtf8_saysSoRatherThanTheDecodersInputLength() throws IOException {
        Path latin1 = Files.write(temp.resolve("latin1.json"), new byte[] {'{', (byte) 0xE9, '}'});

        assertThatThrownBy(() -> Files.readString(latin1)).isInstanceOfSatisfying(IOException.class,
                e -> assertThat(FileErrors.reason(e)).isEqualTo("not valid UTF-8"));
    }

    @Test
    void reason_whenAnotherError_keepsItsMessage() {
        assertThat(FileErrors.reason(new EOFException("Unexpected end of ZLIB input stream")))
                .isEqualTo("Unexpected end of ZLIB input stream");
        assertThat(FileErrors.reason(new IOException())).isEqualTo("IOException");
        assertThat(FileErrors.reason(new EOFException())).isEqualTo("unexpected end of file");
    }
}
