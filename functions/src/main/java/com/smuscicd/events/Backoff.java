package com.smuscicd.events;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.function.LongUnaryOperator;

/**
 * Bounded exponential backoff with full jitter: before retry {@code n} (1-based) wait a random time
 * in {@code [0, min(maxDelay, baseDelay * 2^(n-1))]}. Full jitter spreads the retries of many
 * publishers that were throttled at the same moment instead of having them collide again.
 *
 * @param maxAttempts the first attempt included; at least 1
 * @param baseDelay   the cap before the first retry
 * @param maxDelay    the largest cap
 * @param jitter      picks the actual delay in millis from {@code [0, cap]}; random in production
 */
record Backoff(int maxAttempts, Duration baseDelay, Duration maxDelay, LongUnaryOperator jitter) {

    static final int DEFAULT_MAX_ATTEMPTS = 5;
    static final Duration DEFAULT_BASE_DELAY = Duration.ofMillis(100);
    static final Duration DEFAULT_MAX_DELAY = Duration.ofSeconds(2);

    /**
     * Full jitter: uniformly random in {@code [0, cap]}. From a CSPRNG, as AWS advises for SnapStart:
     * a pseudo-random generator seeded before the snapshot would give every restored copy of a
     * function the same "random" delays, and their retries would collide instead of spreading.
     */
    static final LongUnaryOperator FULL_JITTER = cap -> Jitter.RANDOM.nextLong(cap + 1);

    private static final class Jitter {
        static final SecureRandom RANDOM = new SecureRandom();
    }

    Backoff {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, was " + maxAttempts);
        }
        if (baseDelay.isNegative() || maxDelay.isNegative()) {
            throw new IllegalArgumentException("delays must not be negative");
        }
        if (maxDelay.compareTo(baseDelay) < 0) {
            throw new IllegalArgumentException("maxDelay " + maxDelay + " is below baseDelay " + baseDelay);
        }
    }

    static Backoff defaults() {
        return new Backoff(DEFAULT_MAX_ATTEMPTS, DEFAULT_BASE_DELAY, DEFAULT_MAX_DELAY, FULL_JITTER);
    }

    /** The upper bound of the wait before retry {@code retry} (1 is the first retry). */
    Duration cap(int retry) {
        long base = baseDelay.toMillis();
        long max = maxDelay.toMillis();
        // 2^(retry-1) overflows long past 62 doublings; any cap that large is max anyway.
        int doublings = Math.min(Math.max(retry - 1, 0), 62);
        long cap = base == 0 ? 0 : base > (max >> doublings) ? max : base << doublings;
        return Duration.ofMillis(Math.min(cap, max));
    }

    /** The jittered wait before retry {@code retry}. */
    Duration delay(int retry) {
        long cap = cap(retry).toMillis();
        long chosen = jitter.applyAsLong(cap);
        return Duration.ofMillis(Math.max(0, Math.min(cap, chosen)));
    }
}
