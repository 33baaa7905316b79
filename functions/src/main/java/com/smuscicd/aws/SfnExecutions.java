package com.smuscicd.aws;

import com.smuscicd.deploy.ExecutionNames;
import com.smuscicd.errors.PhaseFailure;
import com.smuscicd.errors.RetryablePhaseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionAlreadyExistsException;
import software.amazon.awssdk.services.sfn.model.ExecutionDoesNotExistException;
import software.amazon.awssdk.services.sfn.model.ExecutionLimitExceededException;
import software.amazon.awssdk.services.sfn.model.GetExecutionHistoryResponse;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;
import software.amazon.awssdk.services.sfn.model.InvalidArnException;
import software.amazon.awssdk.services.sfn.model.InvalidExecutionInputException;
import software.amazon.awssdk.services.sfn.model.InvalidNameException;
import software.amazon.awssdk.services.sfn.model.StartExecutionResponse;
import software.amazon.awssdk.services.sfn.model.StateMachineDoesNotExistException;

/**
 * Starts and follows executions of the deployment state machine (AWS Step Functions).
 *
 * <p>Starting is idempotent by name: callers derive the execution name from what identifies the
 * deployment ({@link ExecutionNames}), so the same request made twice starts one execution. Step
 * Functions answers a repeated name with other input, or of an execution that has ended, with
 * {@code ExecutionAlreadyExists}: {@link Started#alreadyStarted()}. A repeat with the same input
 * while the execution runs is answered with that execution as if it were new; {@link #start}
 * reports it as started (the CLI's input differs on every run, so for it that is its own call's
 * SDK retry), {@link #startOnce} tells it by its start date (the upload trigger's input is the
 * same on every delivery of an event).
 */
public final class SfnExecutions {

    /** Step Functions' limit on execution names. */
    public static final int MAX_NAME_LENGTH = ExecutionNames.MAX_LENGTH;

    private final Supplier<SfnClient> client;
    private final Clock clock = Clock.systemUTC();

    SfnExecutions(Supplier<SfnClient> client) {
        this.client = Objects.requireNonNull(client, "client");
    }

    /** The Step Functions client. */
    public static final AwsClients.Service<SfnClient> CLIENT = AwsClients.service("sfn", SfnClient::builder);

    /** Executions through a client built on first use, from {@code clients}. */
    public static SfnExecutions create(AwsClients clients) {
        Objects.requireNonNull(clients, "clients");
        return lazy(() -> clients.client(CLIENT));
    }

    /** Executions through the given client. */
    public static SfnExecutions create(SfnClient client) {
        Objects.requireNonNull(client, "client");
        return new SfnExecutions(() -> client);
    }

    /** Executions through a client built on first use. */
    static SfnExecutions lazy(Supplier<SfnClient> client) {
        return new SfnExecutions(client);
    }

    /**
     * The result of {@link #start}.
     *
     * @param alreadyStarted true when an execution of that name existed (running or finished)
     */
    public record Started(String executionArn, boolean alreadyStarted) {
    }

    /** What {@link #describe} tells about an execution. */
    public record Execution(String executionArn, String name, String status, Instant startDate, Instant stopDate,
                           String error, String cause, String input, String output) {

        /** Whether it has ended (succeeded, failed, timed out or aborted). */
        public boolean finished() {
            return !"RUNNING".equals(status) && !"PENDING_REDRIVE".equals(status);
        }
    }

    /**
     * Starts an execution named {@code name} with {@code inputJson}, or recognises that it was started already.
     *
     * @throws PhaseFailure {@code STATE_MACHINE_NOT_FOUND}, {@code INVALID_ARN},
     *     {@code INVALID_EXECUTION_NAME}, {@code INVALID_EXECUTION_INPUT}, {@code ACCESS_DENIED}
     * @throws RetryablePhaseException on throttling, 5xx, I/O, or too many running executions
     */
    public Started start(String stateMachineArn, String name, String inputJson) {
        return start(stateMachineArn, name, inputJson, null);
    }

    /**
     * How far the start date of an execution this call started may seem to lie before the call:
     * the difference between this machine's clock and Step Functions'.
     */
    public static final Duration CLOCK_TOLERANCE = Duration.ofSeconds(1);

    /**
     * As {@link #start}, for callers that send the same input on every repeat: an execution that
     * Step Functions returns with a start date before this call (by more than
     * {@link #CLOCK_TOLERANCE}) was started by an earlier call and is reported
     * {@link Started#alreadyStarted()}. A repeat within the tolerance is reported as started; either
     * way there is one execution.
     */
    public Started startOnce(String stateMachineArn, String name, String inputJson) {
        return start(stateMachineArn, name, inputJson, clock.instant().minus(CLOCK_TOLERANCE));
    }

