package com.smuscicd.errors;

import java.util.List;

/**
 * A pipeline manifest that cannot be used, with one message per problem, each in the form
 * {@code file:line:column: field.path message}.
 */
public class InvalidManifestException extends RuntimeException {

    private final List<String> problems;

    public InvalidManifestException(List<String> problems) {
        super(String.join(System.lineSeparator(), problems));
        this.problems = List.copyOf(problems);
    }

    /** Every problem found, in file order. */
    public List<String> problems() {
        return problems;
    }
}
