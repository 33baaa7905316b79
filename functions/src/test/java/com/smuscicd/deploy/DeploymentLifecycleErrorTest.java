package com.smuscicd.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.smuscicd.events.EventDetail;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The code and message a caught Step Functions error becomes in a -Failed event. */
class DeploymentLifecycleErrorTest {

    @ParameterizedTest
    @CsvSource(delimiterString = " | ", value = {
        // our own failures carry their code
        "com.smuscicd.errors.PhaseFailedException | {\"errorMessage\": \"PROJECT_NOT_FOUND: no project p\"}"
                + " | PROJECT_NOT_FOUND | no project p",
        "com.smuscicd.errors.RetryablePhaseException | {\"errorMessage\": \"THROTTLED: slow down\"}"
                + " | THROTTLED | slow down",
        // the task's timer, and the function's own timeout, which the task timeouts let come first
        "States.Timeout | '' | PHASE_TIMEOUT | the phase timed out",
        "Sandbox.Timedout | {\"errorType\": \"Sandbox.Timedout\", \"errorMessage\": \"RequestId: 1f2e Error: Task timed out"
                + " after 300.00 seconds\"} | PHASE_TIMEOUT | RequestId: 1f2e Error: Task timed out after 300.00 seconds",
        "Lambda.Unknown | The cause could not be determined because Lambda did not return an error type. Returned"
                + " payload: Task timed out after 60.05 seconds | PHASE_TIMEOUT | The cause could not be determined because"
                + " Lambda did not return an error type. Returned payload: Task timed out after 60.05 seconds",
        // an unhandled error that is not a timeout (out of memory) keeps its own name
        "Lambda.Unknown | Runtime exited with error: signal: killed | LAMBDA_UNKNOWN"
                + " | Runtime exited with error: signal: killed",
        "Lambda.TooManyRequestsException | Rate exceeded | TOO_MANY_REQUESTS_EXCEPTION | Rate exceeded",
    })
    void errorOf_givesTheEventsCodeAndMessage(String errorName, String cause, String code, String message) {
        EventDetail.ErrorInfo error = DeploymentLifecycle.errorOf(errorName, cause);

        assertThat(error.code()).isEqualTo(code);
        assertThat(error.message()).isEqualTo(message);
    }
}
