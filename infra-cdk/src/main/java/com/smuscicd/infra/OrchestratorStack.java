package com.smuscicd.infra;

import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.constructs.Construct;

/**
 * The deploy orchestrator: bundle bucket, phase functions, state machine, upload trigger, and the
 * rule that settles executions which ended without a terminal event.
 * Its outputs are what {@code smus-cli deploy} reads to start a deployment.
 */
public final class OrchestratorStack extends Stack {

    /** Output: ARN of the deploy state machine. */
    public static final String STATE_MACHINE_ARN_OUTPUT = "StateMachineArn";
    /** Output: name of the bucket bundles are uploaded to. */
    public static final String BUNDLE_BUCKET_OUTPUT = "BundleBucketName";
    /** Output: the buses (names or ARNs, comma-separated) a deployment may name; the first is the default. */
    public static final String EVENT_BUS_NAMES_OUTPUT = "EventBusNames";

    private final DeployFunctions functions;
    private final DeployStateMachine stateMachine;
    private final BundleBucket bundleBucket;
    private final BundleTrigger trigger;
    private final EndedExecutionsRule endedExecutions;

    public OrchestratorStack(Construct scope, String id, StackProps props, AppSettings settings) {
        super(scope, id, props);
        FunctionJars jars = FunctionJars.in(settings.functionsDir());
        StateMachineDefinition definition = StateMachineDefinition.load(settings.aslFile());
        EventBuses eventBuses = EventBuses.of(this, settings.eventBusNames());

        this.bundleBucket = new BundleBucket(this, "Bundles", BundleBucketProps.builder().build());

        this.functions = new DeployFunctions(this, "Functions", DeployFunctionsProps.builder()
                .jars(jars)
                .eventBuses(eventBuses)
                .bundleBucket(bundleBucket.bucket())
                .projectBucketPattern(settings.projectBucketPattern())
                .workflowExecutionRolePattern(settings.workflowExecutionRolePattern())
                .workflowRoleArn(settings.workflowRoleArn())
                .projectProfileId(settings.projectProfileId())
                .logRetention(settings.logRetention())
                .snapStart(settings.snapStart())
                .build());

        DeployStateMachineProps.Builder machine = DeployStateMachineProps.builder()
                .definition(definition)
                .logRetention(settings.logRetention());
        functions.byPlaceholder().forEach((placeholder, function) -> machine.function(placeholder, function.invocationTarget()));
        this.stateMachine = new DeployStateMachine(this, "Deploy", machine.build());

        this.trigger = new BundleTrigger(this, "Trigger", BundleTriggerProps.builder()
                .code(jars.code("BundleTriggerHandler"))
                .bundleBucket(bundleBucket.bucket())
                .stateMachine(stateMachine.stateMachine())
                .eventBuses(eventBuses)
                .logRetention(settings.logRetention())
                .snapStart(settings.snapStart())
                .build());

        this.endedExecutions = new EndedExecutionsRule(this, "EndedExecutions", EndedExecutionsRuleProps.builder()
                .lifecycle(functions.byPlaceholder().get(DeployFunctions.LIFECYCLE_PLACEHOLDER))
                .stateMachine(stateMachine.stateMachine())
                .deadLetterQueue(trigger.deadLetterQueue())
                .build());

        CfnOutput.Builder.create(this, STATE_MACHINE_ARN_OUTPUT)
                .description("Deploy state machine; smus-cli deploy starts executions of it")
                .value(stateMachine.stateMachine().getStateMachineArn())
                .build();
        CfnOutput.Builder.create(this, BUNDLE_BUCKET_OUTPUT)
                .description("Bucket for bundles; uploading <name>.zip starts a deployment")
                .value(bundleBucket.bucket().getBucketName())
                .build();
        CfnOutput.Builder.create(this, EVENT_BUS_NAMES_OUTPUT)
                .description("Buses the functions may publish to (events:PutEvents); a deployment's bus must be one of "
                        + "them. The first is the default for deployments that name none")
                .value(eventBuses.joinedNames())
                .build();
    }

    public DeployFunctions functions() {
        return functions;
    }

    public DeployStateMachine stateMachine() {
        return stateMachine;
    }

    public BundleBucket bundleBucket() {
        return bundleBucket;
    }

    public BundleTrigger trigger() {
        return trigger;
    }

    public EndedExecutionsRule endedExecutions() {
        return endedExecutions;
    }
}
