package com.smuscicd.metrics;

/**
 * What an opened archive holds.
 *
 * @param files            archive files found
 * @param filesRead        files parsed by this open (the rest came from the cache)
 * @param deliveries       event lines read, duplicates included ({@code smus_events_raw})
 * @param events           distinct events ({@code smus_events})
 * @param cached           whether a persistent cache was used
 */
public record ArchiveStats(long files, long filesRead, long deliveries, long events, boolean cached) {
}
