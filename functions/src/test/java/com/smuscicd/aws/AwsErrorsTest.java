package com.smuscicd.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.smuscicd.errors.PhaseFailure;
import com.smuscicd.errors.RetryablePhaseException;
import java.io.IOException;
import java.net.ConnectException;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProviderChain;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;

class AwsErrorsTest {

    @Test
    void translate_whenThrottled_isRetryableThrottled() {
        assertThat(AwsErrors.translate(service(400, "ThrottlingException"), "op"))
                .isInstanceOfSatisfying(RetryablePhaseException.class, e -> assertThat(e.code()).isEqualTo("THROTTLED"));
        assertThat(AwsErrors.translate(service(503, "SlowDown"), "op"))
                .isInstanceOfSatisfying(RetryablePhaseException.class, e -> assertThat(e.code()).isEqualTo("THROTTLED"));
    }

    @Test
    void translate_whenServerError_isRetryableServiceUnavailable() {
        assertThat(AwsErrors.translate(service(502, null), "op"))
                .isInstanceOfSatisfying(RetryablePhaseException.class,
                        e -> assertThat(e.code()).isEqualTo("SERVICE_UNAVAILABLE"));
    }

    @Test
    void translate_whenAccessDenied_isPermanentAccessDenied() {
        assertThat(AwsErrors.translate(service(403, "AccessDenied"), "s3:PutObject s3://b/k"))
                .isInstanceOfSatisfying(PhaseFailure.class, e -> {
                    assertThat(e.code()).isEqualTo("ACCESS_DENIED");
                    assertThat(e.getMessage()).startsWith("s3:PutObject s3://b/k: AccessDenied");
                });
    }

    @Test
    void translate_whenCredentialsExpired_isAuthenticationFailed() {
        assertThat(AwsErrors.translate(service(400, "ExpiredToken"), "op"))
                .isInstanceOfSatisfying(PhaseFailure.class, e -> assertThat(e.code()).isEqualTo("AUTHENTICATION_FAILED"));
    }

    @Test
    void translate_whenTheCredentialsChainFindsNothing_saysSoInOneLineInsteadOfTheChain() {
        SdkClientException none = catchThrowableOfType(() -> AwsCredentialsProviderChain.builder()
                .credentialsProviders(ProfileCredentialsProvider.builder().profileName("smus-no-such-profile").build())
                .build().resolveCredentials(), SdkClientException.class);

        assertThat(AwsErrors.noCredentials(none)).isTrue();
        assertThat(AwsErrors.translate(none, "s3:HeadObject s3://b/k"))
                .isInstanceOfSatisfying(PhaseFailure.class, e -> {
                    assertThat(e.code()).isEqualTo("AUTHENTICATION_FAILED");
                    assertThat(e.getMessage()).isEqualTo("s3:HeadObject s3://b/k failed: " + AwsErrors.NO_CREDENTIALS)
                            .doesNotContain("ProviderChain");
                });
    }

    @Test
    void translate_whenOtherServiceError_namesItInUpperSnakeCase() {
        assertThat(AwsErrors.translate(service(404, "ResourceNotFoundException"), "op"))
                .isInstanceOfSatisfying(PhaseFailure.class, e -> assertThat(e.code()).isEqualTo("RESOURCE_NOT_FOUND"));
    }

    @Test
    void translate_whenConnectionRefused_isRetryableNetworkError() {
        SdkClientException refused = SdkClientException.builder().message("Unable to execute HTTP request")
                .cause(new ConnectException("Connection refused")).build();

        assertThat(AwsErrors.translate(refused, "op"))
                .isInstanceOfSatisfying(RetryablePhaseException.class, e -> {
                    assertThat(e.code()).isEqualTo("NETWORK_ERROR");
                    assertThat(e.getMessage()).contains("Connection refused");
                });
    }

    @Test
    void translate_whenTimedOut_isRetryableTimeout() {
        assertThat(AwsErrors.translate(ApiCallTimeoutException.create(1000), "op"))
                .isInstanceOfSatisfying(RetryablePhaseException.class, e -> assertThat(e.code()).isEqualTo("TIMEOUT"));
    }

    @Test
    void translate_whenClientCannotBeConfigured_isPermanent() {
        SdkClientException noRegion = SdkClientException.create("Unable to load region from any of the providers");

        assertThat(AwsErrors.translate(noRegion, "op"))
                .isInstanceOfSatisfying(PhaseFailure.class, e -> assertThat(e.code()).isEqualTo("AWS_CLIENT_ERROR"));
        assertThat(AwsErrors.isTransient(SdkClientException.builder().cause(new IOException("reset")).build())).isTrue();
    }

    private static AwsServiceException service(int status, String code) {
        return AwsServiceException.builder().statusCode(status)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage("message").build())
                .build();
    }
}
