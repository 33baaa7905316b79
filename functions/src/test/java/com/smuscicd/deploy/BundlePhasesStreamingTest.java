package com.smuscicd.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.smuscicd.errors.PhaseFailure;
import com.smuscicd.json.Json;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * BundleUpload and WorkflowCreation read the bundle in one streaming pass: storage files are
 * uploaded as they are read, DAG files are the only content WorkflowCreation keeps, and the counts
 * in the details are those of the whole bundle.
 */
class BundlePhasesStreamingTest {

    private static final int BIG = 256 * 1024;
    private static final S3Location BUNDLE = S3Location.parse("s3://smus-bundles/MyPipeline/prod/bundle.zip");
    private static final String PROJECT = "s3://amazon-sagemaker-123456789012-us-east-1-abc123/dzd_prod/prj_1/dev/";

    private static byte[] noise(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static byte[] bundle() {
        TreeMap<String, byte[]> entries = new TreeMap<>();
        entries.put("pipeline.yaml", "pipelineName: MyPipeline\n".getBytes(StandardCharsets.UTF_8));
        entries.put("storage/code/a.bin", noise(BIG, 1));
        entries.put("storage/code/b.bin", noise(BIG, 2));
        entries.put("storage/code/c.bin", noise(BIG, 3));
        entries.put("workflows/daily_sales_etl.py", "dag = 'daily'\n".getBytes(StandardCharsets.UTF_8));
        return BundleArchive.write(entries);
    }

    /** The phase's input, naming {@code zip} (its digest and size) as the deployment's bundle. */
    static TaskInput task(byte[] zip) {
        try (InputStream in = BundlePhasesStreamingTest.class.getResourceAsStream("workflow-creation-task-input.json")) {
            ObjectNode input = (ObjectNode) Json.read(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            ((ObjectNode) input.path("state").path("deployment").path("bundle"))
                    .put("digest", "sha256:" + BundleArchive.sha256Hex(zip)).put("bytes", zip.length);
            return TaskInput.from(input);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void bundleUpload_whenRunTwice_uploadsEachFileBeforeReadingTheNextThenFindsAllUnchanged() {
        byte[] zip = bundle();
        MemoryStore store = new MemoryStore(zip);
        BundleUploadPhase phase = new BundleUploadPhase(store, 4L * BIG);

        Map<String, Object> first = phase.run(task(store.bundle));
        List<Long> readAtFirstRun = List.copyOf(store.readWhenPut);
        Map<String, Object> second = phase.run(task(store.bundle));

        assertThat(store.objects.keySet()).containsExactly(PROJECT + "code/a.bin", PROJECT + "code/b.bin",
                PROJECT + "code/c.bin");
        assertThat(store.objects.get(PROJECT + "code/b.bin")).isEqualTo(noise(BIG, 2));
        // a.bin was uploaded while b.bin and c.bin were still unread.
        assertThat(readAtFirstRun.get(0)).isLessThan(2L * BIG);
        assertThat(readAtFirstRun.get(1)).isLessThan(3L * BIG);
        assertThat(first).containsEntry("files", 3).containsEntry("bytes", 3L * BIG)
                .containsEntry("uploaded", 3).containsEntry("unchanged", 0);
        assertThat(second).containsEntry("files", 3).containsEntry("bytes", 3L * BIG)
                .containsEntry("uploaded", 0).containsEntry("unchanged", 3);
    }

    @Test
    void workflowCreation_whenBundleHasStorageFiles_placesOnlyTheNamedDagFile() {
        MemoryStore store = new MemoryStore(bundle());
        List<WorkflowGateway.WorkflowSpec> specs = new ArrayList<>();
        WorkflowCreationPhase phase = new WorkflowCreationPhase(store, spec -> {
            specs.add(spec);
            return WorkflowGateway.WorkflowOutcome.CREATED;
        }, 4L * BIG);

        Map<String, Object> details = phase.run(task(store.bundle));

        assertThat(store.objects).containsOnlyKeys(PROJECT + "workflows/dags/daily_sales_etl.py");
        assertThat(specs).singleElement().satisfies(spec -> assertThat(spec.definitionSha256())
                .isEqualTo(BundleArchive.sha256Hex("dag = 'daily'\n".getBytes(StandardCharsets.UTF_8))));
        assertThat(details).containsEntry("workflows", List.of("daily_sales_etl")).containsEntry("count", 1)
                .containsEntry("created", 1).containsEntry("updated", 0).containsEntry("unchanged", 0);
    }

    @Test
    void workflowCreation_whenStorageFilesMakeTheBundleTooLarge_failsWithBundleTooLarge() {
        MemoryStore store = new MemoryStore(bundle());
        WorkflowCreationPhase phase = new WorkflowCreationPhase(store,
                spec -> WorkflowGateway.WorkflowOutcome.CREATED, 2L * BIG);

        assertThatThrownBy(() -> phase.run(task(store.bundle)))
                .isInstanceOf(PhaseFailure.class)
                .satisfies(e -> assertThat(((PhaseFailure) e).code()).isEqualTo("BUNDLE_TOO_LARGE"));
        assertThat(store.objects).isEmpty();
    }

    @Test
    void workflowCreation_whenTheBundleLacksTheDagFile_failsWithWorkflowFileMissing() {
        TreeMap<String, byte[]> entries = new TreeMap<>();
        entries.put("pipeline.yaml", "pipelineName: MyPipeline\n".getBytes(StandardCharsets.UTF_8));
        MemoryStore store = new MemoryStore(BundleArchive.write(entries));
        WorkflowCreationPhase phase = new WorkflowCreationPhase(store,
                spec -> WorkflowGateway.WorkflowOutcome.CREATED, 4L * BIG);

        assertThatThrownBy(() -> phase.run(task(store.bundle)))
                .isInstanceOf(PhaseFailure.class)
                .hasMessageContaining("workflows/daily_sales_etl.py")
                .satisfies(e -> assertThat(((PhaseFailure) e).code()).isEqualTo("WORKFLOW_FILE_MISSING"));
    }

    /** Holds the bundle and the objects put, noting how much of the bundle had been read at each put. */
    private static final class MemoryStore implements BundleStore {

        private final byte[] bundle;
        private final Map<String, byte[]> objects = new LinkedHashMap<>();
        private final List<Long> readWhenPut = new ArrayList<>();
        private BundleArchiveStreamingTest.CountingStream open;

        MemoryStore(byte[] bundle) {
            this.bundle = bundle;
        }

        @Override
        public InputStream open(S3Location location, String versionId) {
            assertThat(location).isEqualTo(BUNDLE);
            open = new BundleArchiveStreamingTest.CountingStream(new ByteArrayInputStream(bundle));
            return open;
        }

        @Override
        public PutOutcome put(S3Location location, byte[] content, String sha256Hex) {
            assertThat(sha256Hex).isEqualTo(BundleArchive.sha256Hex(content));
            readWhenPut.add(open.count);
            byte[] previous = objects.put(location.toString(), content.clone());
            return previous != null && BundleArchive.sha256Hex(previous).equals(sha256Hex) ? PutOutcome.UNCHANGED
                    : PutOutcome.UPLOADED;
        }
    }
}
