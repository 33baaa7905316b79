package com.smuscicd.local.bus;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.databind.JsonNode;
import com.smuscicd.deploy.PublishableBuses;
import com.smuscicd.events.RuleKeys;
import com.smuscicd.json.Json;
import com.smuscicd.manifest.ManifestLoader;
import com.smuscicd.manifest.Suggestions;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import software.amazon.event.ruler.Machine;

/**
 * The rules of a local event bus, loaded from files in the shape of the spec's "Integration
 * Examples": one rule object or an array of them per file,
 * <pre>{@code
 * {"Name": "prod-failures",                       // optional, defaults to the file name
 *  "Description": "Page on-call on PROD failures", // optional, ignored (at most 512 characters)
 *  "EventPattern": {"source": ["com.amazon.smus.cicd"], ...},   // object or JSON string
 *  "Targets": [{"Id": "1", "Arn": "arn:aws:sns:us-east-1:123456789012:prod-alerts"},
 *              {"Id": "hook", "HttpEndpoint": "https://hooks.slack.com/services/...",
 *               "InputTransformer": {"InputPathsMap": {"p": "$.detail.pipelineName"},
 *                                    "InputTemplate": "{\"text\": \"<p> failed\"}"}}],
 *  "State": "ENABLED"}                              // or DISABLED; default ENABLED
 * }</pre>
 * Every pattern is checked with event-ruler, the matcher EventBridge itself uses, when loaded.
 * A target may set at most one of EventBridge's input options, {@code Input} (JSON text, or a
 * JSON value written inline), {@code InputPath} or {@code InputTransformer}; they are checked when
 * loaded too (see {@link TargetInput}). Other target fields EventBridge knows ({@code RoleArn},
 * {@code RetryPolicy}...) are accepted and ignored; a key it does not know is an error with a
 * "did you mean". {@code EventBusName} puts the rule on a bus (default: {@value #DEFAULT_BUS}), and
 * a bus runs only the rules on it ({@link #enabledOn}).
 */
public final class LocalRules {

    /** The bus of a rule that names none, as in EventBridge. */
    public static final String DEFAULT_BUS = "default";
    /** The keys a rule may have ({@link RuleKeys}); the bus runs Name, EventPattern, State, EventBusName and Targets. */
    private static final List<String> RULE_KEYS = RuleKeys.ALL;
    /** The keys of an EventBridge target (put-targets); the bus runs Id, Arn, HttpEndpoint and the input options. */
    private static final List<String> TARGET_KEYS = List.of("Id", "Arn", "HttpEndpoint", "Input", "InputPath",
            "InputTransformer", "RoleArn", "DeadLetterConfig", "RetryPolicy", "HttpParameters", "SqsParameters",
            "KinesisParameters", "EcsParameters", "BatchParameters", "RunCommandParameters",
            "SageMakerPipelineParameters", "RedshiftDataParameters", "AppSyncParameters");

    /** EventBridge's rule-name constraint. */
    private static final Pattern RULE_NAME = Pattern.compile("[.\\-_A-Za-z0-9]{1,64}");

    /** EventBridge's target input options, of which a target may set one. */
    private static final List<String> INPUT_FIELDS = List.of("Input", "InputPath", "InputTransformer");
    /** EventBridge's limit on a rule description. */
    private static final int MAX_DESCRIPTION = 512;

    private final List<LocalRule> rules;
    /** The enabled ones, asked for on every event. */
    private final List<LocalRule> enabled;

    private LocalRules(List<LocalRule> rules) {
        this.rules = List.copyOf(rules);
        this.enabled = this.rules.stream().filter(LocalRule::enabled).toList();
    }

    /** No rules: events are only archived. */
    public static LocalRules none() {
        return new LocalRules(List.of());
    }

