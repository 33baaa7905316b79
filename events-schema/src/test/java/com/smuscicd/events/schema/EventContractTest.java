package com.smuscicd.events.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class EventContractTest {

    @Test
    void detailTypes_whenListed_areTheFifteenOfTheSpecInTableOrder() {
        assertThat(EventContract.DETAIL_TYPES)
                .hasSize(15)
                .doesNotHaveDuplicates()
                .startsWith("SMUS-CICD-Deploy-Started", "SMUS-CICD-Deploy-Completed", "SMUS-CICD-Deploy-Failed")
                .endsWith("SMUS-CICD-Deploy-CatalogAssets-Failed")
                .allMatch(t -> t.matches("SMUS-CICD-Deploy(-(ProjectInitialization|BundleUpload|WorkflowCreation|CatalogAssets))?-(Started|Completed|Failed)"));
    }

    @Test
    void detailTypes_whenModified_throws() {
        assertThatThrownBy(() -> EventContract.DETAIL_TYPES.add("SMUS-CICD-Deploy-Skipped"))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void source_whenRead_isTheSpecSource() {
        assertThat(EventContract.SOURCE).isEqualTo("com.amazon.smus.cicd");
    }

    @Test
    void detailSchema_whenRead_isDraft04WithClosedTopLevel() {
        assertThat(EventContract.detailSchema().get("$schema").asText()).isEqualTo("http://json-schema.org/draft-04/schema#");
        assertThat(EventContract.detailSchema().get("additionalProperties").asBoolean(true)).isFalse();
        assertThat(EventContract.detailSchema().at("/properties/metadata/additionalProperties").asBoolean(true)).isFalse();
    }

    @Test
    void patterns_whenRead_areCompactJsonByFileName() {
        Map<String, String> patterns = EventContract.patterns();

        assertThat(patterns).containsOnlyKeys(ContractResources.PATTERN_NAMES);
        assertThat(patterns.get("cloudwatch-logs-all-events")).isEqualTo("{\"source\":[\"com.amazon.smus.cicd\"]}");
        assertThat(patterns.values()).allMatch(text -> !text.contains("\n"));
    }

    @Test
    void patterns_whenModified_throws() {
        assertThatThrownBy(() -> EventContract.patterns().put("mine", "{}"))
                .isInstanceOf(UnsupportedOperationException.class);
    }
}
