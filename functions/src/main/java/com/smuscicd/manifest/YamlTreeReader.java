package com.smuscicd.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.composer.Composer;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.events.AliasEvent;
import org.yaml.snakeyaml.events.CollectionEndEvent;
import org.yaml.snakeyaml.events.CollectionStartEvent;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.events.NodeEvent;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.ReaderException;
import org.yaml.snakeyaml.reader.StreamReader;

/**
 * Reads manifest text into a {@link YamlTree} without ever constructing objects from YAML: the
 * text is composed into SnakeYAML's node graph (with alias, depth and size limits) and that graph
 * is walked by hand, so tags like {@code !!java.net.URL} can only ever be reported, never run.
 *
 * <p>Problems that make the document unreadable (syntax, limits, cycles) end the reading with a
 * single problem; problems of single values (duplicate keys, tags) are collected and reading
 * goes on, so the schema can report the rest.
 */
final class YamlTreeReader {

    /** Largest manifest accepted, in code points (bytes for files). */
    static final int MAX_CODE_POINTS = 1024 * 1024;
    /** Deepest nesting of mappings and lists; real manifests need six levels. */
    static final int MAX_NESTING = 32;
    /** Aliases to mappings or lists; enough for shared target blocks, far too few for an alias bomb. */
    static final int MAX_COLLECTION_ALIASES = 20;
    /** Values in the document once aliases are expanded. */
    static final int MAX_VALUES = 100_000;

    private final Problems problems;
    private final Map<String, Position> values = new HashMap<>();
    private final Map<String, Position> keys = new HashMap<>();
    private final Map<String, String> literals = new HashMap<>();
    private final Set<Node> onPath = Collections.newSetFromMap(new IdentityHashMap<>());
    private int count;

    private YamlTreeReader(Problems problems) {
        this.problems = problems;
    }

    /** The tree of {@code text}, or empty when a problem makes it unreadable (already added). */
    static Optional<YamlTree> read(String text, Problems problems) {
        return new YamlTreeReader(problems).readText(text);
    }

    private Optional<YamlTree> readText(String text) {
        long codePoints = text.codePoints().count();
        if (codePoints > MAX_CODE_POINTS) {
            problems.add(null, "file is too large (" + codePoints + " characters); a manifest may be at most "
                    + MAX_CODE_POINTS + " characters (1 MiB)");
            return Optional.empty();
        }
        Node root;
        try {
            root = new Composer(new ParserImpl(new StreamReader(text), options()), new CoreSchemaResolver(), options())
                    .getSingleNode();
        } catch (MarkedYAMLException e) {
            problems.add(syntaxPosition(e), syntaxMessage(e));
            return Optional.empty();
        } catch (ReaderException e) {
            problems.add(Position.ofCodePointIndex(text, e.getPosition()),
                    String.format("invalid YAML: the character U+%04X is not allowed in YAML text", e.getCodePoint()));
            return Optional.empty();
        } catch (YAMLException e) {
            // SnakeYAML reports its limits without a position: find it with a second, event-only pass.
            reportLimit(text, e);
            return Optional.empty();
        }
        if (root == null) {
            problems.add(null, "file is empty; a manifest needs at least pipelineName and targets");
            return Optional.empty();
        }
        if (!(root instanceof MappingNode)) {
            problems.add(Position.of(root.getStartMark()),
                    "the manifest must be a mapping of keys (pipelineName, targets, ...), got " + kind(root));
            return Optional.empty();
        }
        try {
            JsonNode json = walk(root, new ArrayList<>());
            return Optional.of(new YamlTree(json, Map.copyOf(values), Map.copyOf(keys), Map.copyOf(literals)));
        } catch (Unreadable e) {
            problems.add(e.position, e.getMessage());
            return Optional.empty();
        }
    }