    /**
     * Rules built in code; patterns are checked as for files.
     *
     * @throws InvalidRuleException for an invalid pattern, no targets or a duplicate name
     */
    public static LocalRules of(List<LocalRule> rules) {
        Map<String, LocalRule> byName = new HashMap<>();
        for (LocalRule rule : rules) {
            checkName(rule.source(), rule.name());
            checkPattern(rule.source(), rule.name(), rule.eventPattern());
            if (rule.targets().isEmpty()) {
                throw new InvalidRuleException(rule.source(), rule.name(), "a rule needs at least one target");
            }
            LocalRule previous = byName.putIfAbsent(rule.name(), rule);
            if (previous != null) {
                throw duplicate(rule.source(), rule.name(), previous);
            }
        }
        return new LocalRules(rules);
    }

    /**
     * Loads every {@code *.json} file of a directory (not recursing, in file-name order), or one
     * file.
     *
     * @throws InvalidRuleException naming the file and rule, for the first problem found
     */
    public static LocalRules load(Path dirOrFile) {
        return load(dirOrFile, true);
    }

    /**
     * Loads rules as {@link #load} does, for testing their patterns: {@code Targets} may be left
     * out (what {@code aws events describe-rule} prints has none); when present, they are checked.
     *
     * @throws InvalidRuleException naming the file and rule, for the first problem found
     */
    public static LocalRules loadForPatterns(Path dirOrFile) {
        return load(dirOrFile, false);
    }

    /**
     * Rules given as JSON text (one rule object or an array of them) rather than a file, for testing
     * their patterns as {@link #loadForPatterns} does; a rule without {@code Name} is named
     * {@code pattern} (in an array: {@code pattern-1}, ...).
     *
     * @throws InvalidRuleException naming the rule, for the first problem found
     */
    public static LocalRules parseForPatterns(String json) {
        return collect(List.of(readText(null, json, "pattern", false)));
    }

    private static LocalRules load(Path dirOrFile, boolean targetsRequired) {
        List<Path> files;
        if (Files.isDirectory(dirOrFile)) {
            try (Stream<Path> listing = Files.list(dirOrFile)) {
                files = listing
                        .filter(p -> p.getFileName().toString().endsWith(".json") && Files.isRegularFile(p))
                        .sorted(Comparator.comparing(p -> p.getFileName().toString()))
                        .toList();
            } catch (IOException e) {
                throw new InvalidRuleException(dirOrFile, null, "cannot list the rules directory: " + e, e);
            }
        } else if (Files.isRegularFile(dirOrFile)) {
            files = List.of(dirOrFile);
        } else {
            throw new InvalidRuleException(dirOrFile, null, "no such rules file or directory");
        }
        List<List<LocalRule>> read = new ArrayList<>();
        for (Path file : files) {
            read.add(readFile(file, targetsRequired));
        }
        return collect(read);
    }

    /** The rules of each file, in order; a name used twice is an error. */
    private static LocalRules collect(List<List<LocalRule>> perFile) {
        List<LocalRule> rules = new ArrayList<>();
        Map<String, LocalRule> byName = new HashMap<>();
        for (List<LocalRule> fileRules : perFile) {
            for (LocalRule rule : fileRules) {
                LocalRule previous = byName.putIfAbsent(rule.name(), rule);
                if (previous != null) {
                    throw duplicate(rule.source(), rule.name(), previous);
                }
                rules.add(rule);
            }
        }
        return new LocalRules(rules);
    }

    /** Every rule, in load order. */
    public List<LocalRule> all() {
        return rules;
    }

    /** The rules with {@code State} ENABLED, in load order. */
    public List<LocalRule> enabled() {
        return enabled;
    }

    /** The rule of that name. */
    public Optional<LocalRule> find(String name) {
        return rules.stream().filter(r -> r.name().equals(name)).findFirst();
    }

    /** Whether any rule has a webhook target. */
    boolean hasWebhooks() {
        return rules.stream().flatMap(r -> r.targets().stream()).anyMatch(t -> t instanceof RuleTarget.Webhook);
    }

