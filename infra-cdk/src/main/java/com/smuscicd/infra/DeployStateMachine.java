package com.smuscicd.infra;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.stepfunctions.DefinitionBody;
import software.amazon.awscdk.services.stepfunctions.LogLevel;
import software.amazon.awscdk.services.stepfunctions.LogOptions;
import software.amazon.awscdk.services.stepfunctions.StateMachine;
import software.amazon.awscdk.services.stepfunctions.StateMachineType;
import software.constructs.Construct;

/**
 * The deploy state machine (its own TimeoutSeconds and retries are in the ASL file), its definition inlined from the ASL file (so the template shows every
 * state) with each function ARN filled in by CloudFormation's {@code DefinitionSubstitutions}.
 */
public final class DeployStateMachine extends Construct {

    private final StateMachine stateMachine;

    public DeployStateMachine(Construct scope, String id, DeployStateMachineProps props) {
        super(scope, id);
        props.definition().requireSubstitutionsFor(props.functions().keySet());

        Map<String, String> substitutions = new LinkedHashMap<>();
        props.functions().forEach((placeholder, function) -> substitutions.put(placeholder, function.getFunctionArn()));

        Role role = Role.Builder.create(this, "Role")
                .assumedBy(new ServicePrincipal("states.amazonaws.com"))
                .description("Runs the SMUS CI/CD deploy state machine")
                .build();
        // The definition is a string CDK cannot see into, so it cannot grant invoke by itself.
        // Exactly the substituted ARNs: no ":*" for versions the definition never names.
        role.addToPolicy(Permissions.invokeFunctions(List.copyOf(substitutions.values())));

        // vended-logs prefix: Step Functions then adds no per-log-group resource policy statements.
        LogGroup logGroup = LogGroup.Builder.create(this, "Logs")
                .logGroupName("/aws/vendedlogs/states/" + Stack.of(this).getStackName() + "-deploy")
                .retention(props.logRetention())
                .build();

        this.stateMachine = StateMachine.Builder.create(this, "StateMachine")
                .stateMachineType(StateMachineType.STANDARD)
                .definitionBody(DefinitionBody.fromString(props.definition().text()))
                .definitionSubstitutions(substitutions)
                .role(role)
                .tracingEnabled(true)
                .logs(LogOptions.builder()
                        .destination(logGroup)
                        .level(LogLevel.ALL)
                        .includeExecutionData(true)
                        .build())
                .build();

        Acknowledgments.acknowledge(role, "AwsSolutions-IAM5[Resource::*]",
                "Step Functions log delivery (logs:*LogDelivery*, logs:DescribeResourcePolicies, ...) and X-Ray "
                        + "tracing (xray:PutTraceSegments, ...) support only Resource \"*\"; CDK adds exactly those.");
    }

    public StateMachine stateMachine() {
        return stateMachine;
    }
}
