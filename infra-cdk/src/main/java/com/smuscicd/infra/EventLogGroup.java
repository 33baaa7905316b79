package com.smuscicd.infra;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import software.amazon.awscdk.Fn;
import software.amazon.awscdk.services.logs.CfnLogGroup;
import software.amazon.awscdk.services.logs.CfnResourcePolicy;
import software.constructs.Construct;

/**
 * The optional CloudWatch Logs copy of every event, and the log resource policy that lets
 * EventBridge write to it (a rule target has no role for CloudWatch Logs).
 */
public final class EventLogGroup extends Construct {

    private final CfnLogGroup logGroup;
    private final CfnResourcePolicy resourcePolicy;

    public EventLogGroup(Construct scope, String id, EventLogGroupProps props) {
        super(scope, id);
        this.logGroup = CfnLogGroup.Builder.create(this, "LogGroup")
                .logGroupName(props.logGroupName())
                .retentionInDays(props.retentionDays())
                .build();
        logGroup.getCfnOptions().setCondition(props.enabled());

        this.resourcePolicy = CfnResourcePolicy.Builder.create(this, "ResourcePolicy")
                .policyName(Fn.sub("${AWS::StackName}-events-to-logs"))
                .policyDocument(Fn.sub(policy(), java.util.Map.of("LogGroupName", logGroup.getRef())))
                .build();
        resourcePolicy.getCfnOptions().setCondition(props.enabled());
    }

    /** Target ARN EventBridge expects: the log group ARN without the trailing {@code :*}. */
    public String targetArn() {
        return Fn.sub("arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:${Name}",
                java.util.Map.of("Name", logGroup.getRef()));
    }

    public CfnLogGroup logGroup() {
        return logGroup;
    }

    public CfnResourcePolicy resourcePolicy() {
        return resourcePolicy;
    }

    private static String policy() {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode document = mapper.createObjectNode();
        document.put("Version", "2012-10-17");
        ObjectNode statement = document.putArray("Statement").addObject();
        statement.put("Sid", "EventBridgeWritesEvents");
        statement.put("Effect", "Allow");
        // Only EventBridge writes here. delivery.logs.amazonaws.com, which the guide's example
        // policy also lists, is the principal of vended-log delivery, not of a rule target; the
        // CDK's own CloudWatchLogGroup target grants events.amazonaws.com alone. No aws:SourceArn
        // condition: the EventBridge guide documents none for log-group targets, and one the
        // service does not satisfy would send every event to the dead-letter queue instead. The
        // Resource (this one log group) is what narrows the grant.
        statement.putObject("Principal").put("Service", "events.amazonaws.com");
        ArrayNode actions = statement.putArray("Action");
        actions.add("logs:CreateLogStream");
        actions.add("logs:PutLogEvents");
        statement.put("Resource",
                "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:${LogGroupName}:*");
        return document.toString();
    }
}
