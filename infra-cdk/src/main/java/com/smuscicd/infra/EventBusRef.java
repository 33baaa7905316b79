package com.smuscicd.infra;

import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.Stack;

/**
 * The bus the functions publish to: the value they get as {@code EVENT_BUS_NAME} and the ARN
 * their {@code events:PutEvents} permission is limited to.
 */
public record EventBusRef(String nameOrArn, String arn) {

    /** A bus given by name (in the stack's account and region) or by full ARN. */
    public static EventBusRef of(Stack stack, String nameOrArn) {
        if (nameOrArn.startsWith("arn:")) {
            return new EventBusRef(nameOrArn, nameOrArn);
        }
        String arn = stack.formatArn(ArnComponents.builder()
                .service("events")
                .resource("event-bus")
                .resourceName(nameOrArn)
                .build());
        return new EventBusRef(nameOrArn, arn);
    }
}
