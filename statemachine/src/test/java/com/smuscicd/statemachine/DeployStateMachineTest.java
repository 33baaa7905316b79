package com.smuscicd.statemachine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.smuscicd.deploy.DeployFunctions;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class DeployStateMachineTest {

    private static JsonNode asl;

    @BeforeAll
    static void parse() throws Exception {
        asl = new ObjectMapper().readTree(DeployStateMachine.definition());
    }

    private static List<JsonNode> states(String type) {
        List<JsonNode> found = new ArrayList<>();
        asl.path("States").forEach(s -> {
            if (type.equals(s.path("Type").asText())) {
                found.add(s);
            }
        });
        return found;
    }

    @Test
    void definition_whenParsed_runsTheFourPhasesInOrderBetweenStartAndCompletion() {
        List<String> order = new ArrayList<>();
        String current = asl.path("StartAt").asText();
        while (!current.isEmpty()) {
            order.add(current);
            current = asl.path("States").path(current).path("Next").asText("");
        }
        assertThat(order).containsExactly("DeployStarted",
                "EnterProjectInitialization", "ProjectInitializationStarted", "ProjectInitialization",
                "EnterBundleUpload", "BundleUploadStarted", "BundleUpload",
                "EnterWorkflowCreation", "WorkflowCreationStarted", "WorkflowCreation",
                "EnterCatalogAssets", "CatalogAssetsStarted", "CatalogAssets", "DeployCompleted");
        assertThat(asl.path("States").path("DeployCompleted").path("End").asBoolean()).isTrue();
    }

    @Test
    void definition_everyPlaceholder_isAFunctionTheDeploymentWires() {
        Set<String> placeholders = new LinkedHashSet<>();
        Matcher m = Pattern.compile("\\$\\{([A-Za-z0-9_]+)}").matcher(DeployStateMachine.definition());
        while (m.find()) {
            placeholders.add(m.group(1));
        }
        assertThat(placeholders).containsExactlyInAnyOrder(DeployFunctions.LIFECYCLE,
                DeployFunctions.PROJECT_INITIALIZATION, DeployFunctions.BUNDLE_UPLOAD,
                DeployFunctions.WORKFLOW_CREATION, DeployFunctions.CATALOG_ASSETS);
    }

    @Test
    void definition_everyOwnErrorName_resolvesToAnExceptionClass() {
        Set<String> names = new LinkedHashSet<>();
        asl.path("States").forEach(s -> {
            s.path("Retry").forEach(r -> r.path("ErrorEquals").forEach(e -> names.add(e.asText())));
            s.path("Catch").forEach(c -> c.path("ErrorEquals").forEach(e -> names.add(e.asText())));
        });
        List<String> own = names.stream().filter(n -> !n.startsWith("States.") && !n.startsWith("Lambda.")).toList();
        assertThat(own).isNotEmpty();
        for (String name : own) {
            assertThat(name).as("error name").satisfies(n -> {
                Class<?> type = Class.forName(n);
                assertThat(RuntimeException.class).isAssignableFrom(type);
            });
        }
    }

    @Test
    void definition_everyPhaseTask_retriesLambdaErrorsAndRetryableFailuresAndCatchesAll() {
        List<JsonNode> tasks = states("Task");
        assertThat(tasks).hasSize(11);
        for (String phase : List.of("ProjectInitialization", "BundleUpload", "WorkflowCreation", "CatalogAssets")) {
            JsonNode state = asl.path("States").path(phase);
            List<String> retried = new ArrayList<>();
            state.path("Retry").forEach(r -> r.path("ErrorEquals").forEach(e -> retried.add(e.asText())));
            assertThat(retried).as(phase).contains("Lambda.ServiceException", "Lambda.AWSLambdaException",
                    "Lambda.SdkClientException", "Lambda.TooManyRequestsException",
                    "com.smuscicd.errors.RetryablePhaseException");
            assertThat(state.path("Retry").findValues("BackoffRate")).allMatch(b -> b.asDouble() > 1.0);
            assertThat(state.path("Catch").get(0).path("ErrorEquals").get(0).asText()).isEqualTo("States.ALL");
            assertThat(state.path("Catch").get(0).path("Next").asText()).as(phase).isEqualTo("RecordFailure");
        }
    }

    @Test
    void definition_everyTaskButTheFailurePath_catchesIntoTheFailurePath() {
        asl.path("States").fields().forEachRemaining(e -> {
            if ("Task".equals(e.getValue().path("Type").asText()) && !"RecordFailure".equals(e.getKey())) {
                assertThat(e.getValue().path("Catch").get(0).path("Next").asText()).as(e.getKey())
                        .isEqualTo("RecordFailure");
                // where the failure path reads the error, and how an execution's end tells a caught
                // task from one that completed (ExecutionEnding)
                assertThat(e.getValue().path("Catch").get(0).path("ResultPath").asText()).as(e.getKey())
                        .isEqualTo("$.failure");
            }
        });
        // how an execution's end tells a RecordFailure that failed from one that sent Deploy-Failed
        assertThat(asl.path("States").path("RecordFailure").path("Catch").get(0).path("ResultPath").asText())
                .isEqualTo("$.recordFailureError");
    }

    @Test
    void definition_phaseStartedStates_emitBeforeTheirPhaseAndKeepTheInput() {
        for (String phase : List.of("ProjectInitialization", "BundleUpload", "WorkflowCreation", "CatalogAssets")) {
            JsonNode started = asl.path("States").path(phase + "Started");
            assertThat(started.path("Parameters").path("action").asText()).isEqualTo("phaseStarted");
            assertThat(started.path("ResultPath").isNull()).as(phase + " ResultPath null").isTrue();
            assertThat(started.path("Next").asText()).isEqualTo(phase);
            assertThat(asl.path("States").path("Enter" + phase).path("Next").asText()).isEqualTo(phase + "Started");
        }
    }

    /**
     * Catchers do not apply to the execution's own timeout: reaching it ends the execution
     * TIMED_OUT with no Deploy-Failed event. So it must lie above the longest run the states allow:
     * every state once (the definition has no loops), each task using every attempt its retriers
     * allow, each attempt its whole TimeoutSeconds, and each retry its longest backoff delay.
     */
    @Test
    void definition_executionTimeout_isAboveEveryTaskUsingAllItsAttemptsAndDelays() {
        double worstSeconds = 0;
        for (var it = asl.path("States").fields(); it.hasNext(); ) {
            var entry = it.next();
            JsonNode state = entry.getValue();
            switch (state.path("Type").asText()) {
                case "Task" -> {
                    assertThat(state.has("TimeoutSeconds")).as("%s has TimeoutSeconds", entry.getKey()).isTrue();
                    int attempts = 1;
                    double delays = 0;
                    for (JsonNode retrier : state.path("Retry")) {
                        // ASL defaults: MaxAttempts 3, IntervalSeconds 1, BackoffRate 2.0, no MaxDelaySeconds
                        int maxAttempts = retrier.path("MaxAttempts").asInt(3);
                        double interval = retrier.path("IntervalSeconds").asDouble(1);
                        double rate = retrier.path("BackoffRate").asDouble(2.0);
                        double cap = retrier.path("MaxDelaySeconds").asDouble(Double.MAX_VALUE);
                        attempts += maxAttempts;
                        for (int retry = 0; retry < maxAttempts; retry++) {
                            delays += Math.min(interval * Math.pow(rate, retry), cap);
                        }
                    }
                    worstSeconds += state.get("TimeoutSeconds").asDouble() * attempts + delays;
                }
                case "Pass", "Fail", "Succeed" -> {
                }
                default -> throw new AssertionError("state " + entry.getKey() + " of type "
                        + state.path("Type").asText() + ": add its longest duration to this bound");
            }
        }

        assertThat(asl.path("TimeoutSeconds").asDouble(Double.MAX_VALUE))
                .as("execution TimeoutSeconds against the longest run of the states, %.0f s", worstSeconds)
                .isGreaterThan(worstSeconds);
    }

    @Test
    void definition_theFailurePath_endsInOneFailState() {
        assertThat(states("Fail")).hasSize(1);
        assertThat(asl.path("States").path("RecordFailure").path("Next").asText()).isEqualTo("DeploymentFailed");
        assertThat(asl.path("States").path("RecordFailure").path("Parameters").path("action").asText())
                .isEqualTo("fail");
    }
}
