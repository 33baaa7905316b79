package com.smuscicd.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SmusEventsViewTest {

    /** The table of the contract (shared context), in its order. */
    private static final List<String> CONTRACT_COLUMNS = List.of(
            "id", "detail_type", "source", "account", "time", "region", "resources", "version", "timestamp",
            "pipelinename", "stage", "status", "target", "metadata", "deploymentid", "sequence", "durationms",
            "error", "details");

    @Test
    void columns_names_areTheContractColumnsInOrder() {
        assertThat(SmusEventsView.columns()).extracting(SmusEventsView.Field::name).containsExactlyElementsOf(CONTRACT_COLUMNS);
    }

    @Test
    void columns_prestoTypes_matchTheContract() {
        Map<String, String> types = new LinkedHashMap<>();
        SmusEventsView.columns().forEach(c -> types.put(c.name(), c.type().presto()));
        assertThat(types)
                .containsEntry("resources", "array(varchar)")
                .containsEntry("sequence", "bigint")
                .containsEntry("durationms", "bigint")
                .containsEntry("details", "varchar")
                .containsEntry("target", "row(name varchar, stage varchar, "
                        + "domain row(name varchar, region varchar, id varchar), project row(name varchar, id varchar))")
                .containsEntry("error", "row(code varchar, message varchar)")
                .containsEntry("metadata", "row(user varchar, gitcommit varchar, gitbranch varchar, gitrepository varchar, "
                        + "cicdplatform varchar, runid varchar, runurl varchar, committimestamp varchar)");
    }

    @Test
    void rawDetail_hiveType_declaresEveryDetailFieldWithDetailsAsJsonText() {
        assertThat(SmusEventsView.DETAIL.hive()).isEqualTo("struct<version:string,timestamp:string,pipelinename:string,"
                + "stage:string,status:string,target:struct<name:string,stage:string,domain:struct<name:string,"
                + "region:string,id:string>,project:struct<name:string,id:string>>,metadata:struct<user:string,"
                + "gitcommit:string,gitbranch:string,gitrepository:string,cicdplatform:string,runid:string,runurl:string,"
                + "committimestamp:string>,deploymentid:string,sequence:bigint,durationms:bigint,"
                + "error:struct<code:string,message:string>,details:string>");
    }

    @Test
    void columns_timeAndTimestamp_areTimestampsLikeTheLocalTable() {
        Map<String, String> types = new LinkedHashMap<>();
        SmusEventsView.columns().forEach(c -> types.put(c.name(), c.type().presto() + "/" + c.type().hive()));
        assertThat(types)
                .containsEntry("time", "timestamp/timestamp")
                .containsEntry("timestamp", "timestamp/timestamp")
                .containsEntry("pipelinename", "varchar/string");
    }

    @Test
    void sql_whenRendered_typesTheInstantsLiftsTheDetailAndKeepsTheFirstDeliveryOfEachEvent() {
        String typed = "SELECT \"id\", \"detail_type\", \"source\", \"account\", "
                + "CAST(try(from_iso8601_timestamp(\"time\")) AT TIME ZONE 'UTC' AS timestamp) AS \"time\", "
                + "\"region\", \"resources\", \"detail\".\"version\" AS \"version\", "
                + "CAST(try(from_iso8601_timestamp(\"detail\".\"timestamp\")) AT TIME ZONE 'UTC' AS timestamp) AS \"timestamp\", "
                + "\"detail\".\"pipelinename\" AS \"pipelinename\", "
                + "\"detail\".\"stage\" AS \"stage\", \"detail\".\"status\" AS \"status\", "
                + "\"detail\".\"target\" AS \"target\", \"detail\".\"metadata\" AS \"metadata\", "
                + "\"detail\".\"deploymentid\" AS \"deploymentid\", \"detail\".\"sequence\" AS \"sequence\", "
                + "\"detail\".\"durationms\" AS \"durationms\", \"detail\".\"error\" AS \"error\", "
                + "\"detail\".\"details\" AS \"details\" FROM \"smus_events_raw\" WHERE \"id\" IS NOT NULL";
        String names = CONTRACT_COLUMNS.stream().map(c -> '"' + c + '"').collect(java.util.stream.Collectors.joining(", "));

        assertThat(SmusEventsView.sql("smus_events_raw")).isEqualTo("SELECT " + names + " FROM (SELECT " + names
                + ", row_number() OVER (PARTITION BY CASE WHEN \"deploymentid\" IS NOT NULL AND \"sequence\" IS NOT NULL"
                + " THEN \"deploymentid\" || '#' || CAST(\"sequence\" AS varchar) ELSE 'id:' || \"id\" END"
                + " ORDER BY \"time\", \"id\") AS \"delivery\" FROM (" + typed + ") AS \"typed\") AS \"numbered\""
                + " WHERE \"delivery\" = 1");
    }

    @Test
    void prestoViewText_whenDecoded_holdsTheSqlTheSchemaAndEveryColumnType() throws Exception {
        String text = SmusEventsView.prestoViewText("smus_cicd", "smus_events_raw");

        assertThat(text).startsWith("/* Presto View: ").endsWith(" */");
        String encoded = text.substring("/* Presto View: ".length(), text.length() - " */".length());
        JsonNode view = new ObjectMapper().readTree(new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8));
        assertThat(view.get("originalSql").asText()).isEqualTo(SmusEventsView.sql("smus_events_raw"));
        assertThat(view.get("catalog").asText()).isEqualTo("awsdatacatalog");
        assertThat(view.get("schema").asText()).isEqualTo("smus_cicd");
        assertThat(view.get("columns")).hasSize(CONTRACT_COLUMNS.size());
        for (int i = 0; i < CONTRACT_COLUMNS.size(); i++) {
            JsonNode column = view.get("columns").get(i);
            assertThat(column.get("name").asText()).isEqualTo(CONTRACT_COLUMNS.get(i));
            assertThat(column.get("type").asText()).isEqualTo(SmusEventsView.columns().get(i).type().presto());
        }
    }
}
