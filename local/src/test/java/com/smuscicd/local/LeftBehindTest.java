package com.smuscicd.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.smuscicd.deploy.BundleStore;
import com.smuscicd.deploy.DeployFunctions;
import com.smuscicd.deploy.S3Location;
import com.smuscicd.events.DeploymentEvent;
import com.smuscicd.events.EventPublisher;
import com.smuscicd.json.Json;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run killed in the middle (SIGKILL: no hook runs) leaves its journal; the next run on the state
 * directory settles the deployment, where the killed run's events went. A killed run is made here
 * by keeping its journal as it stood while BundleUpload was running, then putting it back after the
 * run ended.
 */
class LeftBehindTest {

    private static final Path SEED = DeploymentScenario.EXAMPLE.resolveSibling("local-account.json");

    @TempDir
    Path stateDir;

    /** Every event published through it, by bus. */
    private static final class Recording implements Function<String, EventPublisher> {
        final List<DeploymentEvent> events = new ArrayList<>();

        @Override
        public EventPublisher apply(String bus) {
            return batch -> {
                synchronized (events) {
                    events.addAll(batch);
                }
                return new EventPublisher.PublishResult(batch.size(), List.of());
            };
        }
    }

    /**
     * Deploys dev (its events to {@code publisherForBus}, null: the local bus) and leaves behind the
     * journal it had while BundleUpload ran; returns the killed deployment's id.
     */
    private String killedInBundleUpload(Function<String, EventPublisher> publisherForBus) throws Exception {
        CountDownLatch inUpload = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        UnaryOperator<DeployFunctions> held = f -> new DeployFunctions(f.publisherForBus(), f.dataZone(),
                new BundleStore() {
                    @Override
                    public InputStream open(S3Location location, String versionId) {
                        return f.bundles().open(location, versionId);
                    }

                    @Override
                    public PutOutcome put(S3Location location, byte[] content, String sha256Hex) {
                        inUpload.countDown();
                        try {
                            release.await(30, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        return f.bundles().put(location, content, sha256Hex);
                    }
                }, f.workflows(), f.clock(), f.maxBundleBytes());
        CompletableFuture<LocalRun> run = CompletableFuture.supplyAsync(() -> new DeploymentScenario(stateDir)
                .deploy("dev", held, Clock.systemUTC(), LocalRuntime.ShutdownHooks.RUNTIME, publisherForBus));
        assertThat(inUpload.await(30, TimeUnit.SECONDS)).isTrue();
        Path journal;
        try (Stream<Path> files = Files.list(stateDir.resolve(RunJournal.DIRECTORY))) {
            journal = files.findFirst().orElseThrow();
        }
        byte[] asKilled = Files.readAllBytes(journal);
        release.countDown();
        run.get(60, TimeUnit.SECONDS);
        assertThat(journal).doesNotExist();
        Files.write(journal, asKilled);
        return journal.getFileName().toString().replace(".jsonl", "");
    }

    private LocalRuntime runtime(Function<String, EventPublisher> publisherForBus) {
        return LocalRuntime.create(new LocalRuntime.Settings(stateDir, SEED, null, 0.0, publisherForBus),
                Clock.systemUTC());
    }

    /** The archived events of {@code deploymentId} whose error says a later run settled them. */
    private List<String> settledInTheArchive(String deploymentId) throws Exception {
        List<String> types = new ArrayList<>();
        try (Stream<Path> files = Files.walk(stateDir.resolve("archive"))) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    var event = Json.read(line);
                    if (event.path("detail").path("deploymentId").asText().equals(deploymentId)
                            && event.path("detail").path("error").path("message").asText()
                            .contains(LocalRuntime.LEFT_BEHIND)) {
                        types.add(event.path("detail-type").asText());
                    }
                }
            }
        }
        return types;
    }

    @Test
    void settleLeftBehind_whenTheKilledRunUsedTheLocalBus_settlesItThereEvenIfThisRunSendsToAws() throws Exception {
        String killed = killedInBundleUpload(null);
        Recording aws = new Recording();
        List<String> notes = new ArrayList<>();

        runtime(aws).settleLeftBehind(notes::add);

        assertThat(settledInTheArchive(killed)).containsExactly("SMUS-CICD-Deploy-BundleUpload-Failed",
                "SMUS-CICD-Deploy-Failed");
        assertThat(aws.events).isEmpty();
        assertThat(notes).singleElement().asString().contains("deployment " + killed, "ended now as ABORTED",
                "(Deploy-Failed EXECUTION_ABORTED)");
        assertThat(stateDir.resolve(RunJournal.DIRECTORY)).isEmptyDirectory();
    }

    @Test
    void settleLeftBehind_whenTheKilledRunSentItsEventsToAws_settlesItInAwsEvenIfThisRunUsesTheLocalBus()
            throws Exception {
        Recording aws = new Recording();
        String killed = killedInBundleUpload(aws);
        aws.events.clear();
        List<String> notes = new ArrayList<>();

        // this run's events go to AWS too (the same recording): a local run could not be pointed elsewhere here
        runtime(aws).settleLeftBehind(notes::add);

        assertThat(aws.events).extracting(DeploymentEvent::detailType)
                .containsExactly("SMUS-CICD-Deploy-BundleUpload-Failed", "SMUS-CICD-Deploy-Failed");
        assertThat(aws.events).allSatisfy(e -> assertThat(e.detail().deploymentId()).isEqualTo(killed));
        assertThat(stateDir.resolve("archive")).doesNotExist();
        assertThat(notes).singleElement().asString().contains("sent to EventBridge, where its other events went");
    }

    @Test
    void settleLeftBehind_whenTheJournalSaysItWasSettled_sendsNothingAndForgetsIt() throws Exception {
        String killed = killedInBundleUpload(null);
        Path journal = stateDir.resolve(RunJournal.DIRECTORY).resolve(killed + ".jsonl");
        Files.writeString(journal, "{\"settled\":true}\n", java.nio.file.StandardOpenOption.APPEND);
        List<String> notes = new ArrayList<>();

        runtime(null).settleLeftBehind(notes::add);

        assertThat(settledInTheArchive(killed)).isEmpty();
        assertThat(notes).isEmpty();
        assertThat(journal).doesNotExist();
    }

    @Test
    void settleLeftBehind_whenTheKilledRunCutItsLastLineShort_settlesOnceAndTheMarkIsReadAfterIt() throws Exception {
        String killed = killedInBundleUpload(null);
        Path journal = stateDir.resolve(RunJournal.DIRECTORY).resolve(killed + ".jsonl");
        Files.writeString(journal, "{\"state\":\"BundleUp", java.nio.file.StandardOpenOption.APPEND);
        RunJournal.Left left = RunJournal.leftBehind(stateDir).get(0);

        left.markSettled();

        assertThat(RunJournal.leftBehind(stateDir)).singleElement().satisfies(again -> {
            assertThat(again.settled()).isTrue();
            assertThat(again.steps()).isEqualTo(left.steps());
        });
    }

    @Test
    void settleLeftBehind_whenTheDeploymentsEventsAreOff_saysNoneWasSent() throws Exception {
        String killed = killedInBundleUpload(null);
        Path journal = stateDir.resolve(RunJournal.DIRECTORY).resolve(killed + ".jsonl");
        // the deployment as the journal's header and its states' inputs hold it
        String withEventsOff = Files.readString(journal).replace("\"monitoring\":{\"enabled\":true",
                "\"monitoring\":{\"enabled\":false");
        assertThat(withEventsOff).doesNotContain("\"monitoring\":{\"enabled\":true");
        Files.writeString(journal, withEventsOff);
        List<String> notes = new ArrayList<>();

        runtime(null).settleLeftBehind(notes::add);

        assertThat(settledInTheArchive(killed)).isEmpty();
        assertThat(notes).singleElement().asString().contains("its events are off: none sent");
    }
}
