package com.smuscicd.metrics;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which deployments the metrics cover.
 *
 * @param pipeline only this pipeline, or null for all
 * @param target   only this target name, or null for all
 * @param since    only deployments started in the last {@code since} before {@code now}, or null
 *                 for the whole archive
 * @param now      the end of the window
 */
public record MetricsQuery(String pipeline, String target, Duration since, Instant now) {

    /** The longest window: 100 years. */
    static final Duration MAX_SINCE = Duration.ofDays(36_500);

    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*([hdw])");

    /** Every deployment in the archive. */
    public static MetricsQuery all(Instant now) {
        return new MetricsQuery(null, null, null, now);
    }

    /**
     * Parses a window such as {@code 30d}, {@code 12h} or {@code 2w}.
     *
     * @throws IllegalArgumentException for anything else
     */
    public static Duration parseSince(String text) {
        Matcher m = DURATION.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("invalid duration '" + text + "': use a number followed by h, d or w"
                    + " (e.g. 12h, 30d, 2w)");
        }
        // beyond a century there are no deployments, and the engine's timestamps end some day
        long n = m.group(1).length() > 9 ? Long.MAX_VALUE : Long.parseLong(m.group(1));
        if (n <= 0) {
            throw new IllegalArgumentException("invalid duration '" + text + "': must be positive");
        }
        Duration since = switch (m.group(2)) {
            case "h" -> Duration.ofHours(Math.min(n, MAX_SINCE.toHours() + 1));
            case "d" -> Duration.ofDays(Math.min(n, MAX_SINCE.toDays() + 1));
            default -> Duration.ofDays(7 * Math.min(n, MAX_SINCE.toDays()));
        };
        if (since.compareTo(MAX_SINCE) > 0) {
            throw new IllegalArgumentException("invalid duration '" + text + "': at most 100 years (36500d)");
        }
        return since;
    }
}
