package com.smuscicd.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Stack;

class SmusDeploymentsViewTest {

    /** Columns of the local smus_deployments table (docs/metrics.md), in its order. */
    private static final List<String> LOCAL_COLUMNS = List.of("deploymentid", "pipeline", "target", "outcome",
            "started_at", "ended_at", "failed_phase", "error_code", "duration_ms", "committed_at", "last_event_at", "events");

    @Test
    void columns_names_areTheLocalTablesInOrder() {
        assertThat(SmusDeploymentsView.columns()).extracting(SmusEventsView.Field::name).containsExactlyElementsOf(LOCAL_COLUMNS);
    }

    @Test
    void sql_finalSelect_namesEveryColumnInOrder() {
        String select = SmusDeploymentsView.sql();
        String finalSelect = select.substring(select.lastIndexOf("\nSELECT "), select.lastIndexOf("\nFROM d"));
        int position = 0;
        for (String column : LOCAL_COLUMNS) {
            int found = finalSelect.indexOf(column, position);
            assertThat(found).as("column %s in order in the final SELECT", column).isGreaterThanOrEqualTo(0);
            position = found + column.length();
        }
    }

    @Test
    void sql_failedPhase_isThePhasesFailedEventElseTheOneDeployFailedNamesElseDeploy() {
        String sql = SmusDeploymentsView.sql();

        // the rule of the local table (DeploymentMetricsTest runs this file over the same events as the
        // local table): the latest phase-level Failed event, else details.failedPhase, else deploy
        assertThat(sql).contains("max_by(stage, sequence) FILTER (WHERE status = 'failed' AND stage <> 'deploy') AS phase_failed")
                // the SerDe may lower-case the keys of details: both spellings are read
                .contains("coalesce(json_extract_scalar(details, '$.failedPhase'), json_extract_scalar(details,"
                        + " '$.failedphase'))")
                .contains("max_by(named_failed_phase, sequence) FILTER (WHERE stage = 'deploy' AND status = 'failed'\n"
                        + "             AND named_failed_phase IS NOT NULL) AS named_phase")
                .contains("CASE WHEN completed OR NOT failed THEN NULL ELSE coalesce(phase_failed, named_phase, 'deploy') END"
                        + " AS failed_phase");
        // Deploy-Failed has sequence 2k+2 after phase k completed too (a deployment stopped between
        // phases): the sequence must not name the failed phase
        assertThat(sql).doesNotContain("failed_sequence").doesNotContain("- 2) / 2");
    }

    @Test
    void prestoViewText_whenDecoded_holdsTheFileSqlAndColumnTypes() throws Exception {
        String text = SmusDeploymentsView.prestoViewText("smus_cicd");
        String encoded = text.substring("/* Presto View: ".length(), text.length() - " */".length());
        JsonNode view = new ObjectMapper().readTree(new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8));

        assertThat(view.get("originalSql").asText()).isEqualTo(SmusDeploymentsView.sql()).startsWith("WITH e AS (");
        assertThat(view.get("catalog").asText()).isEqualTo("awsdatacatalog");
        assertThat(view.get("columns")).extracting(c -> c.get("type").asText()).containsExactly(
                "varchar", "varchar", "varchar", "varchar", "timestamp", "timestamp", "varchar", "varchar",
                "bigint", "timestamp", "timestamp", "bigint");
    }

    @Test
    void eventsTable_whenTheEventsViewIsRenamed_failsBecauseTheDeploymentsViewReadsSmusEvents() {
        Stack stack = new Stack(new App(), "Renamed");

        assertThatThrownBy(() -> new EventsTable(stack, "Table", EventsTableProps.builder()
                .viewName("events")
                .bucketName("bucket")
                .build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("smus_events");
    }
}
