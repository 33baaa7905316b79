package com.smuscicd.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SqlFilesTest {

    @Test
    void withoutFinalLineBreak_whenTextEndsInOne_removesOnlyThatOne() {
        assertThat(SqlFiles.withoutFinalLineBreak("SELECT 1;\n")).isEqualTo("SELECT 1;");
        assertThat(SqlFiles.withoutFinalLineBreak("SELECT 1;\r\n")).isEqualTo("SELECT 1;");
        assertThat(SqlFiles.withoutFinalLineBreak("SELECT 1;\n\n")).isEqualTo("SELECT 1;\n");
        assertThat(SqlFiles.withoutFinalLineBreak("SELECT * FROM t \nLIMIT 1")).isEqualTo("SELECT * FROM t \nLIMIT 1");
    }

    @Test
    void read_whenTheResourceIsMissing_namesIt() {
        assertThatThrownBy(() -> SqlFiles.read("athena/queries/nope.sql"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("athena/queries/nope.sql");
    }

    @Test
    void read_queryOfEverySavedQuery_isFoundOnTheClasspath() {
        assertThat(DeploymentQueries.QUERIES).allSatisfy(query -> assertThat(query.sql()).isNotBlank().endsWith(";"));
    }
}
