package com.smuscicd.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PublishableBusesTest {

    private static final String STATE_MACHINE = "arn:aws-cn:states:cn-north-1:123456789012:stateMachine:smus-cicd-deploy";

    @ParameterizedTest(name = "{0} among {1}: {2}")
    @CsvSource(delimiter = '|', value = {
        "default | default | true",
        "' deployments ' | default, deployments | true",
        "deployments | arn:aws-cn:events:cn-north-1:123456789012:event-bus/deployments | true",
        "arn:aws-cn:events:cn-north-1:123456789012:event-bus/deployments | deployments | true",
        // another account, region or partition is another bus
        "deployments | arn:aws-cn:events:cn-north-1:210987654321:event-bus/deployments | false",
        "deployments | arn:aws-cn:events:cn-northwest-1:123456789012:event-bus/deployments | false",
        "deployments | arn:aws:events:cn-north-1:123456789012:event-bus/deployments | false",
        "arn:aws-cn:events:cn-north-1:210987654321:event-bus/central | default,arn:aws-cn:events:cn-north-1:210987654321:event-bus/central | true",
        "Deployments | deployments | false",
        "default | deployments | false",
    })
    void allows_comparesBusesAsTheArnsTheyStandForInTheOrchestratorsAccountAndRegion(String bus, String buses,
                                                                                     boolean allowed) {
        assertThat(PublishableBuses.of(buses, STATE_MACHINE).allows(bus)).isEqualTo(allowed);
    }

    @Test
    void of_whenTheListIsMissingOrBlank_isNullSoNothingIsChecked() {
        assertThat(PublishableBuses.of(null, STATE_MACHINE)).isNull();
        assertThat(PublishableBuses.of(" ", STATE_MACHINE)).isNull();
    }

    @Test
    void of_whenTheStateMachineArnIsNotOne_saysSo() {
        assertThatThrownBy(() -> PublishableBuses.of("default", "arn:aws:lambda:us-east-1:123456789012:function:x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is not a state machine ARN");
    }

    @Test
    void listedAndWith_giveTheBusesAsConfigured() {
        PublishableBuses buses = PublishableBuses.of(" default ,, audit", STATE_MACHINE);

        assertThat(buses.listed()).isEqualTo("default, audit");
        assertThat(buses.with(" deployments ")).isEqualTo("default,audit,deployments");
    }
}
