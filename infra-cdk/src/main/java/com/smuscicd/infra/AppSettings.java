package com.smuscicd.infra;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Objects;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.constructs.Node;

/**
 * Everything the app reads from CDK context ({@code cdk.json} or {@code -c key=value}), with the
 * defaults that make {@code cdk synth} work from {@code infra-cdk/} without any flag.
 *
 * <p>Relative paths resolve against the working directory, which is {@code infra-cdk/} both for
 * the CDK CLI (it runs the app from the folder holding {@code cdk.json}) and for Surefire.
 *
 * @param eventBusNames the buses the functions may publish to (names or ARNs, no duplicates); the
 *     first is their default ({@code EVENT_BUS_NAME})
 */
public record AppSettings(
        Path functionsDir,
        Path aslFile,
        Path eventSchemaFile,
        List<String> eventBusNames,
        String projectBucketPattern,
        String workflowExecutionRolePattern,
        String workflowRoleArn,
        String projectProfileId,
        RetentionDays logRetention,
        boolean snapStart) {

    public static final String FUNCTIONS_DIR = "functionsDir";
    public static final String ASL_FILE = "aslFile";
    public static final String EVENT_SCHEMA_FILE = "eventSchemaFile";
    /** One bus (name or ARN): the functions' default, listed first among {@link #EVENT_BUS_NAMES}. */
    public static final String EVENT_BUS_NAME = "eventBusName";
    /** More buses deployments may name, comma-separated (or a JSON list in {@code cdk.json}). */
    public static final String EVENT_BUS_NAMES = "eventBusNames";
    public static final String PROJECT_BUCKET_PATTERN = "projectBucketPattern";
    public static final String WORKFLOW_EXECUTION_ROLE_PATTERN = "workflowExecutionRolePattern";
    public static final String WORKFLOW_ROLE_ARN = "workflowRoleArn";
    public static final String PROJECT_PROFILE_ID = "projectProfileId";
    public static final String LOG_RETENTION_DAYS = "logRetentionDays";
    public static final String SNAP_START = "snapStart";

    static final String DEFAULT_FUNCTIONS_DIR = "../functions/target/lambda";
    static final String DEFAULT_ASL_FILE = "../statemachine/src/main/resources/statemachine/deploy.asl.json";
    static final String DEFAULT_EVENT_SCHEMA_FILE = "../events-schema/src/main/resources/smus-events/envelope.schema.json";
    static final String DEFAULT_EVENT_BUS_NAME = "default";
    /**
     * SageMaker Unified Studio creates each project's bucket as
     * {@code amazon-sagemaker-<account>-<region>-<suffix>}; the policies add an
     * {@code aws:ResourceAccount} condition so a same-named bucket in another account never matches.
     */
    static final String DEFAULT_PROJECT_BUCKET_PATTERN = "amazon-sagemaker-*";
    /** SageMaker Unified Studio project user roles, which run the project's workflows. */
    static final String DEFAULT_WORKFLOW_EXECUTION_ROLE_PATTERN = "datazone_usr_role_*";
    static final int DEFAULT_LOG_RETENTION_DAYS = 30;

    private static final Map<Integer, RetentionDays> RETENTION = Map.ofEntries(
            Map.entry(1, RetentionDays.ONE_DAY),
            Map.entry(3, RetentionDays.THREE_DAYS),
            Map.entry(5, RetentionDays.FIVE_DAYS),
            Map.entry(7, RetentionDays.ONE_WEEK),
            Map.entry(14, RetentionDays.TWO_WEEKS),
            Map.entry(30, RetentionDays.ONE_MONTH),
            Map.entry(60, RetentionDays.TWO_MONTHS),
            Map.entry(90, RetentionDays.THREE_MONTHS),
            Map.entry(120, RetentionDays.FOUR_MONTHS),
            Map.entry(150, RetentionDays.FIVE_MONTHS),
            Map.entry(180, RetentionDays.SIX_MONTHS),
            Map.entry(365, RetentionDays.ONE_YEAR),
            Map.entry(400, RetentionDays.THIRTEEN_MONTHS),
            Map.entry(545, RetentionDays.EIGHTEEN_MONTHS),
            Map.entry(731, RetentionDays.TWO_YEARS),
            Map.entry(1827, RetentionDays.FIVE_YEARS),
            Map.entry(3653, RetentionDays.TEN_YEARS));

    public AppSettings {
        Objects.requireNonNull(functionsDir, "functionsDir");
        Objects.requireNonNull(aslFile, "aslFile");
        Objects.requireNonNull(eventSchemaFile, "eventSchemaFile");
        Objects.requireNonNull(eventBusNames, "eventBusNames");
        if (eventBusNames.isEmpty()) {
            throw new IllegalArgumentException("at least one event bus is needed");
        }
        eventBusNames = List.copyOf(eventBusNames);
        Objects.requireNonNull(projectBucketPattern, "projectBucketPattern");
        Objects.requireNonNull(workflowExecutionRolePattern, "workflowExecutionRolePattern");
        Objects.requireNonNull(workflowRoleArn, "workflowRoleArn");
        Objects.requireNonNull(projectProfileId, "projectProfileId");
        Objects.requireNonNull(logRetention, "logRetention");
    }

    /** Reads the settings from the context of {@code node} (normally the app's). */
    public static AppSettings fromContext(Node node) {
        if (node.tryGetContext("functionsJar") != null) {
            // the one jar of all handlers is gone: a stale setting must not be silently ignored
            throw new IllegalArgumentException("context key functionsJar is no longer read: the functions are one jar "
                    + "each now; use -c " + FUNCTIONS_DIR + "=<directory of deploy-lifecycle.jar, ...> (default "
                    + DEFAULT_FUNCTIONS_DIR + ")");
        }
        return new AppSettings(
                Path.of(text(node, FUNCTIONS_DIR, DEFAULT_FUNCTIONS_DIR)),
                Path.of(text(node, ASL_FILE, DEFAULT_ASL_FILE)),
                Path.of(text(node, EVENT_SCHEMA_FILE, DEFAULT_EVENT_SCHEMA_FILE)),
                eventBusNames(node),
                text(node, PROJECT_BUCKET_PATTERN, DEFAULT_PROJECT_BUCKET_PATTERN),
                text(node, WORKFLOW_EXECUTION_ROLE_PATTERN, DEFAULT_WORKFLOW_EXECUTION_ROLE_PATTERN),
                text(node, WORKFLOW_ROLE_ARN, ""),
                text(node, PROJECT_PROFILE_ID, ""),
                retention(text(node, LOG_RETENTION_DAYS, Integer.toString(DEFAULT_LOG_RETENTION_DAYS))),
                Boolean.parseBoolean(text(node, SNAP_START, "false")));
    }

    /** The functions' default bus: the first of {@link #eventBusNames()}. */
    public String eventBusName() {
        return eventBusNames.get(0);
    }

    /**
     * {@code eventBusName} first (when set), then each of {@code eventBusNames}, without repeats;
     * {@code default} when neither is set.
     */
    static List<String> eventBusNames(Node node) {
        Set<String> names = new LinkedHashSet<>();
        String single = text(node, EVENT_BUS_NAME, "");
        if (!single.isEmpty()) {
            names.add(single);
        }
        Object many = node.tryGetContext(EVENT_BUS_NAMES);
        List<String> items = new ArrayList<>();
        if (many instanceof List<?> list) {
            list.forEach(item -> items.add(String.valueOf(item)));
        } else if (many != null) {
            items.addAll(List.of(many.toString().split(",")));
        }
        for (String item : items) {
            if (!item.isBlank()) {
                names.add(item.trim());
            }
        }
        if (names.isEmpty()) {
            names.add(DEFAULT_EVENT_BUS_NAME);
        }
        return List.copyOf(names);
    }

    static RetentionDays retention(String days) {
        RetentionDays value;
        try {
            value = RETENTION.get(Integer.parseInt(days.trim()));
        } catch (NumberFormatException e) {
            value = null;
        }
        if (value == null) {
            throw new IllegalArgumentException("context " + LOG_RETENTION_DAYS + "=" + days
                    + " is not a CloudWatch Logs retention; use one of "
                    + RETENTION.keySet().stream().sorted().toList());
        }
        return value;
    }

    private static String text(Node node, String key, String fallback) {
        Object value = node.tryGetContext(key);
        if (value == null || value.toString().isBlank()) {
            return fallback;
        }
        return value.toString().trim();
    }
}
