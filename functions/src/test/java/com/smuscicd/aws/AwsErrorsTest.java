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
import software.amazon.awssdk.profiles.ProfileFile;

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
        SdkClientException none = chainFailure(ProfileFile.builder().type(ProfileFile.Type.CONFIGURATION)
                .content(new java.io.ByteArrayInputStream(new byte[0])).build(), "smus-no-such-profile");

        assertThat(AwsErrors.credentialsProblem(none)).contains(AwsErrors.NO_CREDENTIALS);
        assertThat(AwsErrors.translate(none, "s3:HeadObject s3://b/k"))
                .isInstanceOfSatisfying(PhaseFailure.class, e -> {
                    assertThat(e.code()).isEqualTo("AUTHENTICATION_FAILED");
                    assertThat(e.getMessage()).isEqualTo("s3:HeadObject s3://b/k failed: " + AwsErrors.NO_CREDENTIALS)
                            .doesNotContain("ProviderChain");
                });
    }

    @Test
    void translate_whenAConfiguredProviderFails_keepsItsReasonWithoutTheChainDump() {
        // an SSO profile, and no SSO module on the class path of this module
        ProfileFile sso = ProfileFile.builder().type(ProfileFile.Type.CONFIGURATION)
                .content(new java.io.ByteArrayInputStream(("[profile dev]\nsso_session = s\nsso_account_id = 123456789012\n"
                        + "sso_role_name = r\n[sso-session s]\nsso_start_url = https://x.awsapps.com/start\n"
                        + "sso_region = us-east-1\n").getBytes(java.nio.charset.StandardCharsets.UTF_8))).build();

        SdkClientException failed = chainFailure(sso, "dev");

        assertThat(AwsErrors.credentialsProblem(failed)).hasValueSatisfying(problem -> assertThat(problem)
                .startsWith("AWS credentials could not be loaded: ProfileCredentialsProvider: ")
                .contains("'sso' service module").doesNotContain("ProviderChain").doesNotContain("profileFile="));
    }

    @Test
    void credentialsProblem_whenAnotherClientError_isEmpty() {
        assertThat(AwsErrors.credentialsProblem(SdkClientException.create("Unable to load region"))).isEmpty();
    }

    /** What the SDK's credentials chain throws with only a profile provider of {@code profile} in {@code file}. */
    private static SdkClientException chainFailure(ProfileFile file, String profile) {
        return catchThrowableOfType(() -> AwsCredentialsProviderChain.builder()
                .credentialsProviders(ProfileCredentialsProvider.builder().profileFile(file).profileName(profile).build())
                .build().resolveCredentials(), SdkClientException.class);
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
