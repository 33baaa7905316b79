package com.smuscicd.infra;

import java.util.List;
import java.util.Objects;
import software.amazon.awscdk.Stack;

/**
 * The buses the orchestrator's functions may publish to. A deployment names its bus (the
 * manifest's, or {@code --event-bus-name}); the functions publish there, so every bus a
 * deployment may name has to be one of these. The first is the default the functions get as
 * {@code EVENT_BUS_NAME} for deployments that name none.
 *
 * @param buses at least one bus, no duplicates, the default first
 */
public record EventBuses(List<EventBusRef> buses) {

    public EventBuses {
        Objects.requireNonNull(buses, "buses");
        if (buses.isEmpty()) {
            throw new IllegalArgumentException("at least one event bus is needed");
        }
        buses = List.copyOf(buses);
    }

    /** The buses of {@code namesOrArns} (each a name in the stack's account and region, or an ARN). */
    public static EventBuses of(Stack stack, List<String> namesOrArns) {
        return new EventBuses(namesOrArns.stream().map(name -> EventBusRef.of(stack, name)).toList());
    }

    /** The bus of deployments that name none. */
    public EventBusRef defaultBus() {
        return buses.get(0);
    }

    /** The ARNs {@code events:PutEvents} is allowed on, in order. */
    public List<String> arns() {
        return buses.stream().map(EventBusRef::arn).toList();
    }

    /** The buses as given (names or ARNs), comma-separated: the stack output's value. */
    public String joinedNames() {
        return String.join(",", buses.stream().map(EventBusRef::nameOrArn).toList());
    }
}
