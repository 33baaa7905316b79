package com.smuscicd.metadata;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;
import java.util.zip.InflaterInputStream;

/**
 * Reads the headers of a commit (everything before its message) from a repository's object
 * store: a loose object, or a whole object in a pack found through its version-2 index. It reads
 * nothing else: a commit stored as a delta, in an alternate object store or not at all, or an
 * index or pack it does not recognise gives no answer, and the caller asks git.
 */
final class GitObjects {

    /** The headers of a commit fit in far less; a bigger one is read by git. */
    static final int MAX_HEADER_BYTES = 64 * 1024;

    private static final int OBJ_COMMIT = 1;
    private static final byte[] IDX_V2_MAGIC = {(byte) 0xff, 't', 'O', 'c'};

    private GitObjects() {
    }

    /**
     * The commit's headers ({@code tree}, {@code parent}, {@code author}, {@code committer}...),
     * one per line, without the trailing blank line and the message.
     *
     * @param objectsDir the repository's {@code objects} directory
     * @param sha        the commit id, 40 lower-case hex digits
     * @return empty when it cannot be read here (not found, not a commit, a delta, unknown format)
     */
    static Optional<String> commitHeaders(Path objectsDir, String sha) {
        try {
            Path loose = objectsDir.resolve(sha.substring(0, 2)).resolve(sha.substring(2));
            if (Files.isRegularFile(loose)) {
                try (InputStream in = new InflaterInputStream(Files.newInputStream(loose))) {
                    return looseCommitHeaders(in);
                }
            }
            byte[] id = HexFormat.of().parseHex(sha);
            Path packs = objectsDir.resolve("pack");
            if (!Files.isDirectory(packs)) {
                return Optional.empty();
            }
            try (DirectoryStream<Path> indexes = Files.newDirectoryStream(packs, "pack-*.idx")) {
                for (Path index : indexes) {
                    if (!Files.isRegularFile(index)) {
                        // a pipe or device would block or never end: git decides
                        return Optional.empty();
                    }
                    long offset = offsetInPack(index, id);
                    if (offset >= 0) {
                        String name = index.getFileName().toString();
                        Path pack = index.resolveSibling(name.substring(0, name.length() - ".idx".length()) + ".pack");
                        return Files.isRegularFile(pack) ? packedCommitHeaders(pack, offset) : Optional.empty();
                    }
                }
            }
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** A loose object: {@code commit <size>\0<content>}, deflated. */
    private static Optional<String> looseCommitHeaders(InputStream in) throws IOException {
        byte[] start = in.readNBytes(MAX_HEADER_BYTES);
        int nul = indexOf(start, (byte) 0, 0);
        if (nul < 0 || !new String(start, 0, nul, StandardCharsets.US_ASCII).startsWith("commit ")) {
            return Optional.empty();
        }
        return headers(start, nul + 1, start.length);
    }

    /**
     * The offset of the object in the pack of a version-2 index, or -1 when the index does not
     * list it.
     *
     * @throws IOException for an index this reader does not know (version 1, say)
     */
    static long offsetInPack(Path index, byte[] id) throws IOException {
        try (RandomAccessFile idx = new RandomAccessFile(index.toFile(), "r")) {
            byte[] header = new byte[8];
            idx.readFully(header);
            for (int i = 0; i < IDX_V2_MAGIC.length; i++) {
                if (header[i] != IDX_V2_MAGIC[i]) {
                    throw new IOException("not a version 2 pack index: " + index);
                }
            }
            if (header[4] != 0 || header[5] != 0 || header[6] != 0 || header[7] != 2) {
                throw new IOException("not a version 2 pack index: " + index);
            }
            int first = id[0] & 0xff;
            // fan-out: entry i counts the objects whose first byte is <= i
            long low = 0;
            if (first > 0) {
                idx.seek(8 + 4L * (first - 1));
                low = Integer.toUnsignedLong(idx.readInt());
            }
            idx.seek(8 + 4L * first);
            long high = Integer.toUnsignedLong(idx.readInt());
            idx.seek(8 + 4L * 255);
            long count = Integer.toUnsignedLong(idx.readInt());
            if (high > count || low > high) {
                throw new IOException("corrupt pack index: " + index);
            }
            long namesAt = 8 + 4L * 256;
            byte[] name = new byte[id.length];
            while (low < high) {
                long middle = (low + high) >>> 1;
                idx.seek(namesAt + middle * id.length);
                idx.readFully(name);
                int order = Arrays.compareUnsigned(name, id);
                if (order == 0) {
                    long offsetsAt = namesAt + count * id.length + count * 4;
                    idx.seek(offsetsAt + middle * 4);
                    long offset = Integer.toUnsignedLong(idx.readInt());
                    if ((offset & 0x8000_0000L) != 0) {
                        // the high bit points into the table of 8-byte offsets (packs over 2 GiB)
                        idx.seek(offsetsAt + count * 4 + (offset & 0x7fff_ffffL) * 8);
                        offset = idx.readLong();
                    }
                    return offset;
                }
                if (order < 0) {
                    low = middle + 1;
                } else {
                    high = middle;
                }
            }
            return -1;
        }
    }

    /** A packed object: a type-and-size header, then the deflated content; only a whole commit is read. */
    private static Optional<String> packedCommitHeaders(Path pack, long offset) throws IOException {
        try (RandomAccessFile file = new RandomAccessFile(pack.toFile(), "r")) {
            byte[] signature = new byte[4];
            file.readFully(signature);
            if (!"PACK".equals(new String(signature, StandardCharsets.US_ASCII))) {
                return Optional.empty();
            }
            file.seek(offset);
            int c = file.readUnsignedByte();
            int type = (c >> 4) & 7;
            while ((c & 0x80) != 0) {
                c = file.readUnsignedByte();
            }
            if (type != OBJ_COMMIT) {
                // a delta (6, 7) would need its base: git reads it
                return Optional.empty();
            }
            try (InputStream in = new InflaterInputStream(Channels.newInputStream(file.getChannel()))) {
                byte[] content = in.readNBytes(MAX_HEADER_BYTES);
                return headers(content, 0, content.length);
            }
        }
    }

    /** The header lines of commit content in {@code bytes[from, to)}: up to the first empty line. */
    private static Optional<String> headers(byte[] bytes, int from, int to) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int lineStart = from;
        for (int i = from; i < to; i++) {
            if (bytes[i] == '\n') {
                if (i == lineStart) {
                    return Optional.of(out.toString(StandardCharsets.UTF_8));
                }
                out.write(bytes, lineStart, i + 1 - lineStart);
                lineStart = i + 1;
            }
        }
        // no blank line within the limit: truncated headers are no answer
        return Optional.empty();
    }

    private static int indexOf(byte[] bytes, byte value, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == value) {
                return i;
            }
        }
        return -1;
    }
}
