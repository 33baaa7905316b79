package com.smuscicd.testsupport;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.regions.Region;

/**
 * Runs a real {@code moto_server} on a free 127.0.0.1 port for the tests of one class.
 *
 * <p>Register it as a static field so that it starts once before the class and stops after it:
 * <pre>{@code
 * @RegisterExtension
 * static final MotoServerExtension MOTO = MotoServerExtension.create().resetBeforeEach();
 * }</pre>
 * then point SDK clients at it with {@link #configure(AwsClientBuilder)}. Fails the class with a
 * clear message when {@code moto_server} is not installed, and with the tail of moto's own output
 * when it does not answer within {@link #STARTUP_TIMEOUT}.
 */
public final class MotoServerExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback {

    /** How long moto may take to answer after it was started. */
    public static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(30);

    static final String EXECUTABLE = "moto_server";
    static final String MISSING_MESSAGE =
            "moto_server not found on PATH: install with pip install 'moto[server]'";

    private static final String REGION = "us-east-1";
    private static final int LOG_TAIL_LINES = 40;
    // A port picked as free can be taken before moto binds it; a second port almost always works.
    private static final int START_TRIES = 3;

    private final boolean resetBeforeEach;
    private final String searchPath;
    private Process process;
    private Thread shutdownHook;
    private Path log;
    private int port;

    MotoServerExtension(boolean resetBeforeEach, String searchPath) {
        this.resetBeforeEach = resetBeforeEach;
        this.searchPath = searchPath;
    }

    /** An extension that keeps moto's state across the tests of a class. */
    public static MotoServerExtension create() {
        return new MotoServerExtension(false, System.getenv("PATH"));
    }

    /** A copy of this extension that wipes all of moto's state before each test. */
    public MotoServerExtension resetBeforeEach() {
        return new MotoServerExtension(true, searchPath);
    }

    /** The endpoint every service of the running server answers on, e.g. {@code http://127.0.0.1:53211}. */
    public URI endpoint() {
        if (process == null) {
            throw new IllegalStateException("moto_server is not running: register the extension on a static field");
        }
        return URI.create("http://127.0.0.1:" + port);
    }

    /** The region the tests use. */
    public String region() {
        return REGION;
    }

    /**
     * Points an SDK client builder at this server: endpoint, region and static test credentials.
     * The caller still chooses the HTTP client.
     */
    public <B extends AwsClientBuilder<B, C>, C> B configure(B builder) {
        return builder
                .endpointOverride(endpoint())
                .region(Region.of(REGION))
                .credentialsProvider(AwsTestCredentials.provider());
    }

    /** Wipes every resource moto holds (all services, all accounts). */
    public void reset() {
        try {
            HttpURLConnection connection = (HttpURLConnection) endpoint().resolve("/moto-api/reset").toURL()
                    .openConnection();
            connection.setRequestMethod("POST");
            connection.setConnectTimeout(2_000);
            connection.setReadTimeout(10_000);
            int status = connection.getResponseCode();
            connection.disconnect();
            if (status != 200) {
                throw new IllegalStateException("moto reset answered HTTP " + status);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("moto reset failed", e);
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        start();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (resetBeforeEach) {
            reset();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        stop();
        if (log != null) {
            Files.deleteIfExists(log);
        }
    }

    void start() throws IOException, InterruptedException {
        if (process != null) {
            return;
        }
        Path executable = findOnPath(EXECUTABLE, searchPath)
                .orElseThrow(() -> new IllegalStateException(MISSING_MESSAGE));
        log = Files.createTempFile("moto-server-", ".log");
        String failure = null;
        for (int attempt = 1; attempt <= START_TRIES; attempt++) {
            port = freePort();
            process = new ProcessBuilder(executable.toString(), "-H", "127.0.0.1", "-p", Integer.toString(port))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
            failure = awaitReady();
            if (failure == null) {
                // A JVM killed mid-class never runs afterAll: do not leave moto behind.
                Process started = process;
                shutdownHook = new Thread(() -> destroyTree(started), "moto-server-stop");
                Runtime.getRuntime().addShutdownHook(shutdownHook);
                return;
            }
            stop();
        }
        throw new IllegalStateException("moto_server did not start: " + failure + "\n--- tail of " + log + " ---\n"
                + tail(log));
    }

    void stop() {
        Process running = process;
        process = null;
        if (running == null) {
            return;
        }
        if (shutdownHook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException e) {
                // already shutting down: the hook stops it
            }
            shutdownHook = null;
        }
        destroyTree(running);
    }

    private static void destroyTree(Process running) {
        // The pyenv shim may run moto as a child: stop the whole tree, children first.
        List<ProcessHandle> descendants = running.descendants().toList();
        descendants.forEach(ProcessHandle::destroy);
        running.destroy();
        try {
            if (!running.waitFor(5, TimeUnit.SECONDS)) {
                running.destroyForcibly();
                running.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        descendants.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }

    /** Null when moto answers, otherwise why it did not. */
    private String awaitReady() throws InterruptedException {
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                return "process exited with code " + process.exitValue() + " (port " + port + ")";
            }
            if (answers()) {
                return null;
            }
            Thread.sleep(100);
        }
        return "no answer on port " + port + " within " + STARTUP_TIMEOUT.toSeconds() + " s";
    }

    private boolean answers() {
        try {
            HttpURLConnection connection = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + "/moto-api/")
                    .toURL().openConnection();
            connection.setConnectTimeout(500);
            connection.setReadTimeout(2_000);
            int status = connection.getResponseCode();
            connection.disconnect();
            return status == 200;
        } catch (IOException e) {
            return false;
        }
    }

    static Optional<Path> findOnPath(String name, String path) {
        if (path == null || path.isBlank()) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isBlank()) {
                continue;
            }
            Path candidate = Path.of(dir, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    static String tail(Path file) {
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
        } catch (IOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