    private static List<LocalRule> readFile(Path file, boolean targetsRequired) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new InvalidRuleException(file, null, "cannot read: " + e, e);
        }
        return readText(file, text, file.getFileName().toString().replaceFirst("\\.json$", ""), targetsRequired);
    }

    /** The rules of one file's text ({@code file} null: given as text); unnamed ones are named after {@code stem}. */
    private static List<LocalRule> readText(Path file, String text, String stem, boolean targetsRequired) {
        JsonNode root;
        try {
            root = Json.mapper().readTree(text);
        } catch (JsonProcessingException e) {
            throw new InvalidRuleException(file, null, "not valid JSON: " + describe(e), e);
        }
        if (root == null || root.isMissingNode()) {
            throw new InvalidRuleException(file, null, "empty file: expected a rule object or an array of rules");
        }
        if (root.isObject()) {
            return List.of(readRule(file, root, stem, "the rule", targetsRequired));
        }
        if (!root.isArray()) {
            throw new InvalidRuleException(file, null, "expected a rule object or an array of rules");
        }
        List<LocalRule> rules = new ArrayList<>();
        for (int i = 0; i < root.size(); i++) {
            JsonNode node = root.get(i);
            String position = "rule #" + (i + 1);
            if (!node.isObject()) {
                throw new InvalidRuleException(file, null, position + ": expected an object");
            }
            rules.add(readRule(file, node, stem + "-" + (i + 1), position, targetsRequired));
        }
        return rules;
    }

    private static LocalRule readRule(Path file, JsonNode node, String defaultName, String position,
                                      boolean targetsRequired) {
        JsonNode nameNode = node.get("Name");
        if (nameNode != null && !nameNode.isTextual()) {
            throw new InvalidRuleException(file, null, position + ": Name must be a string");
        }
        String name = nameNode == null ? defaultName : nameNode.asText();
        checkName(file, name);
        checkKeys(file, name, node, RULE_KEYS, "");
        checkDescription(file, name, node.get("Description"));
        if (node.hasNonNull("ScheduleExpression")) {
            throw new InvalidRuleException(file, name, "ScheduleExpression: scheduled rules are not run by the local"
                    + " bus; a rule here matches deployment events with an EventPattern");
        }
        String bus = readBus(file, name, node.get("EventBusName"));

        JsonNode patternNode = node.get("EventPattern");
        if (patternNode == null || patternNode.isNull()) {
            throw new InvalidRuleException(file, name, "EventPattern is missing");
        }
        String pattern = patternText(file, name, patternNode);
        checkPattern(file, name, pattern);

        boolean enabled = readState(file, name, node.get("State"));
        JsonNode targetsNode = node.get("Targets");
        List<RuleTarget> targets = targetsRequired || targetsNode != null && !targetsNode.isNull()
                ? readTargets(file, name, targetsNode) : List.of();
        return new LocalRule(name, pattern, targets, enabled, file, bus);
    }

    /** A key the rule or target reads wrong (a typo such as {@code Stat}) is an error, not a rule that does something else. */
    private static void checkKeys(Path file, String name, JsonNode node, List<String> known, String where) {
        for (java.util.Iterator<String> keys = node.fieldNames(); keys.hasNext(); ) {
            String key = keys.next();
            if (!known.contains(key)) {
                throw new InvalidRuleException(file, name, where + "'" + key + "' is not a key of "
                        + (where.isEmpty() ? "a rule" : "a target") + Suggestions.closest(key, known)
                        .map(s -> "; did you mean '" + s + "'?").orElse("; expected one of: " + String.join(", ", known)));
            }
        }
    }

    private static String readBus(Path file, String name, JsonNode bus) {
        if (bus == null || bus.isNull()) {
            return null;
        }
        if (!bus.isTextual()) {
            throw new InvalidRuleException(file, name, "EventBusName must be a string (a bus name or ARN)");
        }
        try {
            ManifestLoader.validateEventBusName(bus.asText());
        } catch (IllegalArgumentException e) {
            throw new InvalidRuleException(file, name, "EventBusName: " + e.getMessage(), e);
        }
        return bus.asText();
    }

    /**
     * The enabled rules on bus {@code bus} (a name or ARN) of account {@code account} in
     * {@code region}: those whose {@code EventBusName} is that bus (an ARN of this account and region
     * stands for its name), as EventBridge runs only the rules of the bus an event was put on.
     */
    public List<LocalRule> enabledOn(String bus, String account, String region) {
        String key = busKey(bus, account, region);
        return enabled.stream().filter(rule -> busKey(rule.eventBusName(), account, region).equals(key)).toList();
    }

    /** The bus's ARN in {@code account} and {@code region} (a name in the {@code aws} partition, as the local account's). */
    static String busKey(String nameOrArn, String account, String region) {
        return PublishableBuses.arnOf(nameOrArn == null || nameOrArn.isBlank() ? DEFAULT_BUS : nameOrArn.trim(), "aws",
                region, account);
    }

    private static String patternText(Path file, String name, JsonNode patternNode) {
        if (patternNode.isObject()) {
            return patternNode.toString();
        }
        if (patternNode.isTextual()) {
            // put-rule takes the pattern as a JSON string; accept files copied from such calls.
            try {
                JsonNode parsed = Json.mapper().readTree(patternNode.asText());
                if (parsed != null && parsed.isObject()) {
                    return parsed.toString();
                }
            } catch (JsonProcessingException e) {
                throw new InvalidRuleException(file, name, "invalid EventPattern: not valid JSON: " + describe(e), e);
            }
        }
        throw new InvalidRuleException(file, name, "invalid EventPattern: must be a JSON object (or a string holding one)");
    }

    private static void checkPattern(Path file, String name, String pattern) {
        try {
            new Machine().addRule(name, pattern);
        } catch (JsonProcessingException e) {
            throw new InvalidRuleException(file, name, "invalid EventPattern: " + e.getOriginalMessage(), e);
        } catch (IOException | RuntimeException e) {
            throw new InvalidRuleException(file, name, "invalid EventPattern: " + e.getMessage(), e);
        }
    }

    private static void checkName(Path file, String name) {
        if (!RULE_NAME.matcher(name).matches()) {
            throw new InvalidRuleException(file, name,
                    "invalid rule name: 1 to 64 letters, digits, '.', '-' or '_'"
                            + (file == null ? "" : " (set \"Name\" when the file name does not fit)"));
        }
    }

    private static void checkDescription(Path file, String name, JsonNode description) {
        // Documentation for the reader of the file only; checked so a typo'd shape is not silently kept.
        if (description != null && !description.isNull()
                && (!description.isTextual() || description.textValue().length() > MAX_DESCRIPTION)) {
            throw new InvalidRuleException(file, name, "Description must be a string of at most "
                    + MAX_DESCRIPTION + " characters");
        }
    }

    private static boolean readState(Path file, String name, JsonNode state) {
        if (state == null || state.isNull()) {
            return true;
        }
        return switch (state.asText()) {
            case "ENABLED", "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS" -> true;
            case "DISABLED" -> false;
            default -> throw new InvalidRuleException(file, name,
                    "State must be ENABLED or DISABLED, not " + state);
        };
    }

    private static List<RuleTarget> readTargets(Path file, String name, JsonNode targets) {
        if (targets == null || targets.isNull()) {
            throw new InvalidRuleException(file, name, "Targets is missing");
        }
        if (!targets.isArray() || targets.isEmpty()) {
            throw new InvalidRuleException(file, name, "Targets must be a non-empty array");
        }
        List<RuleTarget> result = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < targets.size(); i++) {
            RuleTarget target = readTarget(file, name, targets.get(i), i + 1);
            if (!ids.add(target.id())) {
                throw new InvalidRuleException(file, name, "target #" + (i + 1) + ": duplicate Id '" + target.id() + "'");
            }
            result.add(target);
        }
        return result;
    }

    private static RuleTarget readTarget(Path file, String name, JsonNode node, int number) {
        String position = "target #" + number;
        if (!node.isObject()) {
            throw new InvalidRuleException(file, name, position + ": expected an object");
        }
        checkKeys(file, name, node, TARGET_KEYS, position + ": ");
        JsonNode idNode = node.get("Id");
        // put-targets requires an Id; a file may leave it out and get its position.
        String id = idNode == null || idNode.isNull() ? String.valueOf(number) : idNode.asText();
        String where = position + " (Id '" + id + "')";
        JsonNode arn = node.get("Arn");
        JsonNode endpoint = node.get("HttpEndpoint");
        if ((arn == null) == (endpoint == null)) {
            throw new InvalidRuleException(file, name, where + ": needs exactly one of Arn or HttpEndpoint");
        }
        TargetInput input = readInput(file, name, where, node);
        try {
            if (arn != null) {
                return RuleTarget.ofArn(id, arn.asText(), input);
            }
            return new RuleTarget.Webhook(id, new URI(endpoint.asText()), input);
        } catch (URISyntaxException e) {
            // The URL itself is left out: webhook URLs are secrets.
            throw new InvalidRuleException(file, name, position + " (Id '" + id + "'): HttpEndpoint is not a valid URL: "
                    + e.getReason(), e);
        } catch (IllegalArgumentException e) {
            throw new InvalidRuleException(file, name, position + " (Id '" + id + "'): " + e.getMessage(), e);
        }
    }

    private static TargetInput readInput(Path file, String name, String where, JsonNode target) {
        List<String> present = INPUT_FIELDS.stream()
                .filter(target::hasNonNull)
                .toList();
        if (present.size() > 1) {
            throw new InvalidRuleException(file, name, where + ": only one of Input, InputPath or InputTransformer"
                    + " may be set, not " + String.join(" and ", present));
        }
        if (present.isEmpty()) {
            return TargetInput.matchedEvent();
        }
        JsonNode value = target.get(present.get(0));
        try {
            return switch (present.get(0)) {
                // put-targets takes Input as a JSON string; a file may also write the JSON inline.
                case "Input" -> TargetInput.constant(value.isTextual() ? value.textValue() : value.toString());
                case "InputPath" -> {
                    if (!value.isTextual()) {
                        throw new IllegalArgumentException("InputPath must be a string, e.g. \"$.detail\"");
                    }
                    yield TargetInput.path(value.textValue());
                }
                default -> readTransformer(value);
            };
        } catch (IllegalArgumentException e) {
            throw new InvalidRuleException(file, name, where + ": " + e.getMessage(), e);
        }
    }

    private static TargetInput readTransformer(JsonNode transformer) {
        if (!transformer.isObject()) {
            throw new IllegalArgumentException("InputTransformer must be an object with InputPathsMap and InputTemplate");
        }
        Map<String, String> paths = new LinkedHashMap<>();
        JsonNode pathsNode = transformer.get("InputPathsMap");
        if (pathsNode != null && !pathsNode.isNull()) {
            if (!pathsNode.isObject()) {
                throw new IllegalArgumentException("InputPathsMap must be an object of names and JSON paths");
            }
            for (Map.Entry<String, JsonNode> entry : pathsNode.properties()) {
                if (!entry.getValue().isTextual()) {
                    throw new IllegalArgumentException("InputPathsMap '" + entry.getKey()
                            + "' must be a JSON path string, e.g. \"$.detail.pipelineName\"");
                }
                paths.put(entry.getKey(), entry.getValue().textValue());
            }
        }
        JsonNode template = transformer.get("InputTemplate");
        if (template == null || template.isNull()) {
            throw new IllegalArgumentException("InputTransformer needs an InputTemplate");
        }
        if (!template.isTextual()) {
            // A template inlined as an object cannot hold placeholders where values go (<p> is not JSON).
            throw new IllegalArgumentException("InputTemplate must be a string; write a JSON template as a"
                    + " JSON string, e.g. \"{\\\"text\\\": \\\"<pipeline> failed\\\"}\"");
        }
        return TargetInput.transformer(paths, template.textValue());
    }

    private static InvalidRuleException duplicate(Path file, String name, LocalRule previous) {
        return new InvalidRuleException(file, name, "duplicate rule name, already defined"
                + (previous.source() == null ? "" : " in " + previous.source()));
    }

    private static String describe(JsonProcessingException e) {
        JsonLocation location = e.getLocation();
        String where = location == null ? "" : " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
        return e.getOriginalMessage() + where;
    }
}
