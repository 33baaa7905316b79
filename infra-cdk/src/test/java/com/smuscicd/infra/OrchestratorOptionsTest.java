package com.smuscicd.infra;

import static com.smuscicd.infra.OrchestratorStackTest.properties;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/** The orchestrator with every optional context key set (one synthesis for all of them). */
class OrchestratorOptionsTest {

    private static final String BUS = "arn:aws:events:eu-west-1:111122223333:event-bus/ci-events";
    /** A second bus by name; BUS repeated in the list must not be granted twice. */
    private static final String OTHER_BUS = "audit-events";
    private static final Map<String, Object> OTHER_BUS_ARN = OrchestratorStackTest.join("arn:",
            OrchestratorStackTest.ref("AWS::Partition"), ":events:", OrchestratorStackTest.ref("AWS::Region"), ":",
            OrchestratorStackTest.ref("AWS::AccountId"), ":event-bus/" + OTHER_BUS);
    private static final String WORKFLOW_ROLE = "arn:aws:iam::111122223333:role/smus-workflows";

    private static Template template;
    private static RolePermissions permissions;
    private static DocumentedPermissions documented;

    @BeforeAll
    static void synthesize() {
        template = TestApps.orchestratorTemplate(Map.of(
                AppSettings.SNAP_START, "true",
                AppSettings.EVENT_BUS_NAME, BUS,
                AppSettings.EVENT_BUS_NAMES, " " + OTHER_BUS + " ," + BUS,
                AppSettings.WORKFLOW_ROLE_ARN, WORKFLOW_ROLE,
                AppSettings.PROJECT_PROFILE_ID, "profile-1234",
                AppSettings.LOG_RETENTION_DAYS, "90"));
        permissions = new RolePermissions(template);
        documented = new DocumentedPermissions(template, List.of(BUS, OTHER_BUS_ARN), WORKFLOW_ROLE);
    }

    @Test
    void functions_whenSnapStartIsOn_snapshotPublishedVersions() {
        Map<String, Map<String, Object>> functions = template.findResources("AWS::Lambda::Function");
        assertThat(functions).hasSize(TestApps.HANDLERS.size());
        for (Map<String, Object> function : functions.values()) {
            assertThat(properties(function)).containsEntry("SnapStart", Map.of("ApplyOn", "PublishedVersions"));
        }
        template.resourceCountIs("AWS::Lambda::Alias", TestApps.HANDLERS.size());
        template.hasResourceProperties("AWS::Lambda::Alias", Map.of("Name", "live"));
    }

    @Test
    void stateMachine_whenSnapStartIsOn_invokesTheLiveAliasesNotLatest() {
        Map<String, Map<String, Object>> aliases = template.findResources("AWS::Lambda::Alias");
        @SuppressWarnings("unchecked")
        Map<String, Object> substitutions = (Map<String, Object>) properties(
                template.findResources("AWS::StepFunctions::StateMachine").values().iterator().next())
                .get("DefinitionSubstitutions");
        assertThat(substitutions).hasSize(5);
        for (Object arn : substitutions.values()) {
            assertThat(aliases).containsKey(((Map<?, ?>) arn).get("Ref").toString());
        }
        permissions.assertExactly(documented.stateMachineRoleId(), "the deploy state machine",
                documented.ofStateMachine(List.copyOf(substitutions.values())));
    }

    @Test
    void triggerRule_whenSnapStartIsOn_targetsTheTriggerAlias() {
        @SuppressWarnings("unchecked")
        Map<String, Object> target = ((List<Map<String, Object>>) properties(
                OrchestratorStackTest.rule(template, "Trigger")).get("Targets")).get(0);
        assertThat(template.findResources("AWS::Lambda::Alias")).containsKey(((Map<?, ?>) target.get("Arn")).get("Ref").toString());
    }