    private Started start(String stateMachineArn, String name, String inputJson, Instant earlierIfBefore) {
        try {
            StartExecutionResponse response = client.get().startExecution(b -> b.stateMachineArn(stateMachineArn)
                    .name(name).input(inputJson));
            // The same name and input while the first is still running returns that execution: not new either,
            // but Step Functions does not say so; the start date tells.
            boolean earlier = earlierIfBefore != null && response.startDate() != null
                    && response.startDate().isBefore(earlierIfBefore);
            return new Started(response.executionArn(), earlier);
        } catch (ExecutionAlreadyExistsException e) {
            return new Started(executionArn(stateMachineArn, name), true);
        } catch (StateMachineDoesNotExistException e) {
            throw new PhaseFailure("STATE_MACHINE_NOT_FOUND", "state machine " + stateMachineArn + " does not exist", e);
        } catch (InvalidArnException e) {
            throw new PhaseFailure("INVALID_ARN", "not a state machine ARN: " + stateMachineArn, e);
        } catch (InvalidNameException e) {
            throw new PhaseFailure("INVALID_EXECUTION_NAME", "invalid execution name '" + name + "'", e);
        } catch (InvalidExecutionInputException e) {
            throw new PhaseFailure("INVALID_EXECUTION_INPUT", AwsErrors.errorMessage(e), e);
        } catch (ExecutionLimitExceededException e) {
            throw new RetryablePhaseException("THROTTLED", "too many running executions of " + stateMachineArn, e);
        } catch (SdkException e) {
            throw AwsErrors.translate(e, "states:StartExecution " + name);
        }
    }

    /**
     * The execution's status.
     *
     * @throws PhaseFailure {@code EXECUTION_NOT_FOUND} when there is no such execution
     */
    public Execution describe(String executionArn) {
        try {
            DescribeExecutionResponse r = client.get().describeExecution(b -> b.executionArn(executionArn));
            return new Execution(r.executionArn(), r.name(), r.statusAsString(), r.startDate(), r.stopDate(),
                    r.error(), r.cause(), r.input(), r.output());
        } catch (ExecutionDoesNotExistException e) {
            throw new PhaseFailure("EXECUTION_NOT_FOUND", "execution " + executionArn + " does not exist", e);
        } catch (InvalidArnException e) {
            throw new PhaseFailure("INVALID_ARN", "not an execution ARN: " + executionArn, e);
        } catch (SdkException e) {
            throw AwsErrors.translate(e, "states:DescribeExecution " + executionArn);
        }
    }

    /** The execution's history events with an id above {@code afterEventId}, oldest first, all pages read. */
    public List<HistoryEvent> history(String executionArn, long afterEventId) {
        List<HistoryEvent> events = new ArrayList<>();
        String token = null;
        try {
            do {
                String page = token;
                GetExecutionHistoryResponse response = client.get().getExecutionHistory(b -> b
                        .executionArn(executionArn).reverseOrder(false).includeExecutionData(true)
                        .maxResults(1000).nextToken(page));
                for (HistoryEvent event : response.events()) {
                    if (event.id() != null && event.id() > afterEventId) {
                        events.add(event);
                    }
                }
                token = response.nextToken();
            } while (token != null && !token.isEmpty());
        } catch (ExecutionDoesNotExistException e) {
            throw new PhaseFailure("EXECUTION_NOT_FOUND", "execution " + executionArn + " does not exist", e);
        } catch (SdkException e) {
            throw AwsErrors.translate(e, "states:GetExecutionHistory " + executionArn);
        }
        return events;
    }

    /**
     * The ARN of the execution {@code name} of a state machine:
     * {@code arn:<partition>:states:<region>:<account>:execution:<machine>:<name>}.
     */
    public static String executionArn(String stateMachineArn, String name) {
        int marker = stateMachineArn.indexOf(":stateMachine:");
        if (marker < 0) {
            throw new IllegalArgumentException("not a state machine ARN: " + stateMachineArn);
        }
        String machine = stateMachineArn.substring(marker + ":stateMachine:".length());
        int version = machine.indexOf(':');
        if (version >= 0) {
            // A version or alias ARN: executions belong to the state machine itself.
            machine = machine.substring(0, version);
        }
        return stateMachineArn.substring(0, marker) + ":execution:" + machine + ":" + name;
    }

    /** The region of a Step Functions ARN, e.g. {@code us-east-1}; null if it is not an ARN. */
    public static String regionOf(String arn) {
        String[] parts = arn == null ? new String[0] : arn.split(":", 6);
        return parts.length >= 6 && parts[0].equals("arn") && !parts[3].isEmpty() ? parts[3] : null;
    }


    /** The Step Functions console page of an execution. */
    public static String consoleUrl(String executionArn) {
        String region = regionOf(executionArn);
        return "https://" + region + ".console.aws.amazon.com/states/home?region=" + region
                + "#/v2/executions/details/" + executionArn;
    }
}
