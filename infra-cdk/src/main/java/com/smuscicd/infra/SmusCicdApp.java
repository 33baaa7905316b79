package com.smuscicd.infra;

import software.amazon.awscdk.App;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.StackProps;

/**
 * The CDK app: {@code smus-cicd-orchestrator} (the deploy state machine and its functions) and
 * {@code smus-cicd-monitoring} (event capture). Run by {@code cdk synth|deploy} through cdk.json.
 */
public final class SmusCicdApp {

    public static final String ORCHESTRATOR_STACK = "smus-cicd-orchestrator";
    public static final String MONITORING_STACK = "smus-cicd-monitoring";

    private SmusCicdApp() {
    }

    public static void main(String[] args) {
        App app = new App();
        build(app);
        app.synth();
    }

    /** Adds both stacks to {@code app}, configured from its context. */
    public static void build(App app) {
        AppSettings settings = AppSettings.fromContext(app.getNode());
        Environment environment = environmentFromCli();
        new OrchestratorStack(app, ORCHESTRATOR_STACK, StackProps.builder()
                .stackName(ORCHESTRATOR_STACK)
                .description("SMUS CI/CD deploy orchestrator: Step Functions state machine, phase functions, bundle bucket")
                .env(environment)
                .build(), settings);
        new MonitoringStack(app, MONITORING_STACK, MONITORING_STACK, settings.eventSchemaFile());
    }

    /**
     * The account and region the CLI resolved, when it resolved them; otherwise an
     * environment-agnostic stack (tokens), which synthesizes offline.
     */
    private static Environment environmentFromCli() {
        String account = System.getenv("CDK_DEFAULT_ACCOUNT");
        String region = System.getenv("CDK_DEFAULT_REGION");
        if (account == null || region == null) {
            return null;
        }
        return Environment.builder().account(account).region(region).build();
    }
}