    @Test
    void triggerAsyncInvoke_whenSnapStartIsOn_isConfiguredOnTheAliasTheRuleInvokes() {
        Map<String, Map<String, Object>> configs = new java.util.TreeMap<>(template.findResources("AWS::Lambda::EventInvokeConfig"));
        configs.keySet().removeIf(id -> !id.startsWith("Trigger"));
        assertThat(configs).hasSize(1);
        @SuppressWarnings("unchecked")
        Map<String, Object> target = ((List<Map<String, Object>>) properties(
                OrchestratorStackTest.rule(template, "Trigger")).get("Targets")).get(0);
        Map<String, Object> config = properties(configs.values().iterator().next());
        // the alias's name, taken from the ARN the rule invokes (the 8th field: ...:function:name:live)
        assertThat(config).containsEntry("Qualifier",
                        Map.of("Fn::Select", List.of(7, Map.of("Fn::Split", List.of(":", target.get("Arn"))))))
                .containsEntry("MaximumRetryAttempts", 2);
    }

    @Test
    void functions_whenTwoBusesAreGiven_defaultToTheFirstAndMayPutOurEventsOnExactlyBoth() {
        for (String handler : TestApps.HANDLERS) {
            template.hasResourceProperties("AWS::Lambda::Function", Map.of(
                    "Handler", "com.smuscicd.lambda." + handler + "::handleRequest",
                    "Environment", Map.of("Variables", Match.objectLike(Map.of("EVENT_BUS_NAME", BUS)))));
        }
        for (String handler : TestApps.HANDLERS) {
            assertThat(permissions.grants(OrchestratorStackTest.roleId(template, handler)))
                    .as("events:PutEvents of %s", handler)
                    .filteredOn(grant -> grant.action().startsWith("events:"))
                    .containsExactlyInAnyOrderElementsOf(RolePermissions.allow("events:PutEvents", List.of(BUS, OTHER_BUS_ARN),
                            DocumentedPermissions.OUR_EVENTS_ONLY));
        }
    }

    @Test
    void functionRoles_whenEveryOptionIsSet_haveExactlyTheDocumentedPermissionsWithTheseBusesAndWorkflowRole() {
        for (String handler : TestApps.HANDLERS) {
            permissions.assertExactly(OrchestratorStackTest.roleId(template, handler), handler, documented.ofFunction(handler));
        }
    }

    @Test
    void bundleTrigger_whenTwoBusesAreGiven_isToldBothToRefuseBundlesNamingAnother() {
        template.hasResourceProperties("AWS::Lambda::Function", Map.of(
                "Handler", "com.smuscicd.lambda.BundleTriggerHandler::handleRequest",
                "Environment", Map.of("Variables", Match.objectLike(Map.of("EVENT_BUS_NAMES", BUS + "," + OTHER_BUS)))));
    }

    @Test
    void eventBusNamesOutput_whenTwoBusesAreGiven_listsThemCommaSeparatedDefaultFirst() {
        template.hasOutput("EventBusNames", Map.of("Value", BUS + "," + OTHER_BUS));
    }

    @Test
    void workflowCreation_whenARoleIsConfigured_passesOnlyThatRole() {
        template.hasResourceProperties("AWS::Lambda::Function", Map.of(
                "Handler", "com.smuscicd.lambda.WorkflowCreationHandler::handleRequest",
                "Environment", Map.of("Variables", Match.objectLike(Map.of("WORKFLOW_ROLE_ARN", WORKFLOW_ROLE)))));
        assertThat(permissions.grants(OrchestratorStackTest.roleId(template, "WorkflowCreationHandler")))
                .filteredOn(grant -> grant.action().startsWith("iam:"))
                .containsExactlyElementsOf(RolePermissions.allow("iam:PassRole", WORKFLOW_ROLE,
                        DocumentedPermissions.PASSED_TO_MWAA_SERVERLESS));
    }

    @Test
    void projectInitialization_whenAProfileIsConfigured_getsItAsProjectProfileId() {
        template.hasResourceProperties("AWS::Lambda::Function", Map.of(
                "Handler", "com.smuscicd.lambda.ProjectInitializationHandler::handleRequest",
                "Environment", Map.of("Variables", Match.objectLike(Map.of("PROJECT_PROFILE_ID", "profile-1234")))));
    }

    @Test
    void logGroups_whenRetentionIsConfigured_keepLogsThatLong() {
        for (Map<String, Object> group : template.findResources("AWS::Logs::LogGroup").values()) {
            assertThat(properties(group)).containsEntry("RetentionInDays", 90);
        }
    }
}
