package com.smuscicd.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.smuscicd.errors.PhaseFailure;
import com.smuscicd.errors.RetryablePhaseException;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** {@link BundleArchive#forEach}: one pass, entries handed over as read, unwanted bytes counted but never kept. */
class BundleArchiveStreamingTest {

    private static final int BIG = 512 * 1024;

    /** Random bytes: incompressible, so each entry takes its full size in the zip too. */
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
        return BundleArchive.write(entries);
    }

    @Test
    void forEach_whenStorageEntriesAreUnwanted_handsTheirNamesWithoutContentAfterReadingThem() {
        byte[] zip = bundle();
        CountingStream in = new CountingStream(new ByteArrayInputStream(zip));
        List<BundleArchive.Entry> seen = new ArrayList<>();

        BundleArchive.forEach(in, 4L * BIG, BundleArchive.MANIFEST_ENTRY::equals, seen::add);

        assertThat(seen).extracting(BundleArchive.Entry::name)
                .containsExactly("pipeline.yaml", "storage/code/a.bin", "storage/code/b.bin", "storage/code/c.bin");
        assertThat(seen.get(0).content()).asString(StandardCharsets.UTF_8).isEqualTo("pipelineName: MyPipeline\n");
        assertThat(seen.subList(1, 4)).allSatisfy(entry -> {
            assertThat(entry.hasContent()).isFalse();
            assertThat(entry.content()).isNull();
        });
        // The unwanted entries were still read through (their bytes count against the limit).
        assertThat(in.count).isGreaterThan(3L * BIG);
    }

    @Test
    void forEach_whenEntriesAreWanted_handsEachOverBeforeReadingTheNext() {
        byte[] zip = bundle();
        CountingStream in = new CountingStream(new ByteArrayInputStream(zip));
        List<Long> readWhenHandedOver = new ArrayList<>();
        List<String> names = new ArrayList<>();

        BundleArchive.forEach(in, 4L * BIG, name -> true, entry -> {
            readWhenHandedOver.add(in.count);
            names.add(entry.name());
            assertThat(entry.content()).hasSize(entry.name().endsWith(".bin") ? BIG : 25);
        });

        assertThat(names).hasSize(4);
        // a.bin arrives before b.bin and c.bin are read: at most a buffer's worth past a.bin itself.
        assertThat(readWhenHandedOver.get(1)).isLessThan(2L * BIG);
        assertThat(readWhenHandedOver.get(2)).isLessThan(3L * BIG);
        assertThat(readWhenHandedOver).isSorted();
    }

    @Test
    void forEach_whenOversizedEntriesAreUnwanted_stillFailsWithBundleTooLarge() {
        byte[] zip = bundle();
        List<BundleArchive.Entry> seen = new ArrayList<>();

        assertThatThrownBy(() -> BundleArchive.forEach(new ByteArrayInputStream(zip), 2L * BIG,
                BundleArchive.MANIFEST_ENTRY::equals, seen::add))
                .isInstanceOf(PhaseFailure.class)
                .hasMessage("bundle is larger than " + 2L * BIG + " bytes uncompressed")
                .satisfies(e -> assertThat(((PhaseFailure) e).code()).isEqualTo("BUNDLE_TOO_LARGE"));
        assertThat(seen).extracting(BundleArchive.Entry::name).containsExactly("pipeline.yaml", "storage/code/a.bin");
    }

    @Test
    void forEach_whenTheConsumerFails_propagatesItsExceptionUnchanged() {
        byte[] zip = bundle();

        assertThatThrownBy(() -> BundleArchive.forEach(new ByteArrayInputStream(zip), 4L * BIG, name -> true, entry -> {
            throw new IllegalArgumentException("bad relative path");
        })).isInstanceOf(IllegalArgumentException.class).hasMessage("bad relative path");
        assertThatThrownBy(() -> BundleArchive.forEach(new ByteArrayInputStream(zip), 4L * BIG, name -> true, entry -> {
            throw new RetryablePhaseException("S3_THROTTLED", "S3 throttled");
        })).isInstanceOf(RetryablePhaseException.class);
    }

    @Test
    void forEach_whenStreamIsNotAZip_failsWithBundleInvalid() {
        byte[] notAZip = "PK this is not a zip".getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> BundleArchive.forEach(new ByteArrayInputStream(notAZip), 1 << 20, name -> false,
                entry -> { }))
                .isInstanceOf(PhaseFailure.class)
                .satisfies(e -> assertThat(((PhaseFailure) e).code()).isEqualTo("BUNDLE_INVALID"));
    }

    @Test
    void read_whenBundleIsValid_returnsEveryEntryWithItsContent() {
        List<BundleArchive.Entry> entries = BundleArchive.read(new ByteArrayInputStream(bundle()), 4L * BIG);

        assertThat(entries).extracting(BundleArchive.Entry::name)
                .containsExactly("pipeline.yaml", "storage/code/a.bin", "storage/code/b.bin", "storage/code/c.bin");
        assertThat(entries.get(2).content()).isEqualTo(noise(BIG, 2));
    }

    /** Counts the bytes read through it. */
    static final class CountingStream extends FilterInputStream {

        long count;

        CountingStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int off, int len) throws IOException {
            int n = super.read(buffer, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }
    }
}
