package com.smuscicd.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.smuscicd.errors.InvalidManifestException;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class ManifestEventBusNameTest {

    private static final String LONGEST_NAME = "b".repeat(256);

    static Stream<String> validNames() {
        return Stream.of(
                "default",
                "my-custom-bus",
                "ops_bus.v2",
                "aws.partner/example.com/123456/stream",
                LONGEST_NAME,
                "arn:aws:events:us-east-1:123456789012:event-bus/default",
                "arn:aws:events:eu-central-1:123456789012:event-bus/central-ops",
                "arn:aws-us-gov:events:us-gov-west-1:123456789012:event-bus/ops",
                "arn:aws-cn:events:cn-north-1:123456789012:event-bus/ops",
                "arn:aws:events:us-east-1:123456789012:event-bus/aws.partner/example.com/1/x");
    }

    static Stream<Arguments> invalidNames() {
        return Stream.of(
                Arguments.of("", "an event bus name must not be empty"),
                Arguments.of("my bus", "event bus name \"my bus\" contains a space; use letters, digits, '.', '-',"
                        + " '_' or '/'"),
                Arguments.of("bus:prod", "event bus name \"bus:prod\" contains ':'; use letters, digits, '.', '-',"
                        + " '_' or '/'"),
                Arguments.of("b".repeat(257), "event bus name \"" + "b".repeat(77) + "...\" is 257 characters long;"
                        + " the limit is 256"),
                Arguments.of("arn:aws:events:us-east-1:123456789012",
                        "event bus ARN \"arn:aws:events:us-east-1:123456789012\" does not have the form"
                                + " arn:<partition>:events:<region>:<12-digit account>:event-bus/<name>"),
                Arguments.of("arn:azure:events:us-east-1:123456789012:event-bus/x",
                        "event bus ARN \"arn:azure:events:us-east-1:123456789012:event-bus/x\" has the partition"
                                + " \"azure\"; expected aws, aws-cn, aws-us-gov or another aws-... partition"),
                Arguments.of("arn:aws:sns:us-east-1:123456789012:prod-alerts",
                        "event bus ARN \"arn:aws:sns:us-east-1:123456789012:prod-alerts\" is not an EventBridge ARN"
                                + " (service \"sns\"); expected arn:<partition>:events:<region>:<12-digit account>"
                                + ":event-bus/<name>"),
                Arguments.of("arn:aws:events:US-EAST-1:123456789012:event-bus/x",
                        "event bus ARN \"arn:aws:events:US-EAST-1:123456789012:event-bus/x\" has the region"
                                + " \"US-EAST-1\"; expected a Region code such as us-east-1"),
                Arguments.of("arn:aws:events:us-east-1:12345:event-bus/x",
                        "event bus ARN \"arn:aws:events:us-east-1:12345:event-bus/x\" has the account \"12345\";"
                                + " expected 12 digits"),
                Arguments.of("arn:aws:events:us-east-1:123456789012:rule/smus-prod-failures",
                        "event bus ARN \"arn:aws:events:us-east-1:123456789012:rule/smus-prod-failures\" is not an"
                                + " event bus ARN (resource \"rule/smus-prod-failures\"); expected event-bus/<name>"),
                Arguments.of("arn:aws:events:us-east-1:123456789012:event-bus/",
                        "event bus ARN \"arn:aws:events:us-east-1:123456789012:event-bus/\": the bus name is empty"),
                Arguments.of("arn:aws:events:us-east-1:123456789012:event-bus/a b",
                        "event bus ARN \"arn:aws:events:us-east-1:123456789012:event-bus/a b\": the bus name"
                                + " contains a space; use letters, digits, '.', '-', '_' or '/'"));
    }

    @ParameterizedTest
    @MethodSource("validNames")
    void validateEventBusName_whenNameOrArnIsValid_accepts(String nameOrArn) {
        assertThatCode(() -> ManifestLoader.validateEventBusName(nameOrArn)).doesNotThrowAnyException();
    }

    @ParameterizedTest
    @MethodSource("invalidNames")
    void validateEventBusName_whenInvalid_saysWhatIsWrong(String nameOrArn, String message) {
        assertThatThrownBy(() -> ManifestLoader.validateEventBusName(nameOrArn))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(message);
    }

    @ParameterizedTest
    @ValueSource(strings = {"arn:aws:events:us-east-1:123456789012:event-bus/ops", "ops"})
    void parse_whenEventBusNameIsValid_keepsIt(String nameOrArn) {
        PipelineManifest manifest = ManifestLoader.create().parse(manifest(nameOrArn), Path.of("pipeline.yaml"));

        assertThat(manifest.monitoring().eventBusName()).isEqualTo(nameOrArn);
    }

    /** The schema's pattern and the Java check are two statements of one rule: they must agree. */
    @ParameterizedTest
    @MethodSource({"validNames", "invalidNamesOnly"})
    void schemaPattern_agreesWithValidateEventBusName(String nameOrArn) {
        boolean javaAccepts;
        try {
            ManifestLoader.validateEventBusName(nameOrArn);
            javaAccepts = true;
        } catch (IllegalArgumentException e) {
            javaAccepts = false;
        }
        boolean schemaAccepts;
        try {
            ManifestLoader.create().parse(manifest(nameOrArn), Path.of("pipeline.yaml"));
            schemaAccepts = true;
        } catch (InvalidManifestException e) {
            schemaAccepts = false;
            if (javaAccepts) {
                throw e;
            }
            assertThat(e.problems()).singleElement().asString()
                    .startsWith("pipeline.yaml:4:19: monitoring.eventbridge.eventBusName ");
        }
        assertThat(schemaAccepts).as("schema accepts %s", nameOrArn).isEqualTo(javaAccepts);
    }

    static Stream<String> invalidNamesOnly() {
        return invalidNames().map(a -> (String) a.get()[0]);
    }

    private static String manifest(String busName) {
        return """
                pipelineName: MyPipeline
                monitoring:
                  eventbridge:
                    eventBusName: '%s'
                targets:
                  dev:
                    stage: DEV
                    domain: {name: my-domain, region: us-east-1}
                    project: {name: dev-project}
                """.formatted(busName);
    }
}
