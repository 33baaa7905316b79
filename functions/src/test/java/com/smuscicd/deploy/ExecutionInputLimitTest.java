package com.smuscicd.deploy;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.smuscicd.errors.InvalidManifestException;
import org.junit.jupiter.api.Test;

/** The execution input must leave the state machine room under Step Functions' 256 KiB. */
class ExecutionInputLimitTest {

    private static String input(int assets, int reasonLength) {
        StringBuilder json = new StringBuilder("{\"deployment\":{\"pipelineName\":\"P\",\"assets\":[");
        for (int i = 0; i < assets; i++) {
            json.append(i == 0 ? "" : ",").append("{\"name\":\"a").append(i).append("\",\"reason\":\"")
                    .append("r".repeat(reasonLength)).append("\"}");
        }
        return json.append("],\"workflows\":[]}}").toString();
    }

    @Test
    void check_whenTheInputLeavesTheHeadroom_passes() {
        assertThatCode(() -> ExecutionInputLimit.check(input(2, 100), "pipeline.yaml")).doesNotThrowAnyException();
    }

    @Test
    void check_whenTheInputFitsStepFunctionsButNotTheHeadroom_namesTheSourceAndTheLargestPart() {
        // About 250 KB: under 262,144 bytes, but the phases' results would push a state over it.
        String json = input(62, 4000);

        assertThatThrownBy(() -> ExecutionInputLimit.check(json, "pipeline.yaml (target dev)"))
                .isInstanceOf(InvalidManifestException.class)
                .hasMessageStartingWith("pipeline.yaml (target dev): the deployment's execution input would be "
                        + json.length() + " bytes, more than the 245760 a deployment may use")
                .hasMessageContaining("largest parts: catalog.assets ")
                .hasMessageContaining("(62 items), pipelineName 3 bytes, bundle.workflows 2 bytes (0 items)");
    }
}
