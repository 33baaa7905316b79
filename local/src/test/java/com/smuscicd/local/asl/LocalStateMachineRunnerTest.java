package com.smuscicd.local.asl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.smuscicd.deploy.TaskFunction;
import com.smuscicd.errors.RetryablePhaseException;
import com.smuscicd.json.Json;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LocalStateMachineRunnerTest {

    private static final LocalStateMachineRunner.Options NO_DELAY =
            new LocalStateMachineRunner.Options(0.0, Clock.systemUTC(), () -> 1.0, "test");

    private static String oneTask(String taskExtras) {
        return """
                {"StartAt": "Work", "States": {
                  "Work": {"Type": "Task", "Resource": "${Fn}", %s "Next": "Done"},
                  "Done": {"Type": "Succeed"},
                  "Failed": {"Type": "Fail", "Error": "Broken", "Cause": "it broke"}
                }}""".formatted(taskExtras);
    }

    private static ExecutionResult run(String asl, TaskFunction fn, JsonNode input, ExecutionListener listener) {
        return new LocalStateMachineRunner(StateMachineDefinition.parse(asl), Map.of("Fn", fn), NO_DELAY)
                .run("exec-1", input, listener);
    }

    @ParameterizedTest
    @ValueSource(doubles = {Double.NaN, Double.POSITIVE_INFINITY, -0.5, 1e12})
    void options_whenDelayScaleIsNotAFiniteNumberOfZeroOrMore_isRejected(double scale) {
        assertThatThrownBy(() -> new LocalStateMachineRunner.Options(scale, Clock.systemUTC(), () -> 1.0, "test"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("delayScale must be a number from 0 to 1000, got " + scale);
    }

    @Test
    void parse_whenStateTypeUnsupported_namesTheState() {
        String asl = """
                {"StartAt": "Pick", "States": {"Pick": {"Type": "Choice", "Choices": [], "Default": "Pick"}}}""";

        assertThatThrownBy(() -> StateMachineDefinition.parse(asl)).isInstanceOf(AslException.class)
                .hasMessageContaining("state 'Pick'").hasMessageContaining("Choice");
    }

    @Test
    void parse_whenFieldUnsupported_namesStateAndField() {
        String asl = oneTask("\"HeartbeatSeconds\": 5,");

        assertThatThrownBy(() -> StateMachineDefinition.parse(asl))
                .hasMessageContaining("state 'Work'").hasMessageContaining("HeartbeatSeconds");
    }

    @Test
    void parse_whenPathUsesBrackets_rejectsIt() {
        String asl = oneTask("\"Parameters\": {\"x.$\": \"$.items[0]\"},");

        assertThatThrownBy(() -> StateMachineDefinition.parse(asl)).hasMessageContaining("$.items[0]");
    }

    @Test
    void parse_whenIntrinsicFunctionUsed_rejectsIt() {
        String asl = oneTask("\"Parameters\": {\"x.$\": \"States.Format('{}', $.a)\"},");

        assertThatThrownBy(() -> StateMachineDefinition.parse(asl)).hasMessageContaining("intrinsic");
    }

    @Test
    void create_whenAResourceHasNoFunction_namesTheState() {
        StateMachineDefinition definition = StateMachineDefinition.parse(oneTask(""));

        assertThatThrownBy(() -> new LocalStateMachineRunner(definition, Map.of(), NO_DELAY))
                .hasMessageContaining("state 'Work'").hasMessageContaining("${Fn}");
    }

    @Test
    void run_appliesParametersResultPathAndContextObject() {
        String asl = oneTask("""
                "Parameters": {"value.$": "$.in", "fixed": 7, "retry.$": "$$.State.RetryCount", "nested": {"id.$": "$$.Execution.Name"}},
                "ResultPath": "$.out.result",""");

        ExecutionResult result = run(asl, input -> input, Json.read("{\"in\": \"x\"}"), ExecutionListener.NONE);

        assertThat(result.status()).isEqualTo("SUCCEEDED");
        assertThat(result.output()).isEqualTo(Json.read(
                "{\"in\":\"x\",\"out\":{\"result\":{\"value\":\"x\",\"fixed\":7,\"retry\":0,\"nested\":{\"id\":\"exec-1\"}}}}"));
    }

    @Test
    void run_whenRetryableErrorThenSuccess_retriesWithBackoffAndSucceeds() {
        String asl = oneTask("""
                "Retry": [{"ErrorEquals": ["com.smuscicd.errors.RetryablePhaseException"], "IntervalSeconds": 2, "MaxAttempts": 3, "BackoffRate": 2.0}],""");
        AtomicInteger calls = new AtomicInteger();
        List<Duration> delays = new ArrayList<>();
        List<Integer> retryCounts = new ArrayList<>();
        TaskFunction flaky = input -> {
            retryCounts.add(input.path("rc").asInt());
            if (calls.incrementAndGet() < 3) {
                throw new RetryablePhaseException("THROTTLED", "slow down");
            }
            return input;
        };
        ExecutionListener listener = new ExecutionListener() {
            @Override
            public void taskFailed(String state, String error, String cause, int attempt, Duration retryIn) {
                delays.add(retryIn);
            }
        };

        ExecutionResult result = run(asl.replace("\"Retry\"", "\"Parameters\": {\"rc.$\": \"$$.State.RetryCount\"}, \"Retry\""),
                flaky, Json.read("{}"), listener);

        assertThat(result.succeeded()).isTrue();
        assertThat(delays).containsExactly(Duration.ofSeconds(2), Duration.ofSeconds(4));
        assertThat(retryCounts).containsExactly(0, 1, 2);
    }

    @Test
    void run_whenRetriesSpent_catchesWithErrorAndCause() {
        String asl = oneTask("""
                "Retry": [{"ErrorEquals": ["com.smuscicd.errors.RetryablePhaseException"], "MaxAttempts": 2}],
                "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.failure", "Next": "Failed"}],""");
        AtomicInteger calls = new AtomicInteger();

        ExecutionResult result = run(asl, input -> {
            calls.incrementAndGet();
            throw new RetryablePhaseException("THROTTLED", "slow down");
        }, Json.read("{}"), ExecutionListener.NONE);

        assertThat(calls).hasValue(3);
        assertThat(result.status()).isEqualTo("FAILED");
        assertThat(result.error()).isEqualTo("Broken");
        assertThat(result.visited()).containsExactly("Work", "Failed");
    }

    @Test
    void run_whenErrorNotRetriedOrCaught_failsWithTheClassNameAsError() {
        ExecutionResult result = run(oneTask(""), input -> {
            throw new IllegalStateException("nope");
        }, Json.read("{}"), ExecutionListener.NONE);

        assertThat(result.status()).isEqualTo("FAILED");
        assertThat(result.error()).isEqualTo("java.lang.IllegalStateException");
        assertThat(Json.read(result.cause()).path("errorMessage").asText()).isEqualTo("nope");
    }

    @Test
    void run_whenTaskExceedsTimeout_raisesStatesTimeout() {
        String asl = oneTask("""
                "TimeoutSeconds": 1,
                "Catch": [{"ErrorEquals": ["States.TaskFailed"], "Next": "Failed"}],""");

        ExecutionResult result = run(asl, input -> {
            try {
                Thread.sleep(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return input;
        }, Json.read("{}"), ExecutionListener.NONE);

        assertThat(result.error()).as("States.TaskFailed does not match a timeout").isEqualTo("States.Timeout");
    }

    @Test
    void run_whenAPathSelectsNothing_failsWithStatesRuntimeThatCatchAllCannotCatch() {
        String asl = oneTask("""
                "Parameters": {"x.$": "$.missing"},
                "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Failed"}],""");

        ExecutionResult result = run(asl, input -> input, Json.read("{}"), ExecutionListener.NONE);

        assertThat(result.error()).isEqualTo("States.Runtime");
        assertThat(result.cause()).contains("$.missing");
    }

    @Test
    void run_whenATaskOutputExceedsTheStepFunctionsQuota_failsWithDataLimitExceeded() {
        String asl = oneTask("""
                "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Failed"}],""");

        ExecutionResult result = run(asl, input -> Json.tree(Map.of("blob", "x".repeat(300_000))), Json.read("{}"),
                ExecutionListener.NONE);

        assertThat(result.error()).isEqualTo("States.DataLimitExceeded");
        assertThat(result.cause()).contains("state 'Work'").contains("262144");
    }

    @Test
    void run_whenATimedOutTaskIgnoresItsInterrupt_theNextStateStillRuns() {
        String asl = """
                {"StartAt": "Stuck", "States": {
                  "Stuck": {"Type": "Task", "Resource": "${Fn}", "TimeoutSeconds": 1,
                            "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.failure", "Next": "After"}], "Next": "After"},
                  "After": {"Type": "Task", "Resource": "${Fn}", "Parameters": {"after": true}, "End": true}
                }}""";
        TaskFunction fn = input -> {
            if (input.path("after").asBoolean()) {
                return input;
            }
            long until = System.nanoTime() + 4_000_000_000L;
            while (System.nanoTime() < until) {
                Thread.onSpinWait();
            }
            return input;
        };

        long started = System.nanoTime();
        ExecutionResult result = run(asl, fn, Json.read("{}"), ExecutionListener.NONE);

        assertThat(result.succeeded()).isTrue();
        assertThat(result.visited()).containsExactly("Stuck", "After");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("did not wait for the stuck task")
                .isLessThan(Duration.ofMillis(3_500));
    }
}
