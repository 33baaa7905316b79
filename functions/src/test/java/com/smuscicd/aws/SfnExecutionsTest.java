package com.smuscicd.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.smuscicd.deploy.ExecutionNames;
import com.smuscicd.errors.PhaseFailure;
import com.smuscicd.testsupport.AwsTestCredentials;
import com.smuscicd.testsupport.MotoServerExtension;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;

/**
 * {@link SfnExecutions} against moto with the real deployment state machine definition. Moto does
 * not run the Lambda tasks: executions stay RUNNING, which is all that starting needs.
 */
class SfnExecutionsTest {

    @RegisterExtension
    static final MotoServerExtension MOTO = MotoServerExtension.create().resetBeforeEach();

    private static final String INPUT = "{\"deployment\":{\"deploymentId\":\"d-1\"}}";

    private SfnClient sfn;
    private SfnExecutions executions;
    private String stateMachineArn;

    @BeforeEach
    void stateMachine() {
        sfn = AwsClients.forEndpoint(MOTO.endpoint(), Region.of(MOTO.region()), AwsTestCredentials.provider())
                .client(SfnExecutions.CLIENT);
        executions = SfnExecutions.create(sfn);
        stateMachineArn = DeployStateMachineFixture.create(sfn, "smus-cicd-deploy");
    }

    @Test
    void start_whenNameIsNew_startsARunningExecution() {
        SfnExecutions.Started started = executions.start(stateMachineArn, "MyPipeline-prod-abc", INPUT);

        assertThat(started.alreadyStarted()).isFalse();
        assertThat(started.executionArn()).isEqualTo(SfnExecutions.executionArn(stateMachineArn, "MyPipeline-prod-abc"));
        SfnExecutions.Execution execution = executions.describe(started.executionArn());
        assertThat(execution.status()).isEqualTo("RUNNING");
        assertThat(execution.finished()).isFalse();
        assertThat(execution.input()).isEqualTo(INPUT);
    }

    @Test
    void start_whenSameNameAndInputTwice_startsOneExecution() {
        SfnExecutions.Started first = executions.start(stateMachineArn, "same", INPUT);
        SfnExecutions.Started second = executions.start(stateMachineArn, "same", INPUT);

        assertThat(second.executionArn()).isEqualTo(first.executionArn());
        assertThat(sfn.listExecutions(b -> b.stateMachineArn(stateMachineArn)).executions()).hasSize(1);
    }

    @Test
    void start_whenSameNameWithOtherInput_reportsAlreadyStartedWithoutASecondExecution() {
        executions.start(stateMachineArn, "retried-ci-job", INPUT);

        SfnExecutions.Started again = executions.start(stateMachineArn, "retried-ci-job",
                "{\"deployment\":{\"deploymentId\":\"d-2\"}}");

        assertThat(again.alreadyStarted()).isTrue();
        assertThat(again.executionArn()).isEqualTo(SfnExecutions.executionArn(stateMachineArn, "retried-ci-job"));
        assertThat(sfn.listExecutions(b -> b.stateMachineArn(stateMachineArn)).executions()).hasSize(1);
    }

    @Test
    void start_whenExecutionOfThatNameHasEnded_reportsAlreadyStarted() {
        SfnExecutions.Started first = executions.start(stateMachineArn, "ended", INPUT);
        sfn.stopExecution(b -> b.executionArn(first.executionArn()));

        SfnExecutions.Started again = executions.start(stateMachineArn, "ended", INPUT);

        assertThat(again.alreadyStarted()).isTrue();
        assertThat(executions.describe(again.executionArn()).finished()).isTrue();
    }

    @Test
    void start_whenStateMachineMissing_failsWithStateMachineNotFound() {
        String missing = stateMachineArn.replace("smus-cicd-deploy", "no-such-machine");

        assertThatThrownBy(() -> executions.start(missing, "x", INPUT))
                .isInstanceOf(PhaseFailure.class)
                .satisfies(e -> assertThat(((PhaseFailure) e).code()).isEqualTo("STATE_MACHINE_NOT_FOUND"));
    }

    @Test
    void describe_whenExecutionMissing_failsWithExecutionNotFound() {
        assertThatThrownBy(() -> executions.describe(SfnExecutions.executionArn(stateMachineArn, "never")))
                .isInstanceOf(PhaseFailure.class)
                .satisfies(e -> assertThat(((PhaseFailure) e).code()).isEqualTo("EXECUTION_NOT_FOUND"));
    }

    @Test
    void history_returnsOnlyEventsAfterTheGivenId() {
        String arn = executions.start(stateMachineArn, "history", INPUT).executionArn();

        List<HistoryEvent> all = executions.history(arn, 0);
        List<HistoryEvent> later = executions.history(arn, all.get(0).id());

        assertThat(all).isNotEmpty();
        assertThat(later).hasSize(all.size() - 1);
        assertThat(later).allSatisfy(e -> assertThat(e.id()).isGreaterThan(all.get(0).id()));
    }

    @Test
    void executionName_isStableShortAndLimitedToAllowedCharacters() {
        String name = ExecutionNames.of("My Pipeline/with spaces & symbols-" + "x".repeat(100),
                "MyPipeline", "prod", "sha256:abc", "12345");

        assertThat(name).hasSizeLessThanOrEqualTo(SfnExecutions.MAX_NAME_LENGTH).matches("[A-Za-z0-9_-]+")
                .startsWith("My-Pipeline-with-spaces-symbols-");
        assertThat(ExecutionNames.of("My Pipeline/with spaces & symbols-" + "x".repeat(100),
                "MyPipeline", "prod", "sha256:abc", "12345")).isEqualTo(name);
    }

    @Test
    void executionName_whenAnyIdentityPartDiffers_differs() {
        String base = ExecutionNames.of("p-t", "p", "t", "sha256:1", "run-1");

        assertThat(ExecutionNames.of("p-t", "p", "t", "sha256:2", "run-1")).isNotEqualTo(base);
        assertThat(ExecutionNames.of("p-t", "p", "t", "sha256:1", "run-2")).isNotEqualTo(base);
        assertThat(ExecutionNames.of("p-t", "p", "t2", "sha256:1", "run-1")).isNotEqualTo(base);
        // Boundaries between parts count: ("ab","c") is not ("a","bc").
        assertThat(ExecutionNames.of("x", "ab", "c")).isNotEqualTo(ExecutionNames.of("x", "a", "bc"));
    }

    @Test
    void consoleUrl_pointsAtTheExecutionInItsRegion() {
        String arn = "arn:aws:states:eu-west-1:123456789012:execution:smus-cicd-deploy:run-1";

        assertThat(SfnExecutions.consoleUrl(arn)).isEqualTo("https://eu-west-1.console.aws.amazon.com/states/home"
                + "?region=eu-west-1#/v2/executions/details/" + arn);
    }

    @Test
    void executionArn_ofAVersionArn_belongsToTheStateMachine() {
        assertThat(SfnExecutions.executionArn("arn:aws:states:us-east-1:123456789012:stateMachine:deploy:3", "n"))
                .isEqualTo("arn:aws:states:us-east-1:123456789012:execution:deploy:n");
    }
}
