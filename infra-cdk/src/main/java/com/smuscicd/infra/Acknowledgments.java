package com.smuscicd.infra;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import software.amazon.awscdk.Acknowledgment;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.Validations;
import software.constructs.IConstruct;

/**
 * Records why a policy-validation finding (cdk-nag's AwsSolutions pack, run by the tests) is
 * accepted on a construct, next to the code that causes it.
 */
public final class Acknowledgments {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Acknowledgments() {
    }

    /**
     * Acknowledges {@code ruleId} (e.g. {@code AwsSolutions-S1} or
     * {@code AwsSolutions-IAM5[Resource::*]}) on {@code scope} and everything below it.
     */
    public static void acknowledge(IConstruct scope, String ruleId, String reason) {
        if (ruleId.split("::", -1).length <= 2) {
            Validations.of(scope).acknowledge(Acknowledgment.builder().id(ruleId).reason(reason).build());
        } else {
            // Findings on ARNs with pseudo parameters (Resource::arn:<AWS::Partition>:...) contain
            // more than one "::", which Validations.acknowledge rejects as a malformed prefix; it
            // would record the very same metadata entry, which is what policy validation reads.
            scope.getNode().addMetadata(Validations.ACKNOWLEDGED_RULES_METADATA_KEY, Map.of(ruleId, reason));
        }
    }

    /**
     * Acknowledges the AwsSolutions-IAM5 finding for one wildcard resource of a policy on
     * {@code scope}, given as the very value (ARN string or token) the policy uses.
     */
    public static void wildcardResource(IConstruct scope, String resource, String reason) {
        acknowledge(scope, "AwsSolutions-IAM5[Resource::" + findingText(Stack.of(scope).resolve(resource)) + "]", reason);
    }

    /**
     * How cdk-nag writes a resolved CloudFormation value into a finding id: Ref and GetAtt as
     * {@code <Name>} and {@code <Name.Attr>}, joins joined, Fn::Sub's {@code ${X}} as {@code <X>},
     * anything else as its JSON.
     */
    static String findingText(Object node) {
        if (node == null) {
            return "";
        }
        if (node instanceof String text) {
            return text.replace("${", "<").replace("}", ">");
        }
        if (node instanceof Map<?, ?> map) {
            if (map.containsKey("Fn::Join")) {
                List<?> join = (List<?>) map.get("Fn::Join");
                return ((List<?>) join.get(1)).stream().map(Acknowledgments::findingText)
                        .collect(Collectors.joining((String) join.get(0)));
            }
            if (map.containsKey("Fn::Sub")) {
                return findingText(map.get("Fn::Sub"));
            }
            if (map.containsKey("Fn::GetAtt")) {
                List<?> getAtt = (List<?>) map.get("Fn::GetAtt");
                return "<" + findingText(getAtt.get(0)) + "." + findingText(getAtt.get(1)) + ">";
            }
            if (map.containsKey("Fn::ImportValue")) {
                return findingText(map.get("Fn::ImportValue"));
            }
            if (map.containsKey("Ref")) {
                return "<" + findingText(map.get("Ref")) + ">";
            }
        }
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
