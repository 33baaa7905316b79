package com.smuscicd.local.bus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.InstanceOfAssertFactories.type;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rules shipped with the example, which every {@code deploy --local} of it loads. */
class ExampleRulesTest {

    private static final Path EXAMPLE_RULES = Path.of("..", "examples", "basic_pipeline", "rules");

    @TempDir
    Path stateDir;

    @Test
    void load_whenExampleRules_callsNoWebhookByDefault() {
        LocalRules rules = LocalRules.load(EXAMPLE_RULES);

        assertThat(rules.all()).extracting(LocalRule::name).contains("smus-slack-failures");
        assertThat(rules.hasWebhooks()).isFalse();
    }

    @Test
    void slackPreviewRule_whenADeploymentFails_writesTheSlackMessageToItsLogGroup() throws IOException {
        LocalRules rules = LocalRules.load(EXAMPLE_RULES);
        RuleTarget.LogGroup preview = rules.find("smus-slack-failures").orElseThrow().targets().stream()
                .findFirst().map(RuleTarget.LogGroup.class::cast).orElseThrow();
        LocalEventBus bus = LocalEventBus.builder().stateDir(stateDir).rules(rules).build();

        bus.publish(List.of(BusFixtures.event("deploy-failed-project-not-found.json"),
                BusFixtures.example("SMUS-CICD-Deploy-Completed"),
                BusFixtures.example("SMUS-CICD-Deploy-ProjectInitialization-Failed")));
        BusFixtures.drain(bus);

        assertThat(preview.fileName()).isEqualTo("aws_events_smus-slack-preview.jsonl");
        assertThat(preview.input()).asInstanceOf(type(TargetInput.Transformer.class))
                .extracting(TargetInput.Transformer::inputTemplate)
                .isEqualTo("{\"text\": \":red_circle: <pipeline> to <target> failed: <code> (<type>)\"}");
        assertThat(Files.readAllLines(bus.logsDir().resolve(preview.fileName()))).containsExactly(
                "{\"text\": \":red_circle: MyPipeline to prod failed: PROJECT_NOT_FOUND (SMUS-CICD-Deploy-Failed)\"}");
    }
}
