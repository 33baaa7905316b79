package com.smuscicd.local.bus;

import java.net.URI;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where a rule sends the events it matches, and how the local bus stands in for it.
 *
 * <p>Users' own cloud targets (SNS topics, Lambda functions, state machines, queues...) cannot run
 * offline, so the local bus only records that it would have invoked them ({@link AwsService});
 * CloudWatch Logs log groups become JSON-lines files ({@link LogGroup}); webhooks are really
 * called ({@link Webhook}).
 */
public sealed interface RuleTarget permits RuleTarget.LogGroup, RuleTarget.AwsService, RuleTarget.Webhook {

    /** The target's {@code Id} within its rule. */
    String id();

    /** The target's ARN or URL as it may be shown to a user (webhook URLs without their path). */
    String display();

    /**
     * The target for an ARN: a log group for {@code arn:aws:logs:...:log-group:<name>}, otherwise
     * an AWS service target.
     *
     * @throws IllegalArgumentException when the ARN is malformed
     */
    static RuleTarget ofArn(String id, String arn) {
        String[] parts = arn.split(":", 6);
        if (parts.length < 6 || !parts[0].equals("arn") || parts[1].isEmpty() || parts[5].isEmpty()) {
            throw new IllegalArgumentException("not an ARN (arn:partition:service:region:account:resource): " + arn);
        }
        String service = parts[2];
        if (service.equals("logs")) {
            return new LogGroup(id, arn, LogGroup.nameOf(arn, parts[5]));
        }
        return new AwsService(id, arn, service);
    }

    /**
     * A CloudWatch Logs log group, kept locally as one JSON-lines file of envelopes, like the log
     * events EventBridge writes to the group.
     *
     * @param logGroupName e.g. {@code /aws/events/smus-deploy}
     */
    record LogGroup(String id, String arn, String logGroupName) implements RuleTarget {

        private static final Pattern NAME = Pattern.compile("[.\\-_/#A-Za-z0-9]{1,512}");

        public LogGroup {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(arn, "arn");
            if (!NAME.matcher(logGroupName).matches()) {
                throw new IllegalArgumentException("invalid log group name '" + logGroupName
                        + "' (letters, digits, . - _ / # only): " + arn);
            }
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
    record AwsService(String id, String arn, String service) implements RuleTarget {

        private static final Pattern SERVICE = Pattern.compile("[a-z0-9][a-z0-9-]*");

        public AwsService {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(arn, "arn");
            if (!SERVICE.matcher(service).matches()) {
                throw new IllegalArgumentException("invalid service '" + service + "' in ARN: " + arn);
            }
        }

        @Override
        public String display() {
            return arn;
        }
    }

    /**
     * An HTTP(S) endpoint (e.g. a Slack-style incoming webhook) that receives each matched
     * envelope as a JSON POST body. A local extension: EventBridge itself reaches HTTP endpoints
     * through API destinations.
     */
    record Webhook(String id, URI endpoint) implements RuleTarget {

        public Webhook {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(endpoint, "endpoint");
            String scheme = endpoint.getScheme();
            if (!endpoint.isAbsolute() || endpoint.getHost() == null
                    || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
                throw new IllegalArgumentException("HttpEndpoint must be an absolute http(s) URL with a host");
            }
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
            return "Webhook[id=" + id + ", endpoint=" + display() + "]";
        }
    }
}
