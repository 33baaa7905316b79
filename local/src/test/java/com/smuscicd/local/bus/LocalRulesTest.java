package com.smuscicd.local.bus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.type;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LocalRulesTest {

    @Test
    void load_whenSpecDirectory_loadsEveryFileInNameOrderNamedAfterIt() {
        LocalRules rules = LocalRules.load(BusFixtures.resource("rules/spec"));

        assertThat(rules.all()).extracting(LocalRule::name).containsExactly(
                "cloudwatch-logs-all-events",
                "common-1-any-failure",
                "common-2-specific-pipeline",
                "common-3-production-only",
                "common-4-workflow-failures",
                "integration-lambda-post-deploy-validation",
                "integration-sns-prod-failures",
                "integration-step-functions-smoke-tests");
        assertThat(rules.all()).allSatisfy(rule -> {
            assertThat(rule.enabled()).isTrue();
            assertThat(rule.source().getFileName()).hasToString(rule.name() + ".json");
        });
    }

    @Test
    void loadForPatterns_whenARuleHasNoTargets_loadsItWithNoneWhileLoadRejectsIt() {
        Path file = BusFixtures.resource("rules/invalid/missing-targets.json");

        assertThat(LocalRules.loadForPatterns(file).all()).singleElement().satisfies(rule -> {
            assertThat(rule.name()).isEqualTo("no-targets");
            assertThat(rule.targets()).isEmpty();
        });
        assertThatThrownBy(() -> LocalRules.load(file)).isInstanceOf(InvalidRuleException.class)
                .hasMessageContaining("Targets is missing");
    }

    @Test
    void parseForPatterns_whenTextHoldsRules_readsThemAsAFileWithTargetsOptionalButChecked() {
        LocalRules rules = LocalRules.parseForPatterns("[{\"EventPattern\": {\"source\": [\"a\"]}},"
                + " {\"Name\": \"b\", \"EventPattern\": \"{\\\"source\\\": [\\\"b\\\"]}\", \"State\": \"DISABLED\"}]");

        assertThat(rules.all()).extracting(LocalRule::name).containsExactly("pattern-1", "b");
        assertThat(rules.all()).extracting(LocalRule::enabled).containsExactly(true, false);
        assertThat(rules.all()).allSatisfy(rule -> assertThat(rule.source()).isNull());
        assertThatThrownBy(() -> LocalRules.parseForPatterns("{\"Name\": \"x\", \"EventPattern\": {\"source\": [\"a\"]},"
                + " \"Targets\": [{\"Id\": \"1\"}]}"))
                .isInstanceOf(InvalidRuleException.class).hasMessageStartingWith("rule 'x': ");
        assertThatThrownBy(() -> LocalRules.parseForPatterns("{\"Name\": \"x\", \"Stat\": \"ENABLED\","
                + " \"EventPattern\": {\"source\": [\"a\"]}}"))
                .isInstanceOf(InvalidRuleException.class).hasMessageContaining("did you mean 'State'?");
    }

    @Test
    void load_whenLogsArn_makesLogGroupTargetWithFlattenedFileName() {
        LocalRules rules = LocalRules.load(BusFixtures.resource("rules/spec"));

        assertThat(rules.find("cloudwatch-logs-all-events").orElseThrow().targets())
                .singleElement(type(RuleTarget.LogGroup.class))
                .satisfies(target -> {
                    assertThat(target.logGroupName()).isEqualTo("/aws/events/smus-deploy");
                    assertThat(target.fileName()).isEqualTo("aws_events_smus-deploy.jsonl");
                });
        assertThat(rules.find("common-4-workflow-failures").orElseThrow().targets())
                .singleElement(type(RuleTarget.LogGroup.class))
                .extracting(RuleTarget.LogGroup::logGroupName)
                .isEqualTo("/smus/common-4-workflow-failures");
    }

    @Test
    void load_whenOtherArns_makesServiceTargetsAndToleratesRoleArn() {
        LocalRules rules = LocalRules.load(BusFixtures.resource("rules/spec"));

        assertThat(rules.find("integration-step-functions-smoke-tests").orElseThrow().targets())
                .first(type(RuleTarget.AwsService.class))
                .satisfies(target -> {
                    assertThat(target.id()).isEqualTo("1");
                    assertThat(target.service()).isEqualTo("states");
                    assertThat(target.arn()).isEqualTo("arn:aws:states:us-east-1:123456789012:stateMachine:smoke-tests");
                });
        assertThat(rules.find("integration-sns-prod-failures").orElseThrow().targets())
                .extracting(RuleTarget::id).containsExactly("1", "log");
    }

    @Test
    void load_whenPatternGivenAsString_keepsItAsCompactJson() {
        LocalRule rule = LocalRules.load(BusFixtures.resource("rules/spec/cloudwatch-logs-all-events.json"))
                .all().get(0);

        assertThat(rule.eventPattern()).isEqualTo("{\"source\":[\"com.amazon.smus.cicd\"]}");
    }

    @Test
    void load_whenFileHoldsArray_loadsEachRuleAndNamesUnnamedOnesByPosition() {
        LocalRules rules = LocalRules.load(BusFixtures.resource("rules/array"));

        assertThat(rules.all()).extracting(LocalRule::name)
                .containsExactly("my-pipeline-failures", "pipeline-alerts-2");
        LocalRule second = rules.all().get(1);
        assertThat(second.eventPattern())
                .isEqualTo("{\"source\":[\"com.amazon.smus.cicd\"],\"detail-type\":[\"SMUS-CICD-Deploy-Completed\"]}");
        assertThat(second.targets()).extracting(RuleTarget::id).containsExactly("topic", "hook");
        assertThat(second.targets().get(1)).isEqualTo(
                new RuleTarget.Webhook("hook", URI.create("https://hooks.slack.com/services/T000/B000/not-a-real-secret")));
        assertThat(rules.all().get(0).targets()).extracting(RuleTarget::id).containsExactly("1");
    }

    @Test
    void load_whenTargetsSetInputOptions_keepsEachOnItsTarget() {
        LocalRules rules = LocalRules.load(BusFixtures.resource("rules/transform/input-options.json"));

        assertThat(rules.find("constant-to-sns").orElseThrow().targets()).extracting(RuleTarget::input).containsExactly(
                TargetInput.constant("{\"alarm\": \"smus-deploy-failed\", \"severity\": 2}"),
                TargetInput.constant("{\"alarm\":\"inline\",\"tags\":[\"a\",\"b\"]}"));
        assertThat(rules.find("paths-to-logs").orElseThrow().targets())
                .allSatisfy(target -> assertThat(target).isInstanceOf(RuleTarget.LogGroup.class))
                .extracting(RuleTarget::input).containsExactly(
                        TargetInput.path("$.detail.target"), TargetInput.path("$.detail.pipelineName"),
                        TargetInput.path("$.detail.metadata.runUrl"), TargetInput.path("$"));
        assertThat(rules.find("text-to-logs").orElseThrow().targets().get(1).input()).isEqualTo(
                TargetInput.transformer(java.util.Map.of("pipeline", "$.detail.pipelineName"), "<pipeline> failed"));
        assertThat(rules.find("predefined-variables").orElseThrow().targets().get(0).input())
                .isInstanceOfSatisfying(TargetInput.Transformer.class, t -> assertThat(t.inputPathsMap()).isEmpty());
    }

    @Test
    void load_whenTargetHasNoInputOption_givesItTheWholeEvent() {
        LocalRules rules = LocalRules.load(BusFixtures.resource("rules/spec"));

        assertThat(rules.all()).flatExtracting(LocalRule::targets).extracting(RuleTarget::input)
                .containsOnly(TargetInput.matchedEvent());
    }

    @Test
    void webhookTarget_whenPrinted_hidesTheSecretPath() {
        RuleTarget.Webhook hook = new RuleTarget.Webhook("hook",
                URI.create("https://hooks.slack.com/services/T000/B000/not-a-real-secret"));

        assertThat(hook.display()).isEqualTo("https://hooks.slack.com/…");
        assertThat(hook.toString()).doesNotContain("not-a-real-secret");
    }

    @Test
    void load_whenStateDisabled_keepsTheRuleButNotAmongEnabled() {
        LocalRules rules = LocalRules.load(BusFixtures.resource("rules/disabled"));

        assertThat(rules.all()).extracting(LocalRule::name).containsExactly("any-failure-disabled");
        assertThat(rules.all().get(0).enabled()).isFalse();
        assertThat(rules.enabled()).isEmpty();
    }

    @Test
    void load_whenPatternInvalid_throwsNamingFileRuleAndEventRulerMessage() {
        Path file = BusFixtures.resource("rules/invalid/bad-pattern.json");

        assertThatThrownBy(() -> LocalRules.load(file))
                .isInstanceOfSatisfying(InvalidRuleException.class, e -> {
                    assertThat(e.file()).isEqualTo(file);
                    assertThat(e.ruleName()).isEqualTo("any-failure-typo");
                })
                .hasMessage(file + ": rule 'any-failure-typo': invalid EventPattern: Unrecognized match type suffx");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            pattern-value-not-array.json    | rule 'prod-only': invalid EventPattern: "source" must be an object or an array
            pattern-string-malformed.json   | rule 'quoted-pattern': invalid EventPattern: not valid JSON: Unexpected end-of-input
            malformed.json                  | not valid JSON: Unexpected close marker '}'
            missing-pattern.json            | rule 'no-pattern': EventPattern is missing
            missing-targets.json            | rule 'no-targets': Targets is missing
            target-without-arn.json         | rule 'nowhere': target #1 (Id '1'): needs exactly one of Arn or HttpEndpoint
            target-bad-arn.json             | rule 'bad-arn': target #1 (Id '1'): not an ARN
            description-too-long.json       | rule 'long-description': Description must be a string of at most 512 characters
            input-options-together.json     | rule 'slack-both': target #1 (Id 'slack'): only one of Input, InputPath or InputTransformer may be set, not Input and InputTransformer
            input-not-json.json             | rule 'constant-text': target #1 (Id 'page'): Input must be valid JSON text: Unrecognized token 'a'
            input-path-index.json           | rule 'first-resource': target #1 (Id 'log'): InputPath: unsupported JSON path '$.resources[0]'
            transformer-path-wildcard.json  | rule 'asset-names': target #1 (Id 'log'): InputPathsMap 'assets': unsupported JSON path '$.detail.details.assets[*]'
            transformer-unknown-placeholder.json | rule 'typo-placeholder': target #1 (Id 'slack'): InputTemplate contains invalid placeholder <pipline>: it is neither a key of InputPathsMap nor a predefined variable
            transformer-template-not-string.json | rule 'inline-template': target #1 (Id 'slack'): InputTemplate must be a string; write a JSON template as a JSON string
            transformer-no-template.json    | rule 'no-template': target #1 (Id 'log'): InputTransformer needs an InputTemplate
            transformer-reserved-key.json   | rule 'reserved-key': target #1 (Id 'log'): InputPathsMap key 'aws.events.rule-name' is reserved
            transformer-placeholder-key.json | rule 'placeholder-key': target #1 (Id 'log'): InputTemplate uses placeholder <stage> in an object key
            transformer-template-bad-json.json | rule 'bad-json-template': target #1 (Id 'slack'): InputTemplate starts with '{' but is not a JSON object once its placeholders are filled in: Unexpected character
            transformer-too-many-paths.json | rule 'too-many-paths': target #1 (Id 'log'): InputPathsMap has 101 entries; EventBridge allows at most 100
            bad-state.json                  | rule 'half-on': State must be ENABLED or DISABLED, not "enabled"
            bad-name.json                   | rule 'prod failures!': invalid rule name
            unknown-rule-key.json           | rule 'typo-state': 'Stat' is not a key of a rule; did you mean 'State'?
            unknown-target-key.json         | rule 'typo-transformer': target #1: 'InputTransfomer' is not a key of a target; did you mean 'InputTransformer'?
            bad-bus.json                    | rule 'bad-bus': EventBusName: event bus ARN "arn:aws:events:us-east-1:123456789012:rule/deployments" is not an event bus ARN
            scheduled.json                  | rule 'nightly': ScheduleExpression: scheduled rules are not run by the local bus
            """)
    void load_whenRuleFileInvalid_throwsNamingFileAndProblem(String fileName, String problem) {
        Path file = BusFixtures.resource("rules/invalid/" + fileName);

        assertThatThrownBy(() -> LocalRules.load(file))
                .isInstanceOf(InvalidRuleException.class)
                .hasMessageStartingWith(file + ": ")
                .hasMessageContaining(problem);
    }

    @ParameterizedTest(name = "{0} on {1}")
    @CsvSource(delimiter = '|', textBlock = """
            ''                                                                 | default                                                    | true
            default                                                            | ''                                                         | true
            deployments                                                        | arn:aws:events:us-east-1:123456789012:event-bus/deployments | true
            deployments                                                        | arn:aws:events:eu-west-1:123456789012:event-bus/deployments | false
            arn:aws:events:us-east-1:123456789012:event-bus/deployments        | deployments                                                | true
            deployments                                                        | default                                                    | false
            arn:aws:events:us-east-1:210987654321:event-bus/deployments        | deployments                                                | false
            arn:aws:events:us-east-1:210987654321:event-bus/central            | arn:aws:events:us-east-1:210987654321:event-bus/central    | true
            """)
    void enabledOn_runsTheRulesOnTheBusTheEventsArePutOn(String ruleBus, String eventBus, boolean runs) {
        LocalRule rule = new LocalRule("r", "{\"source\":[\"com.amazon.smus.cicd\"]}",
                List.of(RuleTarget.ofArn("1", "arn:aws:sns:us-east-1:123456789012:alerts")),
                true, null, ruleBus.isEmpty() ? null : ruleBus);
        LocalRules rules = LocalRules.of(List.of(rule));

        assertThat(rules.enabledOn(eventBus.isEmpty() ? null : eventBus, "123456789012", "us-east-1"))
                .hasSize(runs ? 1 : 0);
    }

    @Test
    void load_whenARuleHasTheKeysDescribeRulePrints_acceptsThemAndKeepsItsBus() throws IOException {
        Path file = Files.createTempFile("described", ".json");
        Files.writeString(file, """
                {"Name": "prod-failures", "Arn": "arn:aws:events:us-east-1:123456789012:rule/deployments/prod-failures",
                 "EventBusName": "deployments", "State": "ENABLED", "CreatedBy": "123456789012",
                 "EventPattern": "{\\"source\\":[\\"com.amazon.smus.cicd\\"]}",
                 "Targets": [{"Id": "1", "Arn": "arn:aws:sns:us-east-1:123456789012:alerts",
                              "RetryPolicy": {"MaximumRetryAttempts": 3}}]}
                """);
        try {
            LocalRule rule = LocalRules.load(file).all().get(0);

            assertThat(rule.eventBusName()).isEqualTo("deployments");
            assertThat(LocalRules.load(file).enabledOn("default", "123456789012", "us-east-1")).isEmpty();
        } finally {
            Files.deleteIfExists(file);
        }
    }

    @Test
    void load_whenDirectoryHasAnInvalidFile_failsOnIt() {
        assertThatThrownBy(() -> LocalRules.load(BusFixtures.resource("rules/invalid")))
                .isInstanceOf(InvalidRuleException.class)
                .hasMessageContaining("invalid" + java.io.File.separator);
    }

    @Test
    void load_whenTwoFilesUseOneName_throwsNamingBothFiles() {
        Path dir = BusFixtures.resource("rules/duplicate");

        assertThatThrownBy(() -> LocalRules.load(dir))
                .isInstanceOf(InvalidRuleException.class)
                .hasMessage(dir.resolve("b-second.json") + ": rule 'prod-failures': duplicate rule name, already defined in "
                        + dir.resolve("a-first.json"));
    }

    @Test
    void load_whenPathMissing_throwsNamingIt() {
        Path missing = Path.of("no", "such", "rules");

        assertThatThrownBy(() -> LocalRules.load(missing))
                .isInstanceOf(InvalidRuleException.class)
                .hasMessage(missing + ": no such rules file or directory");
    }

    @Test
    void of_whenPatternInvalid_throwsNamingTheRule() {
        LocalRule rule = new LocalRule("typo", "{\"source\":[{\"prefx\":\"com.\"}]}",
                List.of(RuleTarget.ofArn("1", "arn:aws:sns:us-east-1:123456789012:t")), true, null);

        assertThatThrownBy(() -> LocalRules.of(List.of(rule)))
                .isInstanceOf(InvalidRuleException.class)
                .hasMessage("rule 'typo': invalid EventPattern: Unrecognized match type prefx");
    }

    @Test
    void ofArn_whenLogsArnIsNotALogGroup_throws() {
        assertThatThrownBy(() -> RuleTarget.ofArn("1", "arn:aws:logs:us-east-1:123456789012:destination:d"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("log group");
    }
}
