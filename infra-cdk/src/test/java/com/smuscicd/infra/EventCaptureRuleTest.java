package com.smuscicd.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.CfnParameter;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Template;

/** {@link EventCaptureRule} with bus names known at synthesis (the monitoring stack's is a parameter). */
class EventCaptureRuleTest {

    @Test
    void failedInvocationsAlarm_onTheDefaultBus_hasTheRuleNameDimensionOnly() {
        assertThat(failedInvocationsDimensions("default"))
                .containsExactly(Map.of("Name", "RuleName", "Value", "capture"));
    }

    @Test
    void failedInvocationsAlarm_onACustomBus_hasTheBusAndRuleNameDimensions() {
        assertThat(failedInvocationsDimensions("deployments")).containsExactly(
                Map.of("Name", "EventBusName", "Value", "deployments"),
                Map.of("Name", "RuleName", "Value", "capture"));
    }

    @Test
    void props_whenTheBusNameIsATokenWithoutTheCustomBusCondition_areRejected() {
        Stack stack = new Stack(new App(), "Capture");
        String bus = CfnParameter.Builder.create(stack, "Bus").type("String").build().getValueAsString();

        assertThatThrownBy(() -> EventCaptureRuleProps.builder().ruleName("capture").eventBusName(bus)
                .deliveryStreamArn("arn:aws:firehose:us-east-1:111122223333:deliverystream/s").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("customBus");
    }

    @SuppressWarnings("unchecked")
    private static List<Object> failedInvocationsDimensions(String busName) {
        Stack stack = new Stack(new App(), "Capture");
        new EventCaptureRule(stack, "Capture", EventCaptureRuleProps.builder()
                .ruleName("capture")
                .eventBusName(busName)
                .deliveryStreamArn("arn:aws:firehose:us-east-1:111122223333:deliverystream/s")
                .build());
        Map<String, Map<String, Object>> alarms = Template.fromStack(stack).findResources("AWS::CloudWatch::Alarm");
        return alarms.values().stream()
                .map(OrchestratorStackTest::properties)
                .filter(p -> "FailedInvocations".equals(p.get("MetricName")))
                .map(p -> (List<Object>) p.get("Dimensions"))
                .findFirst().orElseThrow();
    }
}
