package com.smuscicd.infra;

import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.lambda.Alias;
import software.amazon.awscdk.services.lambda.Architecture;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.IFunction;
import software.amazon.awscdk.services.lambda.LoggingFormat;
import software.amazon.awscdk.services.lambda.Runtime;
import software.amazon.awscdk.services.lambda.SnapStartConf;
import software.amazon.awscdk.services.logs.LogGroup;
import software.constructs.Construct;

/**
 * One Lambda handler from the functions jar, with its own role (no managed policy: it may write
 * only to its own log group until the stack grants it more) and its own log group.
 */
public final class PhaseFunction extends Construct {

    /** Package of every handler in the functions jar. */
    public static final String HANDLER_PACKAGE = "com.smuscicd.lambda";

    /**
     * The JVM options AWS documents for faster Java cold starts: stop at the C1 compiler, which
     * is what short-lived Lambda invocations mostly run anyway.
     */
    public static final String JAVA_TOOL_OPTIONS = "-XX:+TieredCompilation -XX:TieredStopAtLevel=1";

    private final Function function;
    private final Role role;
    private final IFunction invocationTarget;

    public PhaseFunction(Construct scope, String id, PhaseFunctionProps props) {
        super(scope, id);
        this.role = Role.Builder.create(this, "Role")
                .assumedBy(new ServicePrincipal("lambda.amazonaws.com"))
                .description("Runs " + props.handlerClass() + " with only the permissions it needs")
                .build();
        LogGroup logGroup = LogGroup.Builder.create(this, "LogGroup")
                .retention(props.logRetention())
                .build();
        logGroup.grantWrite(role);

        Map<String, String> environment = new LinkedHashMap<>();
        environment.put("JAVA_TOOL_OPTIONS", JAVA_TOOL_OPTIONS);
        environment.putAll(props.environment());

        Function.Builder builder = Function.Builder.create(this, "Function")
                .description("SMUS CI/CD " + props.handlerClass())
                // The jar targets Java 17; the newest Java runtime runs it and is the one AWS patches longest.
                .runtime(Runtime.JAVA_25)
                // Pure-Java jar: Graviton costs less per GB-second at equal or better speed.
                .architecture(Architecture.ARM_64)
                .handler(HANDLER_PACKAGE + "." + props.handlerClass() + "::handleRequest")
                .code(props.code())
                .memorySize(props.memoryMb())
                .timeout(props.timeout())
                .role(role)
                .logGroup(logGroup)
                .loggingFormat(LoggingFormat.JSON)
                .environment(environment);
        if (props.snapStart()) {
            builder.snapStart(SnapStartConf.ON_PUBLISHED_VERSIONS);
        }
        this.function = builder.build();

        // SnapStart only applies to published versions: callers must invoke an alias, not $LATEST.
        this.invocationTarget = props.snapStart()
                ? Alias.Builder.create(this, "Live").aliasName("live").version(function.getCurrentVersion()).build()
                : function;
    }

    /** Grants the function one more statement. */
    public void allow(PolicyStatement statement) {
        role.addToPolicy(statement);
    }

    public Function function() {
        return function;
    }

    public Role role() {
        return role;
    }

    /** What callers invoke: the function itself, or its {@code live} alias when SnapStart is on. */
    public IFunction invocationTarget() {
        return invocationTarget;
    }
}
