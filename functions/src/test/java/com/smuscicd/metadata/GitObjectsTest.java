package com.smuscicd.metadata;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Commit headers from hand-made object stores, so that each case of the formats is certain to be there. */
class GitObjectsTest {

    private static final String COMMIT = "1111111111111111111111111111111111111111";
    private static final String BEFORE = "0aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    private static final String AFTER = "fbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
    private static final String HEADERS = "tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\n"
            + "author Test <test@example.com> 1762255800 +0100\n"
            + "committer Test <test@example.com> 1762255800 +0100\n";
    private static final String CONTENT = HEADERS + "\ninitial\n";

    private static final int OBJ_COMMIT = 1;
    private static final int OBJ_BLOB = 3;
    private static final int OBJ_OFS_DELTA = 6;

    @Test
    void commitHeaders_ofAWholeCommitInAPack_areTheLinesBeforeTheMessage(@TempDir Path objects) throws IOException {
        writePack(objects, Map.of(BEFORE, OBJ_BLOB, COMMIT, OBJ_COMMIT, AFTER, OBJ_BLOB));

        assertThat(GitObjects.commitHeaders(objects, COMMIT)).hasValue(HEADERS);
    }

    @Test
    void commitHeaders_ofALooseCommit_areTheLinesBeforeTheMessage(@TempDir Path objects) throws IOException {
        writeLoose(objects, COMMIT, "commit");

        assertThat(GitObjects.commitHeaders(objects, COMMIT)).hasValue(HEADERS);
    }

    @Test
    void commitHeaders_whenThePackedCommitIsADelta_giveNoAnswer(@TempDir Path objects) throws IOException {
        writePack(objects, Map.of(BEFORE, OBJ_BLOB, COMMIT, OBJ_OFS_DELTA));

        assertThat(GitObjects.commitHeaders(objects, COMMIT)).isEmpty();
    }

    @Test
    void commitHeaders_whenTheObjectIsNotACommit_giveNoAnswer(@TempDir Path objects) throws IOException {
        writeLoose(objects, COMMIT, "blob");
        writePack(objects, Map.of(AFTER, OBJ_BLOB));

        assertThat(GitObjects.commitHeaders(objects, COMMIT)).isEmpty();
        assertThat(GitObjects.commitHeaders(objects, AFTER)).isEmpty();
    }

    @Test
    void commitHeaders_whenNoStoreHasTheObject_giveNoAnswer(@TempDir Path objects) throws IOException {
        writePack(objects, Map.of(BEFORE, OBJ_COMMIT, AFTER, OBJ_COMMIT));

        assertThat(GitObjects.commitHeaders(objects, COMMIT)).isEmpty();
    }

    @Test
    void commitHeaders_whenTheIndexIsNotVersion2_giveNoAnswer(@TempDir Path objects) throws IOException {
        writePack(objects, Map.of(COMMIT, OBJ_COMMIT));
        Path index = objects.resolve("pack/pack-test.idx");
        byte[] bytes = Files.readAllBytes(index);
        bytes[7] = 3;
        Files.write(index, bytes);

        assertThat(GitObjects.commitHeaders(objects, COMMIT)).isEmpty();
    }

    @Test
    void commitHeaders_whenTheCommitHasNoEndOfHeadersWithinTheLimit_giveNoAnswer(@TempDir Path objects)
            throws IOException {
        String huge = "commit " + 0 + "\0" + HEADERS + "x".repeat(GitObjects.MAX_HEADER_BYTES);
        Path file = objects.resolve(COMMIT.substring(0, 2)).resolve(COMMIT.substring(2));
        Files.createDirectories(file.getParent());
        Files.write(file, deflate(huge.getBytes(StandardCharsets.UTF_8)));

        assertThat(GitObjects.commitHeaders(objects, COMMIT)).isEmpty();
    }

    private static void writeLoose(Path objects, String id, String type) throws IOException {
        byte[] content = CONTENT.getBytes(StandardCharsets.UTF_8);
        byte[] header = (type + " " + content.length + "\0").getBytes(StandardCharsets.US_ASCII);
        byte[] object = new byte[header.length + content.length];
        System.arraycopy(header, 0, object, 0, header.length);
        System.arraycopy(content, 0, object, header.length, content.length);
        Path file = objects.resolve(id.substring(0, 2)).resolve(id.substring(2));
        Files.createDirectories(file.getParent());
        Files.write(file, deflate(object));
    }

    /** A version 2 pack and index holding each object (id to type) with {@link #CONTENT}. */
    private static void writePack(Path objects, Map<String, Integer> typesById) throws IOException {
        TreeMap<String, Integer> sorted = new TreeMap<>(typesById);
        ByteArrayOutputStream pack = new ByteArrayOutputStream();
        DataOutputStream packOut = new DataOutputStream(pack);
        packOut.writeBytes("PACK");
        packOut.writeInt(2);
        packOut.writeInt(sorted.size());
        byte[] content = CONTENT.getBytes(StandardCharsets.UTF_8);
        Map<String, Integer> offsets = new TreeMap<>();
        for (Map.Entry<String, Integer> object : sorted.entrySet()) {
            offsets.put(object.getKey(), packOut.size());
            // type and size: 4 bits of size in the first byte, then 7 bits per byte
            int size = content.length;
            packOut.write(0x80 | (object.getValue() << 4) | (size & 0x0f));
            size >>>= 4;
            while (size >= 0x80) {
                packOut.write(0x80 | (size & 0x7f));
                size >>>= 7;
            }
            packOut.write(size);
            // the same deflated commit for every type: only the type may stop a reader
            packOut.write(deflate(content));
        }
        packOut.write(new byte[20]);

        ByteArrayOutputStream index = new ByteArrayOutputStream();
        DataOutputStream indexOut = new DataOutputStream(index);
        indexOut.write(new byte[] {(byte) 0xff, 't', 'O', 'c', 0, 0, 0, 2});
        HexFormat hex = HexFormat.of();
        for (int first = 0; first < 256; first++) {
            int upTo = first;
            // fan-out: how many ids start with a byte up to this one
            indexOut.writeInt((int) sorted.keySet().stream().filter(id -> (hex.parseHex(id)[0] & 0xff) <= upTo).count());
        }
        for (String id : sorted.keySet()) {
            indexOut.write(hex.parseHex(id));
        }
        for (int i = 0; i < sorted.size(); i++) {
            indexOut.writeInt(0);
        }
        for (String id : sorted.keySet()) {
            indexOut.writeInt(offsets.get(id));
        }
        indexOut.write(new byte[40]);

        Path packs = Files.createDirectories(objects.resolve("pack"));
        Files.write(packs.resolve("pack-test.pack"), pack.toByteArray());
        Files.write(packs.resolve("pack-test.idx"), index.toByteArray());
    }

    private static byte[] deflate(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (DeflaterOutputStream deflater = new DeflaterOutputStream(out, new Deflater())) {
            deflater.write(bytes);
        }
        return out.toByteArray();
    }
}
