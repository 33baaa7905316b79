package com.smuscicd.infra;

import java.util.List;
import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.ArnFormat;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.events.EventPattern;
import software.amazon.awscdk.services.events.Rule;
import software.amazon.awscdk.services.events.targets.LambdaFunction;
import software.amazon.awscdk.services.events.targets.LambdaFunctionProps;
import software.amazon.awscdk.services.iam.Policy;
import software.amazon.awscdk.services.lambda.EventInvokeConfigOptions;
import software.amazon.awscdk.services.lambda.destinations.SqsDestination;
import software.constructs.Construct;

/**
 * Gives every deployment its terminal event when the state machine could not: executions that
 * time out or are stopped skip the Catchers, so RecordFailure never runs, and RecordFailure itself
 * may fail. Step Functions reports each execution's end to the default bus ("Step Functions
 * Execution Status Change"); this rule sends those of the deploy state machine that FAILED,
 * TIMED_OUT or were ABORTED to the lifecycle function, which reads the execution's history and
 * emits the running phase's Failed and Deploy-Failed only if no terminal event went out
 * ({@code com.smuscicd.aws.EndedExecutions}).
 */
public final class EndedExecutionsRule extends Construct {

    /** The statuses of executions that may have ended without a terminal event. */
    static final List<String> STATUSES = List.of("FAILED", "TIMED_OUT", "ABORTED");

    private final Rule rule;

    public EndedExecutionsRule(Construct scope, String id, EndedExecutionsRuleProps props) {
        super(scope, id);
        // A policy of its own, not the role's default one: the function must not depend on the
        // state machine, whose definition names the function.
        Stack stack = Stack.of(this);
        String executions = stack.formatArn(ArnComponents.builder()
                .service("states")
                .resource("execution")
                .resourceName(props.stateMachine().getStateMachineName() + ":*")
                .arnFormat(ArnFormat.COLON_RESOURCE_NAME)
                .build());
        Policy readHistory = Policy.Builder.create(this, "ReadHistory")
                .roles(List.of(props.lifecycle().role()))
                .statements(List.of(Permissions.readExecutionHistory(executions)))
                .build();
        Acknowledgments.wildcardResource(readHistory, executions,
                "Executions of the one deploy state machine: their names are made per deployment.");

        // The rule's retries and queue only cover EventBridge handing the event to Lambda; a
        // settlement that fails in the function (throttled history reads, say) is retried by
        // Lambda's asynchronous invocation twice, then sent to the same queue instead of dropped.
        // The state machine calls the function synchronously, which this does not change.
        props.lifecycle().invocationTarget().configureAsyncInvoke(EventInvokeConfigOptions.builder()
                .onFailure(new SqsDestination(props.deadLetterQueue()))
                .retryAttempts(2)
                .maxEventAge(Duration.hours(2))
                .build());

        this.rule = Rule.Builder.create(this, "Rule")
                .description("Executions of the deploy state machine that ended without success go to the lifecycle "
                        + "function, which emits the Deploy-Failed they may lack")
                .eventPattern(EventPattern.builder()
                        .source(List.of("aws.states"))
                        .detailType(List.of("Step Functions Execution Status Change"))
                        .detail(Ordered.map(
                                "stateMachineArn", List.of(props.stateMachine().getStateMachineArn()),
                                "status", STATUSES))
                        .build())
                .targets(List.of(new LambdaFunction(props.lifecycle().invocationTarget(), LambdaFunctionProps.builder()
                        .deadLetterQueue(props.deadLetterQueue())
                        .retryAttempts(4)
                        .maxEventAge(Duration.hours(2))
                        .build())))
                .build();
    }

    public Rule rule() {
        return rule;
    }
}
