package com.smuscicd.local.bus;

import java.nio.file.Path;

/**
 * A rule file the local bus cannot use: malformed JSON, an event pattern EventBridge (event-ruler)
 * rejects, a missing {@code EventPattern} or {@code Targets}, a target it cannot deliver to, a
 * target input option that is invalid or set together with another ({@code Input},
 * {@code InputPath}, {@code InputTransformer}), or a rule name used twice. The message names the
 * file and the rule, and the target (position and Id) when the problem is one target's.
 */
public class InvalidRuleException extends RuntimeException {

    private final transient Path file;
    private final String ruleName;

    public InvalidRuleException(Path file, String ruleName, String problem) {
        this(file, ruleName, problem, null);
    }

    public InvalidRuleException(Path file, String ruleName, String problem, Throwable cause) {
        super(describe(file, ruleName, problem), cause);
        this.file = file;
        this.ruleName = ruleName;
    }

    /** The rule file, or null when the rule was not read from a file. */
    public Path file() {
        return file;
    }

    /** The rule's name, or null when the problem is not about one rule (e.g. unreadable file). */
    public String ruleName() {
        return ruleName;
    }

    private static String describe(Path file, String ruleName, String problem) {
        StringBuilder message = new StringBuilder();
        if (file != null) {
            message.append(file).append(": ");
        }
        if (ruleName != null) {
            message.append("rule '").append(ruleName).append("': ");
        }
        return message.append(problem).toString();
    }
}