    private static LoaderOptions options() {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false); // enforced by the walk, which can say where the first one is
        options.setAllowRecursiveKeys(false);
        options.setMaxAliasesForCollections(MAX_COLLECTION_ALIASES);
        options.setNestingDepthLimit(MAX_NESTING);
        options.setCodePointLimit(MAX_CODE_POINTS);
        options.setMergeOnCompose(true);
        options.setProcessComments(false);
        return options;
    }

    private static Position syntaxPosition(MarkedYAMLException e) {
        Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
        return mark == null ? null : Position.of(mark);
    }

    private static String syntaxMessage(MarkedYAMLException e) {
        String context = e.getContext();
        if (context != null && context.startsWith("expected a single document")) {
            return "invalid YAML: a manifest is a single YAML document, but another document starts here";
        }
        String problem = e.getProblem() != null ? e.getProblem() : context;
        if (problem != null && problem.startsWith("Global tag is not allowed: " + Tag.PREFIX)) {
            return "the tag !!" + problem.substring(("Global tag is not allowed: " + Tag.PREFIX).length())
                    + " is not allowed; a manifest holds plain values only";
        }
        String message = "invalid YAML: " + problem;
        if (e.getProblem() != null && context != null) {
            Position where = Position.of(e.getContextMark());
            message += " (" + context + (where == null ? "" : " at " + where.line() + ":" + where.column()) + ")";
        }
        if (problem != null && problem.contains("<block end>")) {
            message += "; check the indentation";
        }
        return message;
    }

    /** Replays the events to find which alias or nesting level went over SnakeYAML's limit. */
    private void reportLimit(String text, YAMLException e) {
        Set<String> collectionAnchors = new HashSet<>();
        int aliases = 0;
        int depth = 0;
        try {
            ParserImpl parser = new ParserImpl(new StreamReader(text), options());
            while (parser.peekEvent() != null) {
                Event event = parser.getEvent();
                if (event instanceof CollectionStartEvent start) {
                    if (start.getAnchor() != null) {
                        collectionAnchors.add(start.getAnchor());
                    }
                    if (++depth > MAX_NESTING) {
                        problems.add(Position.of(event.getStartMark()),
                                "nesting is too deep: more than " + MAX_NESTING + " levels of mappings and lists");
                        return;
                    }
                } else if (event instanceof CollectionEndEvent) {
                    depth--;
                } else if (event instanceof AliasEvent alias && collectionAnchors.contains(alias.getAnchor())) {
                    if (++aliases > MAX_COLLECTION_ALIASES) {
                        problems.add(Position.of(event.getStartMark()), aliasBombMessage());
                        return;
                    }
                } else if (event instanceof NodeEvent node && node.getAnchor() != null) {
                    collectionAnchors.remove(node.getAnchor()); // a scalar re-used the anchor name
                }
                if (event.is(Event.ID.StreamEnd)) {
                    break;
                }
            }
        } catch (YAMLException ignored) {
            // fall through to the unpositioned report
        }
        problems.add(null, "invalid YAML: " + e.getMessage());
    }

    private static String aliasBombMessage() {
        return "too many aliases: more than " + MAX_COLLECTION_ALIASES
                + " aliases to mappings or lists (a limit that stops alias bombs such as \"billion laughs\")";
    }

    private JsonNode walk(Node node, List<Object> path) {
        if (++count > MAX_VALUES) {
            // The node itself sits inside some anchor; the top-level key being expanded is what to fix.
            String top = path.isEmpty() ? "" : FieldPath.of(path.subList(0, 1));
            throw new Unreadable(keys.getOrDefault(top, Position.START), (top.isEmpty() ? "the document" : top)
                    + " expands to more than " + MAX_VALUES + " values through aliases");
        }
        if (path.size() > MAX_NESTING) {
            throw new Unreadable(Position.of(node.getStartMark()),
                    "nesting is too deep: more than " + MAX_NESTING + " levels of mappings and lists");
        }
        String field = FieldPath.of(path);
        values.putIfAbsent(field, Position.of(node.getStartMark()));
        if (node instanceof ScalarNode scalar) {
            literals.put(field, scalar.getValue());
            return scalar(scalar, field);
        }
        if (!onPath.add(node)) {
            throw new Unreadable(Position.of(node.getStartMark()),
                    (field.isEmpty() ? "the document" : field) + " contains itself through an alias;"
                            + " recursive structures are not allowed");
        }
        try {
            if (node instanceof SequenceNode sequence) {
                checkTag(node, Tag.SEQ, field);
                ArrayNode array = JsonNodeFactory.instance.arrayNode();
                List<Node> items = sequence.getValue();
                for (int i = 0; i < items.size(); i++) {
                    path.add(i);
                    array.add(walk(items.get(i), path));
                    path.remove(path.size() - 1);
                }
                return array;
            }
            MappingNode mapping = (MappingNode) node;
            checkTag(node, Tag.MAP, field);
            ObjectNode object = JsonNodeFactory.instance.objectNode();
            for (NodeTuple tuple : mapping.getValue()) {
                Node keyNode = tuple.getKeyNode();
                if (!(keyNode instanceof ScalarNode keyScalar)) {
                    problems.add(Position.of(keyNode.getStartMark()),
                            (field.isEmpty() ? "" : field + " ") + "has a key that is " + kind(keyNode)
                                    + "; keys must be plain text");
                    continue;
                }
                String key = keyScalar.getValue();
                String child = FieldPath.key(field, key);
                if (object.has(key)) {
                    Position first = keys.get(child);
                    problems.add(Position.of(keyNode.getStartMark()), child + " is defined more than once"
                            + (first == null ? "" : "; first defined at " + first.line() + ":" + first.column()));
                    continue;
                }
                keys.put(child, Position.of(keyNode.getStartMark()));
                path.add(key);
                object.set(key, walk(tuple.getValueNode(), path));
                path.remove(path.size() - 1);
            }
            return object;
        } finally {
            onPath.remove(node);
        }
    }

    private JsonNode scalar(ScalarNode scalar, String field) {
        String text = scalar.getValue();
        Tag tag = scalar.getTag();
        if (tag.equals(Tag.STR) || tag.equals(Tag.MERGE)) {
            return TextNode.valueOf(text);
        }
        if (tag.equals(Tag.NULL) && (text.isEmpty() || CoreSchemaResolver.NULL.matcher(text).matches())) {
            return NullNode.getInstance();
        }
        if (tag.equals(Tag.BOOL) && CoreSchemaResolver.BOOL.matcher(text).matches()) {
            return BooleanNode.valueOf(text.equalsIgnoreCase("true"));
        }
        if (tag.equals(Tag.INT) && CoreSchemaResolver.INT.matcher(text).matches()) {
            BigInteger value = text.startsWith("0o") ? new BigInteger(text.substring(2), 8)
                    : text.startsWith("0x") ? new BigInteger(text.substring(2), 16)
                    : new BigInteger(text);
            return value.bitLength() < 64 ? LongNode.valueOf(value.longValue()) : BigIntegerNode.valueOf(value);
        }
        if (tag.equals(Tag.FLOAT) && CoreSchemaResolver.FLOAT.matcher(text).matches()) {
            String lower = text.toLowerCase();
            return DoubleNode.valueOf(lower.endsWith(".nan") ? Double.NaN
                    : lower.endsWith(".inf") ? (text.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY)
                    : Double.parseDouble(text));
        }
        // An explicit tag we do not support, or a standard tag on text it does not fit (!!bool yes).
        problems.add(Position.of(scalar.getStartMark()), subject(field) + " has the tag " + tagName(tag)
                + ", which a manifest does not support; remove the tag");
        return TextNode.valueOf(text);
    }

    private void checkTag(Node node, Tag expected, String field) {
        if (!node.getTag().equals(expected)) {
            problems.add(Position.of(node.getStartMark()), subject(field) + " has the tag " + tagName(node.getTag())
                    + ", which a manifest does not support; remove the tag");
        }
    }

    private static String subject(String field) {
        return field.isEmpty() ? "the document" : field;
    }

    private static String tagName(Tag tag) {
        String value = tag.getValue();
        return value.startsWith(Tag.PREFIX) ? "!!" + value.substring(Tag.PREFIX.length()) : value;
    }

    private static String kind(Node node) {
        if (node instanceof MappingNode) {
            return "a mapping";
        }
        if (node instanceof SequenceNode) {
            return "a list";
        }
        return "the scalar " + FieldPath.quote(((ScalarNode) node).getValue());
    }

    /** A problem after which the rest of the document cannot be trusted. */
    private static final class Unreadable extends RuntimeException {
        private final transient Position position;

        Unreadable(Position position, String message) {
            super(message, null, false, false);
            this.position = position;
        }
    }
}
