package com.smuscicd.aws;

import com.smuscicd.errors.ErrorCodes;
import com.smuscicd.errors.PhaseFailure;
import com.smuscicd.errors.RetryablePhaseException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * The one place where AWS SDK exceptions become the errors the state machine understands:
 * transient ones (throttling, 5xx, I/O, timeouts) become {@link RetryablePhaseException} so the
 * state machine retries them; permanent ones become {@link PhaseFailure} with a stable code.
 *
 * <p>Adapters first handle the service errors that mean something specific to them (no such key,
 * a conflict that means "already exists") and hand everything else to {@link #translate}.
 */
public final class AwsErrors {

    /** Error codes AWS services use for throttling, beyond what {@code isThrottlingException} knows. */
    static final Set<String> THROTTLING_CODES = Set.of(
            "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
            "TooManyRequestsException", "ProvisionedThroughputExceededException", "TransactionInProgressException",
            "RequestLimitExceeded", "BandwidthLimitExceeded", "LimitExceededException", "RequestThrottled",
            "SlowDown", "PriorRequestNotComplete", "EC2ThrottledException");

    /** Error codes of transient server-side trouble that some services send with a 4xx status. */
    static final Set<String> TRANSIENT_CODES = Set.of(
            "InternalServerException", "InternalFailure", "InternalError", "ServiceUnavailable",
            "ServiceUnavailableException", "OperationTimeoutException", "RequestTimeout", "RequestTimeoutException",
            "ServiceException");

    static final Set<String> ACCESS_DENIED_CODES = Set.of(
            "AccessDenied", "AccessDeniedException", "AllAccessDisabled", "UnauthorizedOperation",
            "AuthorizationError", "NotAuthorized");

    static final Set<String> AUTHENTICATION_CODES = Set.of(
            "ExpiredToken", "ExpiredTokenException", "InvalidClientTokenId", "UnrecognizedClientException",
            "InvalidAccessKeyId", "SignatureDoesNotMatch", "IncompleteSignature", "InvalidToken",
            "MissingAuthenticationToken");

    private static final int HTTP_FORBIDDEN = 403;
    private static final int HTTP_TOO_MANY_REQUESTS = 429;
    private static final int HTTP_SERVER_ERROR = 500;

    /** What the SDK's complaint (a dump of its whole credentials chain) means, in one line. */
    public static final String NO_CREDENTIALS = "no AWS credentials found (AWS_PROFILE or a profile in ~/.aws,"
            + " AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, a web identity token (a CI job's OIDC role), or a"
            + " container or instance role)";

    private AwsErrors() {
    }

    /** How the SDK's credentials chain begins its complaint, before naming every provider it tried. */
    private static final String CHAIN_FAILED = "Unable to load credentials from any of the providers in the chain";
    /** What a provider of the chain says when it is merely not set up: the usual case, not a reason. */
    private static final List<String> NOT_SET_UP = List.of(
            "Unable to load credentials from system settings",
            "Either the environment variable AWS_WEB_IDENTITY_TOKEN_FILE or the javaproperty",
            "Profile file contained no credentials for profile",
            "does not exist",
            "Cannot fetch credentials from container - neither",
            "IMDS credentials have been disabled",
            "Failed to load credentials from IMDS");
    private static final Pattern PROVIDER_REASON = Pattern.compile(", (?=[A-Za-z]+CredentialsProvider\\()");

    /**
     * What went wrong with the credentials when the SDK's chain found none, in one line: "none found"
     * when no provider was set up, else the reasons of those that were (a profile needing a module,
     * a web identity the STS refused...); empty for any other exception.
     */
    public static Optional<String> credentialsProblem(SdkException e) {
        String message = e.getMessage();
        if (!(e instanceof SdkClientException) || message == null || !message.startsWith(CHAIN_FAILED)) {
            return Optional.empty();
        }
        int list = message.indexOf(") : [");
        String reasons = list < 0 ? "" : message.substring(list + ") : [".length(),
                message.endsWith("]") ? message.length() - 1 : message.length());
        List<String> real = new ArrayList<>();
        for (String reason : PROVIDER_REASON.split(reasons)) {
            if (!reason.isBlank() && NOT_SET_UP.stream().noneMatch(reason::contains)) {
                // "ProfileCredentialsProvider(profileName=x, profileFile=...): why" -> "ProfileCredentialsProvider: why"
                real.add(reason.replaceFirst("^([A-Za-z]+CredentialsProvider)\\(.*?\\): ", "$1: "));
            }
        }
        if (real.isEmpty() || list < 0) {
            return Optional.of(NO_CREDENTIALS);
        }
        String why = String.join("; ", real);
        return Optional.of("AWS credentials could not be loaded: " + why
                + (why.contains("SSO token") ? " (sign in first: aws sso login)" : ""));
    }

    /**
     * The error for an SDK exception of {@code operation} (e.g. {@code "s3:PutObject s3://b/k"}),
     * to be thrown by the caller.
     */
    public static RuntimeException translate(SdkException e, String operation) {
        if (e instanceof AwsServiceException service) {
            return translateService(service, operation);
        }
        if (e instanceof ApiCallTimeoutException || e instanceof ApiCallAttemptTimeoutException) {
            return new RetryablePhaseException("TIMEOUT", operation + " timed out: " + e.getMessage(), e);
        }
        if (e instanceof AbortedException) {
            return new RetryablePhaseException("INTERRUPTED", operation + " was interrupted", e);
        }
        if (e instanceof SdkClientException && isIo(e)) {
            // Connection refused or reset, DNS, socket timeout: the request may not have reached AWS.
            return new RetryablePhaseException("NETWORK_ERROR", operation + " failed: " + rootMessage(e), e);
        }
        Optional<String> credentials = credentialsProblem(e);
        if (credentials.isPresent()) {
            String message = operation + " failed: " + credentials.get();
            // e.g. the STS of a web identity unreachable: trying again can work
            return message.contains("Unable to execute HTTP request")
                    ? new RetryablePhaseException("NETWORK_ERROR", message, e)
                    : new PhaseFailure("AUTHENTICATION_FAILED", message, e);
        }
        // Missing region and the like: retrying cannot help.
        return new PhaseFailure("AWS_CLIENT_ERROR", operation + " failed: " + e.getMessage(), e);
    }

    /** Whether this exception is one the state machine should retry. */
    public static boolean isTransient(SdkException e) {
        return translate(e, "") instanceof RetryablePhaseException;
    }

    /** The service's error code, e.g. {@code NoSuchBucket}; null when there is none. */
    public static String errorCode(AwsServiceException e) {
        return e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
    }

    /** The service's error message without the SDK's request-id suffix. */
    public static String errorMessage(AwsServiceException e) {
        if (e.awsErrorDetails() != null && e.awsErrorDetails().errorMessage() != null) {
            return e.awsErrorDetails().errorMessage();
        }
        return e.getMessage();
    }

    private static RuntimeException translateService(AwsServiceException e, String operation) {
        String code = errorCode(e);
        int status = e.statusCode();
        String message = operation + ": " + (code == null ? "HTTP " + status : code) + ": " + errorMessage(e);
        if (e.isThrottlingException() || status == HTTP_TOO_MANY_REQUESTS || in(THROTTLING_CODES, code)) {
            return new RetryablePhaseException("THROTTLED", message, e);
        }
        if (status >= HTTP_SERVER_ERROR || in(TRANSIENT_CODES, code)) {
            return new RetryablePhaseException("SERVICE_UNAVAILABLE", message, e);
        }
        if (in(AUTHENTICATION_CODES, code)) {
            return new PhaseFailure("AUTHENTICATION_FAILED", message, e);
        }
        if (in(ACCESS_DENIED_CODES, code) || status == HTTP_FORBIDDEN) {
            return new PhaseFailure("ACCESS_DENIED", message, e);
        }
        if ("NoSuchBucket".equals(code)) {
            return new PhaseFailure("BUCKET_NOT_FOUND", message, e);
        }
        if ("ValidationException".equals(code) || "InvalidParameterValue".equals(code)
                || "InvalidRequest".equals(code)) {
            return new PhaseFailure("INVALID_REQUEST", message, e);
        }
        return new PhaseFailure(code == null ? "AWS_ERROR_" + status : upperSnake(code), message, e);
    }

    private static boolean in(Set<String> codes, String code) {
        // Set.of(...).contains(null) throws.
        return code != null && codes.contains(code);
    }

    /** {@code ResourceNotFoundException} to {@code RESOURCE_NOT_FOUND}. */
    static String upperSnake(String code) {
        return ErrorCodes.upperSnake(code.replaceAll("Exception$", ""), "AWS_ERROR");
    }

    private static boolean isIo(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IOException || t instanceof UncheckedIOException) {
                return true;
            }
        }
        // The SDK wraps I/O failures it could not attribute as "Unable to execute HTTP request".
        return String.valueOf(e.getMessage()).startsWith("Unable to execute HTTP request");
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == e ? String.valueOf(e.getMessage())
                : e.getMessage() + " (" + root.getClass().getSimpleName() + ": " + root.getMessage() + ")";
    }
}
