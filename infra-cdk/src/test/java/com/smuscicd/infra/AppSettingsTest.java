package com.smuscicd.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.services.logs.RetentionDays;

class AppSettingsTest {

    @Test
    void fromContext_whenNothingIsSet_usesTheRepositoryLayoutDefaults() {
        AppSettings settings = AppSettings.fromContext(new App().getNode());

        assertThat(settings.functionsDir()).isEqualTo(Path.of("../functions/target/lambda"));
        assertThat(settings.aslFile()).isEqualTo(Path.of("../statemachine/src/main/resources/statemachine/deploy.asl.json"));
        assertThat(settings.eventSchemaFile()).isEqualTo(Path.of("../events-schema/src/main/resources/smus-events/envelope.schema.json"));
        assertThat(settings.eventBusName()).isEqualTo("default");
        assertThat(settings.eventBusNames()).containsExactly("default");
        assertThat(settings.projectBucketPattern()).isEqualTo("amazon-sagemaker-*");
        assertThat(settings.workflowExecutionRolePattern()).isEqualTo("datazone_usr_role_*");
        assertThat(settings.workflowRoleArn()).isEmpty();
        assertThat(settings.projectProfileId()).isEmpty();
        assertThat(settings.logRetention()).isEqualTo(RetentionDays.ONE_MONTH);
        assertThat(settings.snapStart()).isFalse();
    }

    @Test
    void fromContext_whenKeysAreSet_readsThem() {
        App app = new App(AppProps.builder().context(Map.of(
                "eventBusName", "arn:aws:events:eu-west-1:111122223333:event-bus/ci",
                "logRetentionDays", 90,
                "snapStart", true,
                "aslFile", "/tmp/other.asl.json")).build());

        AppSettings settings = AppSettings.fromContext(app.getNode());

        assertThat(settings.eventBusName()).isEqualTo("arn:aws:events:eu-west-1:111122223333:event-bus/ci");
        assertThat(settings.logRetention()).isEqualTo(RetentionDays.THREE_MONTHS);
        assertThat(settings.snapStart()).isTrue();
        assertThat(settings.aslFile()).isEqualTo(Path.of("/tmp/other.asl.json"));
    }

    @Test
    void fromContext_whenOnlyEventBusNamesIsSet_readsTheCommaSeparatedListFirstAsDefault() {
        App app = new App(AppProps.builder().context(Map.of("eventBusNames", " ci , ,audit,ci")).build());

        AppSettings settings = AppSettings.fromContext(app.getNode());

        assertThat(settings.eventBusNames()).containsExactly("ci", "audit");
        assertThat(settings.eventBusName()).isEqualTo("ci");
    }

    @Test
    void fromContext_whenBothBusKeysAreSet_putsEventBusNameFirstWithoutRepeats() {
        App app = new App(AppProps.builder().context(Map.of(
                "eventBusName", "default",
                "eventBusNames", List.of("audit", "default"))).build());

        AppSettings settings = AppSettings.fromContext(app.getNode());

        assertThat(settings.eventBusNames()).containsExactly("default", "audit");
    }

    @Test
    void retention_whenNotACloudWatchValue_failsListingTheAllowedOnes() {
        assertThatThrownBy(() -> AppSettings.retention("45"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("logRetentionDays=45")
                .hasMessageContaining("[1, 3, 5, 7, 14, 30, 60, 90");
    }
}
