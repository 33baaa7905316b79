package com.smuscicd.infra;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Insertion-ordered maps for anything that ends up in a template: {@code Map.of} iterates in a
 * per-JVM random order, which would make synthesized templates (and the published YAML) differ
 * from run to run.
 */
final class Ordered {

    private Ordered() {
    }

    static Map<String, Object> map(Object... keysAndValues) {
        if (keysAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("keys and values must pair up");
        }
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return Collections.unmodifiableMap(map);
    }

    static <K, V> Map<K, V> copy(Map<K, V> source) {
        return Collections.unmodifiableMap(new LinkedHashMap<>(source));
    }
}
