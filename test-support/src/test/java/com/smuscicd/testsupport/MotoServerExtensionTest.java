package com.smuscicd.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class MotoServerExtensionTest {

    @RegisterExtension
    static final MotoServerExtension MOTO = MotoServerExtension.create();

    @Test
    void endpoint_whenStarted_isLoopbackAndAnswersMotoApi() throws IOException {
        assertThat(MOTO.endpoint().getHost()).isEqualTo("127.0.0.1");
        assertThat(MOTO.region()).isEqualTo("us-east-1");
        assertThat(status("GET", MOTO.endpoint().resolve("/moto-api/"))).isEqualTo(200);
    }

    @Test
    void reset_whenResourcesExist_removesThem() throws IOException {
        URI bucket = MOTO.endpoint().resolve("/reset-probe-bucket");
        assertThat(status("PUT", bucket)).isEqualTo(200);
        assertThat(status("HEAD", bucket)).isEqualTo(200);

        MOTO.reset();

        assertThat(status("HEAD", bucket)).isEqualTo(404);
    }

    @Test
    void start_whenMotoServerNotOnPath_failsWithInstallHint(@TempDir Path emptyDir) {
        MotoServerExtension missing = new MotoServerExtension(false, emptyDir.toString());

        assertThatThrownBy(missing::start)
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("moto_server not found on PATH: install with pip install 'moto[server]'");
    }

    @Test
    void start_whenServerExitsAtOnce_failsWithTailOfItsOutput(@TempDir Path dir) throws IOException {
        Path fake = Files.writeString(dir.resolve("moto_server"),
                "#!/bin/sh\necho 'fake moto: cannot bind' >&2\nexit 3\n", StandardCharsets.UTF_8);
        assertThat(fake.toFile().setExecutable(true)).isTrue();
        MotoServerExtension broken = new MotoServerExtension(false, dir.toString());

        assertThatThrownBy(broken::start)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("moto_server did not start: process exited with code 3")
                .hasMessageContaining("fake moto: cannot bind");
    }

    @Test
    void findOnPath_whenExecutableInLaterDirectory_findsIt(@TempDir Path dir) throws IOException {
        Path bin = Files.createDirectory(dir.resolve("bin"));
        Path executable = Files.writeString(bin.resolve("moto_server"), "#!/bin/sh\n", StandardCharsets.UTF_8);
        assertThat(executable.toFile().setExecutable(true)).isTrue();

        assertThat(MotoServerExtension.findOnPath("moto_server", dir + java.io.File.pathSeparator + bin))
                .contains(executable);
    }

    @Test
    void tail_whenLogIsLong_keepsTheLastLines(@TempDir Path dir) throws IOException {
        StringBuilder text = new StringBuilder();
        for (int i = 1; i <= 100; i++) {
            text.append("line ").append(i).append('\n');
        }
        Path log = Files.writeString(dir.resolve("moto.log"), text, StandardCharsets.UTF_8);

        String tail = MotoServerExtension.tail(log);

        assertThat(tail).startsWith("line 61").endsWith("line 100").doesNotContain("line 60\n");
    }

    private static int status(String method, URI uri) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection();
        connection.setRequestMethod(method);
        connection.setRequestProperty("Authorization",
                "AWS4-HMAC-SHA256 Credential=testing/20250101/us-east-1/s3/aws4_request");
        int status = connection.getResponseCode();
        connection.disconnect();
        return status;
    }
}
