package com.smuscicd.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ManifestSuggestionsTest {

    private static final List<String> KEYS = List.of("enabled", "eventBusName", "includeMetadata");

    @Test
    void closest_whenOnlyCaseDiffers_suggestsKey() {
        assertThat(Suggestions.closest("eventbusname", KEYS)).contains("eventBusName");
    }

    @Test
    void closest_whenTwoLettersAreSwapped_countsOneEdit() {
        assertThat(Suggestions.distance("enabeld", "enabled")).isEqualTo(1);
        assertThat(Suggestions.closest("enabeld", KEYS)).contains("enabled");
    }

    @Test
    void closest_whenNothingIsClose_suggestsNothing() {
        assertThat(Suggestions.closest("colour", KEYS)).isEmpty();
        assertThat(Suggestions.closest("bus", KEYS)).isEmpty();
    }

    @Test
    void closest_whenShortNameHasOneTypo_suggestsIt() {
        assertThat(Suggestions.closest("prdo", List.of("dev", "test", "prod"))).contains("prod");
        assertThat(Suggestions.closest("tset", List.of("dev", "test", "prod"))).contains("test");
    }
}
