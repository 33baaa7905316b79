package com.smuscicd.local.faults;

/**
 * What goes wrong during one deployment: {@code fault} at {@code dependency} for its first
 * {@code times} requests (connection attempts, for a refused connection), or for all of them.
 */
record Injection(Dependency dependency, Fault fault, int times) {

    /** The fault never stops. */
    static final int FOREVER = Integer.MAX_VALUE;

    /**
     * How many requests a transient fault spoils: as many as one SDK call's attempts (the standard
     * retry strategy's three), so the call fails, the phase fails retryably, and the state machine
     * itself has to retry the phase; EventBridge calls have no SDK retries and are retried by the
     * publisher.
     */
    static final int TRANSIENT_TIMES = 3;

    /** Nothing goes wrong. */
    static Injection none() {
        return new Injection(null, null, 0);
    }

    static Injection transientFault(Dependency dependency, Fault fault) {
        return new Injection(dependency, fault, TRANSIENT_TIMES);
    }

    static Injection persistentFault(Dependency dependency, Fault fault) {
        return new Injection(dependency, fault, FOREVER);
    }

    /**
     * Nothing fails by itself, but the dependency's client gives up early: for tests that make a
     * particular answer late, so that the request takes effect and its response is lost.
     */
    static Injection lateAnswersAt(Dependency dependency) {
        return new Injection(dependency, Fault.TIMEOUT, 0);
    }

    boolean persistent() {
        return times == FOREVER;
    }

    /** Whether {@code fault} is injected at {@code candidate}. */
    boolean at(Dependency candidate, Fault candidateFault) {
        return dependency == candidate && fault == candidateFault;
    }
}
