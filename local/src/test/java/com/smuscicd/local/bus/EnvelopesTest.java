package com.smuscicd.local.bus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.smuscicd.events.DeploymentEvent;
import com.smuscicd.events.EventDetail;
import com.smuscicd.events.schema.EventContract;
import com.smuscicd.json.Json;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

class EnvelopesTest {

    static final List<String> DETAIL_TYPES = EventContract.DETAIL_TYPES;

    @ParameterizedTest
    @FieldSource("DETAIL_TYPES")
    void toJson_whenContractExample_writesExactlyTheExampleEnvelope(String detailType) {
        JsonNode expected = EventContract.example(detailType);

        ObjectNode envelope = Envelopes.toJson(BusFixtures.example(detailType),
                expected.get("account").asText(), expected.get("region").asText());

        // Through text, as archived: numbers then compare by value, not by Java type.
        assertThat(Json.read(Json.write(envelope))).isEqualTo(expected);
        assertThat(EventContract.validateEnvelope(envelope)).isEmpty();
    }

    @Test
    void toJson_whenBuilt_putsEnvelopeFieldsInEventBridgeOrder() {
        ObjectNode envelope = Envelopes.toJson(BusFixtures.example("SMUS-CICD-Deploy-Started"), "123456789012", "eu-west-1");

        assertThat(envelope.fieldNames()).toIterable().containsExactly(
                "version", "id", "detail-type", "source", "account", "time", "region", "resources", "detail");
        assertThat(envelope.get("region").asText()).isEqualTo("eu-west-1");
    }

    @Test
    void toJson_whenTimeHasMilliseconds_writesWholeSecondsInUtc() {
        DeploymentEvent event = withTime(BusFixtures.example("SMUS-CICD-Deploy-Started"),
                OffsetDateTime.parse("2025-11-04T14:30:00.987+02:00").toInstant());

        ObjectNode envelope = Envelopes.toJson(event, "123456789012", "us-east-1");

        assertThat(envelope.get("time").asText()).isEqualTo("2025-11-04T12:30:00Z");
    }

    @Test
    void toJson_whenNoResourcesAndNoMetadata_writesEmptyArrayAndOmitsMetadata() {
        DeploymentEvent example = BusFixtures.example("SMUS-CICD-Deploy-Started");
        EventDetail d = example.detail();
        EventDetail withoutMetadata = new EventDetail(d.version(), d.timestamp(), d.pipelineName(), d.stage(),
                d.status(), d.target(), null, d.deploymentId(), d.sequence(), null, null, null);
        DeploymentEvent event = new DeploymentEvent(example.id(), example.detailType(), example.source(),
                example.time(), null, withoutMetadata);

        ObjectNode envelope = Envelopes.toJson(event, "123456789012", "us-east-1");

        assertThat(envelope.get("resources").isArray()).isTrue();
        assertThat(envelope.get("resources")).isEmpty();
        assertThat(envelope.get("detail").has("metadata")).isFalse();
        assertThat(EventContract.validateEnvelope(envelope)).isEmpty();
    }

    @Test
    void toJson_whenEventHasNoTime_throwsNamingTheField() {
        DeploymentEvent event = withTime(BusFixtures.example("SMUS-CICD-Deploy-Started"), null);

        assertThatThrownBy(() -> Envelopes.toJson(event, "123456789012", "us-east-1"))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("time");
    }

    @Test
    void archiveDay_whenLateEveningAheadOfUtc_usesTheUtcDate() {
        Instant newYearInParis = OffsetDateTime.parse("2026-01-01T00:30:00+01:00").toInstant();

        assertThat(Envelopes.archiveDay("smus-events/", newYearInParis) + "abc.json")
                .isEqualTo("smus-events/2025/12/31/abc.json");
    }

    @Test
    void archiveDay_whenEmptyPrefix_startsWithTheYear() {
        assertThat(Envelopes.archiveDay("", Instant.parse("2025-03-07T01:02:03Z")) + "id-1.json")
                .isEqualTo("2025/03/07/id-1.json");
    }

    private static DeploymentEvent withTime(DeploymentEvent e, Instant time) {
        return new DeploymentEvent(e.id(), e.detailType(), e.source(), time, e.resources(), e.detail());
    }
}
