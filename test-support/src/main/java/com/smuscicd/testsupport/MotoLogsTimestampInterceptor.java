package com.smuscicd.testsupport;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Pattern;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/**
 * Makes moto's CloudWatch Logs answers readable by the Java SDK: for log events that an
 * EventBridge rule delivered, moto 5.x reports {@code "timestamp"} as a fractional number of
 * milliseconds (e.g. {@code 1795750425408.802}), which the SDK's strict JSON unmarshaller rejects
 * ("expecting VALUE_NUMBER_INT"). This interceptor drops the fraction. Register it only on
 * clients pointed at moto:
 * <pre>{@code
 * MOTO.configure(CloudWatchLogsClient.builder())
 *     .overrideConfiguration(c -> c.addExecutionInterceptor(new MotoLogsTimestampInterceptor()))
 * }</pre>
 */
public final class MotoLogsTimestampInterceptor implements ExecutionInterceptor {

    private static final Pattern FRACTIONAL_MILLIS =
            Pattern.compile("(\"(?:timestamp|ingestionTime)\"\\s*:\\s*-?\\d+)\\.\\d+");

    @Override
    public Optional<InputStream> modifyHttpResponseContent(Context.ModifyHttpResponse context,
                                                           ExecutionAttributes executionAttributes) {
        return context.responseBody().map(MotoLogsTimestampInterceptor::truncate);
    }

    static String truncate(String json) {
        return FRACTIONAL_MILLIS.matcher(json).replaceAll("$1");
    }

    private static InputStream truncate(InputStream body) {
        try (body) {
            String json = new String(body.readAllBytes(), StandardCharsets.UTF_8);
            return new ByteArrayInputStream(truncate(json).getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
