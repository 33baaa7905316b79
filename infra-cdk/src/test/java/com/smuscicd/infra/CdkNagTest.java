package com.smuscicd.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.Validations;
import software.amazon.awscdk.services.s3.CfnBucket;

/**
 * cdk-nag's AwsSolutions pack over the whole app: every finding must be fixed or acknowledged
 * with a reason next to the code that causes it ({@link Acknowledgments}).
 */
class CdkNagTest {

    private static final String REPORT = "policy-validation-report.json";

    @Test
    void awsSolutions_onBothStacks_leavesNoUnacknowledgedFinding(@TempDir Path out) throws IOException {
        App app = app(out);
        SmusCicdApp.build(app);
        Validations.of(app).addPlugins(new AwsSolutionsChecks(app));

        try {
            app.synth();
        } catch (RuntimeException e) {
            fail("cdk-nag AwsSolutions findings:\n" + String.join("\n", violations(out)), e);
        }

        // A pack that passes is left out of the report; the control test below shows a failing one is in it.
        assertThat(violations(out)).isEmpty();
    }

    @Test
    void awsSolutions_whenABucketIsUnencryptedAndUnlogged_failsSynthesis(@TempDir Path out) throws IOException {
        App app = app(out);
        Stack stack = new Stack(app, "Control");
        new CfnBucket(stack, "Plain");
        Validations.of(app).addPlugins(new AwsSolutionsChecks(app));

        assertThatThrownBy(app::synth).hasMessageContaining("Validation failed");
        assertThat(violations(out)).anySatisfy(v -> assertThat(v).startsWith("AwsSolutions-S1 "))
                .anySatisfy(v -> assertThat(v).startsWith("AwsSolutions-S10 "));
    }

    private static App app(Path out) {
        return new App(AppProps.builder()
                .outdir(out.toString())
                .context(Map.of(
                        AppSettings.FUNCTIONS_DIR, TestApps.fixtureDir().toString(),
                        "@aws-cdk/core:validationReportJson", true))
                .build());
    }

    private static List<String> violations(Path out) throws IOException {
        List<String> lines = new ArrayList<>();
        Path report = out.resolve(REPORT);
        if (!Files.exists(report)) {
            return lines;
        }
        for (JsonNode plugin : new ObjectMapper().readTree(report.toFile()).path("pluginReports")) {
            if (!"AwsSolutions".equals(plugin.path("summary").path("pluginName").asText())) {
                continue;
            }
            for (JsonNode violation : plugin.path("violations")) {
                List<String> where = new ArrayList<>();
                violation.path("violatingResources").forEach(r -> where.add(r.path("constructPath").asText()));
                lines.add(violation.path("ruleName").asText() + " " + where);
            }
        }
        return lines;
    }
}
