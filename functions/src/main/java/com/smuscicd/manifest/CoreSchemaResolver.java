package com.smuscicd.manifest;

import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * Resolves plain scalars by the YAML 1.2 core schema instead of SnakeYAML's YAML 1.1 rules:
 * only {@code true}/{@code false} are booleans, so {@code yes}, {@code no}, {@code on} and
 * {@code off} stay text (no "Norway problem": {@code name: no} is the string "no"), and
 * {@code 2025-01-01} or {@code 1_000} are text rather than a timestamp or a number. {@code <<}
 * is still the merge key, which is common in CI files.
 */
final class CoreSchemaResolver extends Resolver {

    static final Pattern BOOL = Pattern.compile("^(?:true|True|TRUE|false|False|FALSE)$");
    static final Pattern INT = Pattern.compile("^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$");
    static final Pattern FLOAT = Pattern.compile(
            "^(?:[-+]?(?:\\.[0-9]+|[0-9]+(?:\\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\\.(?:inf|Inf|INF)|\\.(?:nan|NaN|NAN))$");
    static final Pattern NULL = Pattern.compile("^(?:~|null|Null|NULL)$");
    private static final Pattern MERGE = Pattern.compile("^(?:<<)$");
    private static final Pattern EMPTY = Pattern.compile("^$");

    @Override
    protected void addImplicitResolvers() {
        // Order matters within one first character: INT before FLOAT so "1" is an integer.
        addImplicitResolver(Tag.BOOL, BOOL, "tTfF");
        addImplicitResolver(Tag.INT, INT, "-+0123456789");
        addImplicitResolver(Tag.FLOAT, FLOAT, "-+0123456789.");
        addImplicitResolver(Tag.MERGE, MERGE, "<");
        addImplicitResolver(Tag.NULL, NULL, "~nN");
        addImplicitResolver(Tag.NULL, EMPTY, null);
    }
}
