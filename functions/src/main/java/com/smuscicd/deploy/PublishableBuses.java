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
    /** Partition, region and account of the orchestrator's state machine. */
    private final String partition;
    private final String region;
    private final String account;

    private PublishableBuses(List<String> namesOrArns, String partition, String region, String account) {
        this.namesOrArns = namesOrArns;
        this.partition = partition;
        this.region = region;
        this.account = account;
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
        return new PublishableBuses(names, arn[1], arn[3], arn[4]);
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
        return arnOf(nameOrArn, partition, region, account);
    }

    /**
     * The ARN a bus name stands for in {@code partition}, {@code region} and {@code account} (an
     * ARN as it is): two buses are the same when their ARNs are.
     */
    public static String arnOf(String nameOrArn, String partition, String region, String account) {
        return nameOrArn.startsWith("arn:") ? nameOrArn
                : "arn:" + partition + ":events:" + region + ":" + account + ":event-bus/" + nameOrArn;
    }
}
