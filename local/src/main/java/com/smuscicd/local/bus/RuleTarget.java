package com.smuscicd.local.bus;

import java.net.URI;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where a rule sends the events it matches, what it sends ({@link #input()}), and how the local bus
 * stands in for the target.
 *
 * <p>Users' own cloud targets (SNS topics, Lambda functions, state machines, queues...) cannot run
 * offline, so the local bus only records that it would have invoked them ({@link AwsService});
 * CloudWatch Logs log groups become JSON-lines files ({@link LogGroup}); webhooks are really
 * called ({@link Webhook}). Every kind takes EventBridge's target input options alike.
 */
public sealed interface RuleTarget permits RuleTarget.LogGroup, RuleTarget.AwsService, RuleTarget.Webhook {

    /** The target's {@code Id} within its rule. */
    String id();

    /** The target's ARN or URL as it may be shown to a user (webhook URLs without their path). */
    String display();

    /**
     * What the target receives for each matched event: the whole event unless the rule sets
     * {@code Input}, {@code InputPath} or {@code InputTransformer}.
     */
    TargetInput input();

    /**
     * The target for an ARN: a log group for {@code arn:aws:logs:...:log-group:<name>}, otherwise
     * an AWS service target.
     *
     * @throws IllegalArgumentException when the ARN is malformed
     */
    static RuleTarget ofArn(String id, String arn) {
        return ofArn(id, arn, TargetInput.matchedEvent());
    }

    /**
     * As {@link #ofArn(String, String)}, the target receiving {@code input} for each event.
     *
     * @throws IllegalArgumentException when the ARN is malformed
     */
    static RuleTarget ofArn(String id, String arn, TargetInput input) {
        String[] parts = arn.split(":", 6);
        if (parts.length < 6 || !parts[0].equals("arn") || parts[1].isEmpty() || parts[5].isEmpty()) {
            throw new IllegalArgumentException("not an ARN (arn:partition:service:region:account:resource): " + arn);
        }
        String service = parts[2];
        if (service.equals("logs")) {
            return new LogGroup(id, arn, LogGroup.nameOf(arn, parts[5]), input);
        }
        return new AwsService(id, arn, service, input);
    }

    /**
     * A CloudWatch Logs log group, kept locally as a file of one log event per line, like the log
     * events EventBridge writes to the group: the envelope, or the target's input (an input that
     * spans lines is compacted when it is JSON, else written as a JSON string, to stay one line).
     *
     * @param logGroupName e.g. {@code /aws/events/smus-deploy}
     */
    record LogGroup(String id, String arn, String logGroupName, TargetInput input) implements RuleTarget {

        private static final Pattern NAME = Pattern.compile("[.\\-_/#A-Za-z0-9]{1,512}");

        public LogGroup {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(arn, "arn");
            input = input == null ? TargetInput.matchedEvent() : input;
            if (!NAME.matcher(logGroupName).matches()) {
                throw new IllegalArgumentException("invalid log group name '" + logGroupName
                        + "' (letters, digits, . - _ / # only): " + arn);
            }
        }

        /** A log group receiving the whole event. */
        public LogGroup(String id, String arn, String logGroupName) {
            this(id, arn, logGroupName, TargetInput.matchedEvent());
        }

        /** The local file name: the group name with {@code /} as {@code _}, leading {@code _} dropped, plus .jsonl. */
        public String fileName() {
            return logGroupName.replace('/', '_').replaceFirst("^_+", "") + ".jsonl";
        }

        @Override
        public String display() {
            return arn;
        }

        private static String nameOf(String arn, String resource) {
            if (!resource.startsWith("log-group:")) {
                throw new IllegalArgumentException("a logs target must be a log group (…:log-group:<name>): " + arn);
            }
            String name = resource.substring("log-group:".length());
            // put-targets accepts the group ARN with or without the trailing ":*".
            return name.endsWith(":*") ? name.substring(0, name.length() - 2) : name;
        }
    }

    /**
     * Any other AWS target (sns, lambda, states, sqs...). Cannot be invoked offline: each delivery
     * is recorded as "would invoke" in a JSON-lines file per service.
     */
    record AwsService(String id, String arn, String service, TargetInput input) implements RuleTarget {

        private static final Pattern SERVICE = Pattern.compile("[a-z0-9][a-z0-9-]*");

        public AwsService {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(arn, "arn");
            input = input == null ? TargetInput.matchedEvent() : input;
            if (!SERVICE.matcher(service).matches()) {
                throw new IllegalArgumentException("invalid service '" + service + "' in ARN: " + arn);
            }
        }

        /** An AWS target receiving the whole event. */
        public AwsService(String id, String arn, String service) {
            this(id, arn, service, TargetInput.matchedEvent());
        }

        @Override
        public String display() {
            return arn;
        }
    }

    /**
     * An HTTP(S) endpoint (e.g. a Slack-style incoming webhook) that receives each matched event,
     * or the target's input, as a POST body ({@code application/json} when it is JSON, else
     * {@code text/plain}). A local extension: EventBridge itself reaches HTTP endpoints through API
     * destinations, where an {@code InputTransformer} shapes e.g. a Slack message.
     */
    record Webhook(String id, URI endpoint, TargetInput input) implements RuleTarget {

        public Webhook {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(endpoint, "endpoint");
            input = input == null ? TargetInput.matchedEvent() : input;
            String scheme = endpoint.getScheme();
            if (!endpoint.isAbsolute() || endpoint.getHost() == null
                    || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
                throw new IllegalArgumentException("HttpEndpoint must be an absolute http(s) URL with a host");
            }
        }

        /** A webhook receiving the whole event. */
        public Webhook(String id, URI endpoint) {
            this(id, endpoint, TargetInput.matchedEvent());
        }

        /** Scheme and host only: webhook URLs carry their secret in the path (Slack does). */
        @Override
        public String display() {
            String port = endpoint.getPort() < 0 ? "" : ":" + endpoint.getPort();
            return endpoint.getScheme() + "://" + endpoint.getHost() + port + "/…";
        }

        /** Hide the secret part of the URL when a record prints this target. */
        @Override
        public String toString() {
            return "Webhook[id=" + id + ", endpoint=" + display() + ", input=" + input + "]";
        }
    }
}
