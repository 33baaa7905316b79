package com.smuscicd.trigger;

import com.smuscicd.deploy.BundleArchive;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Bundle zips for the trigger tests, good and bad. */
final class TestBundles {

    private TestBundles() {
    }

    /** The test manifest of that name ({@code src/test/resources/com/smuscicd/trigger/<name>}). */
    static byte[] resource(String name) {
        try (InputStream in = TestBundles.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalArgumentException("no test resource " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A well-formed bundle: the manifest, one storage file and the workflow it names. */
    static byte[] valid() {
        return withManifest(resource("pipeline.yaml"));
    }

    static byte[] withManifest(byte[] manifest) {
        TreeMap<String, byte[]> entries = new TreeMap<>();
        entries.put(BundleArchive.MANIFEST_ENTRY, manifest);
        entries.put("storage/code/etl/transform.py", "def transform(): pass\n".getBytes(StandardCharsets.UTF_8));
        entries.put("workflows/daily_sales_etl.py", "# dag\n".getBytes(StandardCharsets.UTF_8));
        return BundleArchive.write(entries);
    }

    /** A zip written entry by entry as given, unsafe names included (the writer of the project refuses those). */
    static byte[] raw(Map<String, byte[]> entries) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey()));
                zip.write(e.getValue());
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static Map<String, byte[]> entries(Object... nameThenContent) {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        for (int i = 0; i < nameThenContent.length; i += 2) {
            Object content = nameThenContent[i + 1];
            entries.put((String) nameThenContent[i], content instanceof byte[] b ? b
                    : String.valueOf(content).getBytes(StandardCharsets.UTF_8));
        }
        return entries;
    }
}
