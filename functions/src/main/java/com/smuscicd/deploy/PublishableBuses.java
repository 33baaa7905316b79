package com.smuscicd.deploy;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The event buses the orchestrator's functions may publish to (the stack's {@code EventBusNames}
 * output, the trigger's {@code EVENT_BUS_NAMES}): each a name, in the orchestrator's account and
 * region, or an event-bus ARN, as IAM allows {@code events:PutEvents} on them. A deployment naming
 * any other bus would run with every event denied.
 *
 * <p>Names are compared as the ARNs they stand for, in the partition, region and account of the
 * orchestrator's state machine: {@code deployments} and
 * {@code arn:aws:events:us-east-1:123456789012:event-bus/deployments} are the same bus there.
 */
public final class PublishableBuses {

    private final List<String> namesOrArns;
    private final List<String> arns;
    private final String arnPrefix;

    private PublishableBuses(List<String> namesOrArns, String arnPrefix) {
        this.namesOrArns = namesOrArns;
        this.arnPrefix = arnPrefix;
        this.arns = namesOrArns.stream().map(this::arnOf).toList();
    }

    /**
     * The buses of {@code commaSeparated} for the orchestrator of {@code stateMachineArn}; null when
     * the list is null or blank (not known: nothing is checked).
     *
     * @throws IllegalArgumentException when {@code stateMachineArn} is not a state machine ARN
     */
    public static PublishableBuses of(String commaSeparated, String stateMachineArn) {
        if (commaSeparated == null || commaSeparated.isBlank()) {
            return null;
        }
        String[] arn = Objects.requireNonNull(stateMachineArn, "stateMachineArn").split(":", 6);
        if (arn.length < 6 || !arn[0].equals("arn") || !arn[2].equals("states")) {
            throw new IllegalArgumentException("'" + stateMachineArn + "' is not a state machine ARN");
        }
        List<String> names = Arrays.stream(commaSeparated.split(",")).map(String::trim)
                .filter(name -> !name.isEmpty()).toList();
        return new PublishableBuses(names, "arn:" + arn[1] + ":events:" + arn[3] + ":" + arn[4] + ":event-bus/");
    }

    /** Whether the functions may publish to {@code bus} (a name or an event-bus ARN). */
    public boolean allows(String bus) {
        return arns.contains(arnOf(bus.trim()));
    }

    /** The buses as given, comma-separated with a space: for messages. */
    public String listed() {
        return String.join(", ", namesOrArns);
    }

    /** The buses as given with {@code bus} added, comma-separated: the CDK context value that would allow it. */
    public String with(String bus) {
        return String.join(",", namesOrArns) + "," + bus.trim();
    }

    private String arnOf(String nameOrArn) {
        return nameOrArn.startsWith("arn:") ? nameOrArn : arnPrefix + nameOrArn;
    }
}
