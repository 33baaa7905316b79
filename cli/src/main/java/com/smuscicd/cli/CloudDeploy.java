package com.smuscicd.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.smuscicd.aws.AwsClients;
import com.smuscicd.aws.AwsErrors;
import com.smuscicd.aws.S3BundleStore;
import com.smuscicd.aws.SfnExecutions;
import com.smuscicd.deploy.BundlePackager;
import com.smuscicd.deploy.DeploymentInput;
import com.smuscicd.deploy.EmitterFactory;
import com.smuscicd.deploy.ExecutionNames;
import com.smuscicd.deploy.PublishableBuses;
import com.smuscicd.deploy.S3Location;
import com.smuscicd.errors.PhaseFailure;
import com.smuscicd.errors.RetryablePhaseException;
import com.smuscicd.events.DeploymentEvent;
import com.smuscicd.events.EventBridgePublisher;
import com.smuscicd.events.EventDetail;
import com.smuscicd.events.EventPublisher;
import com.smuscicd.events.Stage;
import com.smuscicd.events.Status;
import com.smuscicd.json.Json;
import com.smuscicd.metadata.MetadataCollector;
import com.smuscicd.trigger.BundleTrigger;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;
import software.amazon.awssdk.core.client.builder.SdkClientBuilder;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.Output;
import software.amazon.awssdk.services.cloudformation.model.Stack;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;

/**
 * Starts a deployment in AWS: uploads the bundle, starts the state machine execution and, with
 * {@code --wait}, follows it.
 *
 * <ul>
 *   <li>Where: state machine ARN and bundle bucket from {@code --state-machine-arn} /
 *       {@code --bundle-bucket}, else {@code SMUS_STATE_MACHINE_ARN} / {@code SMUS_BUNDLE_BUCKET},
 *       else the {@code StateMachineArn} / {@code BundleBucketName} outputs of {@code --stack-name}.
 *       The region is {@code --region}, else the state machine ARN's; the stack is read in
 *       {@code --region}, else the known ARN's region, else {@code AWS_REGION} /
 *       {@code AWS_DEFAULT_REGION} / the profile's (none at all is a usage error).</li>
 *   <li>Upload: {@code s3://<bucket>/<pipeline>/<target>/<sha256 hex>.zip}, content-addressed
 *       (unchanged content is not uploaded again), marked {@code smus-origin=smus-cli} so the
 *       bucket's upload trigger leaves it alone.</li>
 *   <li>Exactly once: the execution name is derived from pipeline, target, bundle digest and the
 *       CI run id, so a retried CI job finds its deployment instead of starting a second one.
 *       Outside CI the name depends on the content alone. {@code --execution-name NAME} names the
 *       execution {@code NAME-<target>} instead.</li>
 *   <li>An execution of that name already exists: if it deployed another pipeline, target or
 *       bundle, the name was reused by mistake (usage error). Otherwise it is reported by how it
 *       stands: still running is {@code ALREADY_STARTED} (with {@code --wait}, followed);
 *       succeeded is {@code SUCCEEDED} ("already deployed"); failed, timed out or aborted is that
 *       status (exit 1) with how to deploy again. {@code GITHUB_RUN_ATTEMPT} is not part of the
 *       derived name: a re-run job is exactly the retry that must find the running or succeeded
 *       deployment, so redeploying after a failure is an explicit choice (a new workflow run or
 *       {@code --execution-name}).</li>
 *   <li>Problems with the options or the orchestrator (nothing to deploy to, no region, no such
 *       stack, bucket or state machine, no credentials, access denied) are usage errors: nothing is
 *       started and the command exits 2. A stack that cannot be read for a transient reason
 *       (throttling, 5xx, I/O) is not: {@code FAILED} with nothing started, exit 1.</li>
 *   <li>A transient failure (throttling, 5xx, I/O) after the SDK's retries is {@code FAILED}
 *       (exit 1): of the upload, with nothing started; of StartExecution, with a note that the
 *       execution may have started all the same (its response may be what was lost) and that
 *       running the same command again finds it by its name.</li>
 *   <li>Once the execution is started, trouble following it is {@code FOLLOW_FAILED} (exit 1), with
 *       the execution's ARN and console URL.</li>
 * </ul>
 */
final class CloudDeploy {

    static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(2);
    /** The longest {@code --wait-timeout}: a year, the longest a Step Functions execution may run. */
    static final long MAX_WAIT_TIMEOUT_SECONDS = 366L * 24 * 3600;
    /**
     * How long the rest of the history is read again once DescribeExecution has said the execution
     * ended (within the wait timeout): its status is then the outcome, with a note.
     */
    static final Duration HISTORY_AFTER_END = Duration.ofMinutes(2);
    /**
     * One Step Functions or CloudFormation request that has not answered in this long is given up
     * and retried: they answer in well under a second, and the socket timeout alone (60 s, sized
     * for bundle uploads) let one hanging StartExecution hold the command for three minutes.
     */
    static final Duration CALL_ATTEMPT_TIMEOUT = Duration.ofSeconds(10);
    /** A call, its retries included, gives up after this long. */
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);
    /** The orchestrator stack's output listing the buses its functions may publish to. */
    static final String EVENT_BUS_NAMES_OUTPUT = "EventBusNames";

    private static final Pattern STATE_MACHINE_ARN =
            Pattern.compile("^arn:aws[a-z-]*:states:[a-z0-9-]+:\\d{12}:stateMachine:[A-Za-z0-9_-]{1,80}(:.+)?$");
    private static final Pattern BUCKET_NAME = Pattern.compile("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$");

    private final CloudOptions options;
    private final Map<String, String> env;
    private final ClientFactory clients;
    private final Sleeper sleeper;
    private final Duration pollInterval;
    private final LongSupplier nanoTime;
    /** Resolved on the first deployment and reused by the next targets (no second stack lookup). */
    private Orchestrator orchestrator;

    CloudDeploy(CloudOptions options) {
        this(options, System.getenv(), ClientFactory.standard(), d -> Thread.sleep(d.toMillis()),
                DEFAULT_POLL_INTERVAL, System::nanoTime);
    }

    CloudDeploy(CloudOptions options, Map<String, String> env, ClientFactory clients, Sleeper sleeper,
                Duration pollInterval, LongSupplier nanoTime) {
        this.options = options;
        this.env = env;
        this.clients = clients;
        this.sleeper = sleeper;
        this.pollInterval = pollInterval;
        this.nanoTime = nanoTime;
    }

    /** Builds the SDK clients; tests point them at moto or a stub. */
    interface ClientFactory {
        S3Client s3(Region region);

        SfnClient sfn(Region region);

        CloudFormationClient cloudFormation(Region region);

        /** The region of the SDK's default chain (system properties, environment, profile, instance), if any. */
        Optional<Region> defaultRegion();

        /** EventBridge in {@code region} (null: the SDK's chain), for the events the CLI emits itself. */
        default EventBridgeClient eventBridge(Region region) {
            return AwsClients.configure(EventBridgeClient.builder(), region, null, null).build();
        }

        /** Clients with the SDK's default chains (credentials, endpoint settings) and the URL-connection HTTP client. */
        static ClientFactory standard() {
            return new ClientFactory() {
                @Override
                public S3Client s3(Region region) {
                    return AwsClients.configure(S3Client.builder().crossRegionAccessEnabled(true), region, null, null)
                            .build();
                }

                @Override
                public SfnClient sfn(Region region) {
                    return bounded(AwsClients.configure(SfnClient.builder(), region, null, null),
                            CALL_ATTEMPT_TIMEOUT, CALL_TIMEOUT).build();
                }

                @Override
                public CloudFormationClient cloudFormation(Region region) {
                    return bounded(AwsClients.configure(CloudFormationClient.builder(), region, null, null),
                            CALL_ATTEMPT_TIMEOUT, CALL_TIMEOUT).build();
                }

                @Override
                public Optional<Region> defaultRegion() {
                    try {
                        return Optional.ofNullable(DefaultAwsRegionProviderChain.builder().build().getRegion());
                    } catch (SdkClientException e) {
                        return Optional.empty();
                    }
                }
            };
        }
    }

    /**
     * Adds time limits to a client's calls ({@code attempt} per request, {@code call} in all),
     * keeping the rest of its override configuration (e.g. the retry strategy).
     */
    static <B extends SdkClientBuilder<B, C>, C> B bounded(B builder, Duration attempt, Duration call) {
        return builder.overrideConfiguration(builder.overrideConfiguration().toBuilder()
                .apiCallAttemptTimeout(attempt).apiCallTimeout(call).build());
    }

    /** Waits between polls of the execution. */
    @FunctionalInterface
    interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    /**
     * Where deployments go: the state machine and the bucket bundles are uploaded to; and, when
     * the stack was read, the buses its functions may publish to (its {@code EventBusNames}
     * output, names or ARNs; null when unknown).
     */
    record Orchestrator(String stateMachineArn, String bundleBucket, Region region, PublishableBuses eventBuses) {
    }

    /**
     * Deploys one target.
     *
     * @param input  the deployment input (its bundle is set here)
     * @throws CloudSetupException for unusable options or orchestrator, before anything is
     *     uploaded or started, or when the execution name is taken by a different deployment
     *     (the command maps it to exit 2)
     */
    DeployOutcome deploy(DeploymentInput input, BundlePackager.PackedBundle bundle, ProgressPrinter progress) {
        checkOptions(List.of(input.target().name()));
        String name = options.executionName != null ? explicitExecutionName(input.target().name())
                : executionName(input.pipelineName(), input.target().name(), bundle.digest(),
                        ciRunId(input));
        if (orchestrator == null) {
            try {
                orchestrator = orchestrator();
            } catch (RetryablePhaseException e) {
                // Throttled or unavailable: not bad input, and trying again later can work.
                // No event: without the state machine, whether this deployment's execution exists (a
                // re-run job's, say) cannot be told.
                return notStarted(input, e.code(), "reading the outputs of stack '" + stackName()
                        + "' (to find the state machine and bundle bucket): " + e.getMessage(), progress);
            }
        }
        requirePublishableBus(input);
        String hex = bundle.digest().substring("sha256:".length());
        S3Location location = new S3Location(orchestrator.bundleBucket(),
                input.pipelineName() + "/" + input.target().name() + "/" + hex + ".zip");
        DeploymentInput deployment = new DeploymentInput(input.deploymentId(), input.pipelineName(), input.target(),
                input.monitoring(), input.metadata(),
                new DeploymentInput.BundleRef(location.toString(), bundle.digest(), bundle.bytes()),
                bundle.workflows(), input.assets(), input.requestedAt());

        try (S3Client s3 = clients.s3(orchestrator.region()); SfnClient sfn = clients.sfn(orchestrator.region())) {
            try {
                S3BundleStore.create(s3).put(location, bundle.zip(), hex,
                        Map.of(BundleTrigger.ORIGIN_METADATA, BundleTrigger.ORIGIN_CLI));
            } catch (PhaseFailure e) {
                throw setupProblem(e, "uploading the bundle to " + location, "--bundle-bucket");
            } catch (RetryablePhaseException e) {
                return failedBeforeStart(deployment, SfnExecutions.create(sfn),
                        SfnExecutions.executionArn(orchestrator.stateMachineArn(), name), e.code(),
                        "uploading the bundle to " + location + ": " + e.getMessage(), progress);
            }
            SfnExecutions executions = SfnExecutions.create(sfn);
            Map<String, Object> executionInput = new LinkedHashMap<>();
            executionInput.put("deployment", deployment);
            SfnExecutions.Started started;
            String startingArn = SfnExecutions.executionArn(orchestrator.stateMachineArn(), name);
            // stopped while the request is out: the execution may start all the same
            Thread stoppedWhileStarting = onStop(progress, "smus-cli stopped while starting execution " + startingArn
                    + ": it may have started all the same; look for it at " + SfnExecutions.consoleUrl(startingArn)
                    + "; to stop it: aws stepfunctions stop-execution --execution-arn " + startingArn);
            try {
                started = executions.start(orchestrator.stateMachineArn(), name, Json.write(executionInput));
            } catch (PhaseFailure e) {
                throw setupProblem(e, "starting execution " + name, "--state-machine-arn");
            } catch (RetryablePhaseException e) {
                return startNotConfirmed(deployment, name, e, progress);
            } finally {
                removeOnStop(stoppedWhileStarting);
            }
            String consoleUrl = SfnExecutions.consoleUrl(started.executionArn());
            if (started.alreadyStarted()) {
                return existing(executions, deployment, name, started.executionArn(), consoleUrl, progress);
            }
            progress.header(deployment.pipelineName(), deployment.target().name(), deployment.target().stage(),
                    deployment.deploymentId(), "in AWS");
            progress.line("  execution " + started.executionArn());
            progress.line("  console   " + consoleUrl);
            if (!options.waitForCompletion) {
                return outcome(deployment, deployment.deploymentId(), "RUNNING", null, started.executionArn(),
                        consoleUrl, null, null, Map.of());
            }
            return follow(executions, deployment, deployment.deploymentId(), started.executionArn(), consoleUrl,
                    progress);
        }
    }

    /**
     * Checks the options that depend only on the command line, for every target to be deployed,
     * so that a bad {@code --execution-name} for the last target fails before the first is started.
     *
     * @throws CloudSetupException naming the flag
     */
    void checkOptions(List<String> targetNames) {
        if (options.waitTimeoutSeconds <= 0 || options.waitTimeoutSeconds > MAX_WAIT_TIMEOUT_SECONDS) {
            throw new CloudSetupException("--wait-timeout must be more than 0 and at most " + MAX_WAIT_TIMEOUT_SECONDS
                    + " seconds (a year, the longest a Step Functions execution runs), got " + options.waitTimeoutSeconds);
        }
        if (options.executionName != null) {
            targetNames.forEach(this::explicitExecutionName);
        }
    }

    /**
     * {@code --execution-name} with the target appended ({@code <name>-<target>}): one deployment
     * command may deploy several targets, and each needs an execution of its own. Always appended,
     * also for a single target, so the name a target gets does not depend on what else is deployed.
     */
    private String explicitExecutionName(String targetName) {
        String given = options.executionName.trim();
        if (!given.matches("[A-Za-z0-9_-]+")) {
            throw new CloudSetupException("--execution-name '" + given + "' may only contain letters, digits, "
                    + "'-' and '_'");
        }
        String name = given + "-" + targetName;
        if (name.length() > SfnExecutions.MAX_NAME_LENGTH) {
            throw new CloudSetupException("--execution-name '" + given + "' is too long: with the target appended ('"
                    + name + "') it has " + name.length() + " characters, Step Functions allows "
                    + SfnExecutions.MAX_NAME_LENGTH + "; use at most "
                    + (SfnExecutions.MAX_NAME_LENGTH - targetName.length() - 1) + " characters");
        }
        return name;
    }

    /**
     * StartExecution found an execution of that name. If it is a deployment of the same pipeline,
     * target and bundle, report it by how it stands; otherwise the name was reused by mistake.
     */
    private DeployOutcome existing(SfnExecutions executions, DeploymentInput deployment, String name,
                                   String executionArn, String consoleUrl, ProgressPrinter progress) {
        SfnExecutions.Execution earlier;
        try {
            earlier = executions.describe(executionArn);
        } catch (PhaseFailure e) {
            throw setupProblem(e, "reading execution " + name + ", which already exists", "--state-machine-arn");
        } catch (RetryablePhaseException e) {
            return notStarted(deployment, e.code(), "reading execution " + name + ", which already exists: "
                    + e.getMessage(), progress);
        }
        JsonNode theirs = deploymentOf(earlier.input());
        String pipeline = theirs.path("pipelineName").asText(null);
        String target = theirs.path("target").path("name").asText(null);
        String digest = theirs.path("bundle").path("digest").asText(null);
        if (pipeline == null || target == null || digest == null) {
            throw new CloudSetupException("execution name " + name + " is already used by an execution that is not "
                    + "a deployment (" + executionArn + "); pass another --execution-name");
        }
        if (!isThisDeployment(earlier, deployment)) {
            throw new CloudSetupException("execution name " + name + " already used by a deployment of " + pipeline
                    + "/" + target + "/" + digest + "; pass another --execution-name");
        }
        String deploymentId = theirs.path("deploymentId").asText(deployment.deploymentId());
        progress.header(deployment.pipelineName(), deployment.target().name(), deployment.target().stage(),
                deploymentId, "in AWS");
        progress.line("  execution " + executionArn);
        progress.line("  console   " + consoleUrl);
        if (!earlier.finished()) {
            progress.line("  execution " + name + " was already started (same pipeline, target, bundle and "
                    + (options.executionName != null ? "execution name" : "CI run") + ")");
            return options.waitForCompletion
                    ? follow(executions, deployment, deploymentId, executionArn, consoleUrl, progress)
                    : outcome(deployment, deploymentId, "ALREADY_STARTED", null, executionArn, consoleUrl, null, null,
                            Map.of());
        }
        DeployOutcome outcome = options.waitForCompletion
                ? follow(executions, deployment, deploymentId, executionArn, consoleUrl, progress)
                : ended(deployment, deploymentId, earlier, new CloudProgress(progress), executionArn, consoleUrl,
                        progress);
        if ("SUCCEEDED".equals(outcome.status())) {
            progress.line("  already deployed by " + executionArn);
        } else if (earlier.status().equals(outcome.status())) {
            progress.line("  the earlier deployment with execution name " + name + " ended "
                    + earlier.status() + "; to deploy again " + howToDeployAgain());
        }
        return outcome;
    }

    /**
     * How to get a new execution name. The derived name deliberately leaves out
     * {@code GITHUB_RUN_ATTEMPT}: re-running a job is how a CI job is retried, and a retry must
     * find the running or succeeded deployment rather than start a second one. So after a failed
     * deployment the user asks for a new one explicitly.
     */
    private String howToDeployAgain() {
        if ("true".equalsIgnoreCase(env.get("GITHUB_ACTIONS"))) {
            return "start a new workflow run (re-running jobs keeps GITHUB_RUN_ID and finds this execution again), "
                    + "or pass --execution-name, "
                    + "e.g. --execution-name run-${{ github.run_id }}-${{ github.run_attempt }}";
        }
        return "pass --execution-name with a name not used before (e.g. including the CI run attempt)";
    }

    /** Whether {@code execution} deploys the same pipeline, target and bundle as {@code deployment}. */
    private static boolean isThisDeployment(SfnExecutions.Execution execution, DeploymentInput deployment) {
        JsonNode theirs = deploymentOf(execution.input());
        return deployment.pipelineName().equals(theirs.path("pipelineName").asText(null))
                && deployment.target().name().equals(theirs.path("target").path("name").asText(null))
                && deployment.bundle().digest().equals(theirs.path("bundle").path("digest").asText(null));
    }

    /** The {@code deployment} object of an execution's input; missing if the input is not a deployment's. */
    private static JsonNode deploymentOf(String inputJson) {
        try {
            return Json.read(inputJson).path("deployment");
        } catch (RuntimeException e) {
            return Json.mapper().missingNode();
        }
    }

    /** Resolves the state machine and bucket: flags, then environment, then stack outputs. */
    private Orchestrator orchestrator() {
        String arn = firstNonBlank(options.stateMachineArn, env.get("SMUS_STATE_MACHINE_ARN"));
        String bucket = firstNonBlank(options.bundleBucket, env.get("SMUS_BUNDLE_BUCKET"));
        Region flagRegion = blank(options.region) ? null : Region.of(options.region.trim());
        if (arn != null) {
            requireStateMachineArn(arn);
        }
        String eventBuses = null;
        if (arn == null || bucket == null) {
            // The stack lives with the state machine: a known ARN says where to look.
            Region stackRegion = flagRegion != null ? flagRegion
                    : arn != null ? Region.of(SfnExecutions.regionOf(arn)) : configuredRegion();
            Map<String, String> outputs = stackOutputs(stackRegion, arn == null, bucket == null);
            arn = arn != null ? arn : outputs.get("StateMachineArn");
            bucket = bucket != null ? bucket : outputs.get("BundleBucketName");
            eventBuses = outputs.get(EVENT_BUS_NAMES_OUTPUT);
            requireStateMachineArn(arn);
        }
        if (!BUCKET_NAME.matcher(bucket).matches()) {
            throw new CloudSetupException("'" + bucket + "' is not an S3 bucket name");
        }
        Region region = flagRegion != null ? flagRegion : Region.of(SfnExecutions.regionOf(arn));
        return new Orchestrator(arn, bucket, region, PublishableBuses.of(eventBuses, arn));
    }

    /**
     * In AWS the functions publish the events, and only to the buses the stack lets them (its
     * {@code EventBusNames} output): a deployment naming another bus would run with every event
     * denied. Checked when the stack was read (a stack without the output is not checked).
     *
     * @throws CloudSetupException when the deployment's bus is not one of them
     */
    private void requirePublishableBus(DeploymentInput input) {
        PublishableBuses allowed = orchestrator.eventBuses();
        if (allowed == null || !input.monitoring().enabled()) {
            return;
        }
        String bus = input.monitoring().eventBusName();
        if (!allowed.allows(bus)) {
            throw new CloudSetupException("the events of this deployment go to bus '" + bus
                    + "' (the manifest's monitoring.eventbridge.eventBusName, or --event-bus-name), but the functions"
                    + " of stack '" + stackName() + "' may only publish to " + allowed.listed()
                    + " (its EventBusNames output): every event would be denied. Name one of those, or deploy the"
                    + " stack again with the bus added (cdk deploy -c eventBusNames=" + allowed.with(bus) + ")");
        }
    }

    /**
     * The region of the environment ({@code AWS_REGION}, {@code AWS_DEFAULT_REGION}, else the SDK's
     * profile and instance settings). Checked here because the SDK's own complaint is a dump of its
     * provider chain.
     */
    private Region configuredRegion() {
        return environmentRegion().or(clients::defaultRegion).orElseThrow(() -> new CloudSetupException(
                "no AWS region: set AWS_REGION or pass --region"
                        + " (needed to read the outputs of stack '" + stackName() + "')"));
    }

    /** {@code AWS_REGION}, else {@code AWS_DEFAULT_REGION}. */
    private Optional<Region> environmentRegion() {
        for (String variable : new String[] {"AWS_REGION", "AWS_DEFAULT_REGION"}) {
            if (!blank(env.get(variable))) {
                return Optional.of(Region.of(env.get(variable).trim()));
            }
        }
        return Optional.empty();
    }

    private static void requireStateMachineArn(String arn) {
        if (!STATE_MACHINE_ARN.matcher(arn).matches()) {
            throw new CloudSetupException("'" + arn + "' is not a state machine ARN "
                    + "(arn:aws:states:<region>:<account>:stateMachine:<name>)");
        }
    }

    private String stackName() {
        return blank(options.stackName) ? CloudOptions.DEFAULT_STACK_NAME : options.stackName.trim();
    }

    private Map<String, String> stackOutputs(Region region, boolean needArn, boolean needBucket) {
        String stack = stackName();
        String missing = (needArn ? "no state machine ARN (--state-machine-arn, SMUS_STATE_MACHINE_ARN)" : "")
                + (needArn && needBucket ? " and " : "")
                + (needBucket ? "no bundle bucket (--bundle-bucket, SMUS_BUNDLE_BUCKET)" : "");
        Stack found;
        try (CloudFormationClient cloudFormation = clients.cloudFormation(region)) {
            found = cloudFormation.describeStacks(b -> b.stackName(stack)).stacks().stream().findFirst()
                    .orElseThrow(() -> new CloudSetupException(missing + ", and stack '" + stack + "' was not found"));
        } catch (SdkException e) {
            if (AwsErrors.isTransient(e)) {
                throw AwsErrors.translate(e, "cloudformation:DescribeStacks " + stack);
            }
            Optional<String> credentials = AwsErrors.credentialsProblem(e);
            if (credentials.isPresent()) {
                // (an STS out of reach is transient, and thrown above)
                throw new CloudSetupException(credentials.get() + ": needed to read the outputs of stack '"
                        + stack + "' (to find the state machine and bundle bucket)", e);
            }
            String why = e.getMessage() != null && e.getMessage().contains("does not exist")
                    ? "was not found" : "could not be read: " + e.getMessage();
            throw new CloudSetupException(missing + ", and stack '" + stack + "' " + why
                    + " (deploy the orchestrator stack, or pass --stack-name / --region)", e);
        }
        Map<String, String> outputs = new LinkedHashMap<>();
        for (Output output : found.outputs()) {
            outputs.put(output.outputKey(), output.outputValue());
        }
        if ((needArn && blank(outputs.get("StateMachineArn"))) || (needBucket && blank(outputs.get("BundleBucketName")))) {
            throw new CloudSetupException(missing + ", and stack '" + stack
                    + "' has no StateMachineArn / BundleBucketName outputs (is it the orchestrator stack?)");
        }
        return outputs;
    }

    /**
     * Follows a started execution to its end or the wait timeout. Once it is started, trouble
     * reading it (access denied on the history, say) does not undo the deployment: it is reported
     * as {@code FOLLOW_FAILED} with where to follow it instead of thrown. Once DescribeExecution
     * says it has ended, that status is the outcome: the rest of the history is read, retried like
     * any poll until the wait deadline, and if it stays unreadable the phase lines may be incomplete.
     */
    private DeployOutcome follow(SfnExecutions executions, DeploymentInput deployment, String deploymentId,
                                 String executionArn, String consoleUrl, ProgressPrinter progress) {
        // A cancelled CI job (SIGINT, SIGTERM) stops the following, not the deployment: say so, and how to stop it.
        Thread stoppedWhileFollowing = onStop(progress, "smus-cli stopped following " + deploymentId
                + ": the deployment goes on in AWS, follow it at " + consoleUrl + "; to stop it: aws stepfunctions"
                + " stop-execution --execution-arn " + executionArn);
        try {
            return followUntilEnd(executions, deployment, deploymentId, executionArn, consoleUrl, progress);
        } finally {
            removeOnStop(stoppedWhileFollowing);
        }
    }

    /** Prints {@code line} if the process is stopped (SIGINT, SIGTERM) before {@link #removeOnStop}. */
    private static Thread onStop(ProgressPrinter progress, String line) {
        Thread hook = new Thread(() -> progress.line(line), "smus-cli-stopped");
        try {
            Runtime.getRuntime().addShutdownHook(hook);
        } catch (IllegalStateException e) {
            // already being stopped: the hook would not run; say it now
            hook.run();
        }
        return hook;
    }

    private static void removeOnStop(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the process is being stopped: the hook runs
        }
    }

    private DeployOutcome followUntilEnd(SfnExecutions executions, DeploymentInput deployment, String deploymentId,
                                         String executionArn, String consoleUrl, ProgressPrinter progress) {
        CloudProgress history = new CloudProgress(progress);
        long deadline = nanoTime.getAsLong() + Duration.ofSeconds(options.waitTimeoutSeconds).toNanos();
        long lastEventId = 0;
        // Set once DescribeExecution says it has ended: from then on only the rest of the history is read.
        SfnExecutions.Execution execution = null;
        // Once the end is known, its outcome is not held back for long by a history that cannot be read.
        long readRestUntil = deadline;
        // What made the last poll fail, if it did: at the deadline the status is then unknown, not "running".
        String lastPollFailure = null;
        try {
            while (true) {
                try {
                    for (HistoryEvent event : executions.history(executionArn, lastEventId)) {
                        history.accept(event);
                        lastEventId = Math.max(lastEventId, event.id());
                    }
                    if (execution != null) {
                        break;
                    }
                    SfnExecutions.Execution described = executions.describe(executionArn);
                    lastPollFailure = null;
                    if (described.finished()) {
                        execution = described;
                        long soon = nanoTime.getAsLong() + HISTORY_AFTER_END.toNanos();
                        readRestUntil = soon - deadline < 0 ? soon : deadline;
                        if (history.terminalStatus().isPresent()) {
                            break;
                        }
                        // The end was recorded after our history read: read the rest.
                        continue;
                    }
                } catch (RetryablePhaseException e) {
                    // A poll that failed for a transient reason (throttling, 5xx, a timeout, the network)
                    // is not a failed deployment: poll again later. (The message begins with the code.)
                    lastPollFailure = e.getMessage();
                } catch (PhaseFailure e) {
                    if (execution == null) {
                        throw e;
                    }
                    historyIncomplete(progress, e.code() + ": " + e.getMessage());
                    break;
                }
                if (nanoTime.getAsLong() - (execution != null ? readRestUntil : deadline) > 0) {
                    if (execution != null) {
                        // It has ended: its status says how, even if its last history events are unreadable.
                        historyIncomplete(progress, "still unreadable: " + lastPollFailure);
                        break;
                    }
                    progress.line("WAIT_TIMED_OUT " + deploymentId + ": " + (lastPollFailure == null
                            ? "still running after " + options.waitTimeoutSeconds + " s"
                            : "status unknown after " + options.waitTimeoutSeconds + " s, the last polls failed ("
                                    + lastPollFailure + ")") + "; follow it at " + consoleUrl);
                    return outcome(deployment, deploymentId, "WAIT_TIMED_OUT", null, executionArn, consoleUrl, null,
                            null, history.phases());
                }
                try {
                    sleeper.sleep(pollInterval);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    if (execution != null) {
                        historyIncomplete(progress, "interrupted");
                        break;
                    }
                    return outcome(deployment, deploymentId, "WAIT_TIMED_OUT", null, executionArn, consoleUrl, null,
                            null, history.phases());
                }
            }
        } catch (RuntimeException e) {
            String code = e instanceof PhaseFailure failure ? failure.code()
                    : e instanceof RetryablePhaseException retryable ? retryable.code() : "FOLLOW_FAILED";
            String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            progress.line("error: could not follow execution " + executionArn + ": " + code + ": " + message
                    + "; the deployment goes on in AWS, follow it at " + consoleUrl);
            return outcome(deployment, deploymentId, "FOLLOW_FAILED", null, executionArn, consoleUrl, null,
                    Map.of("code", code, "message", message), history.phases());
        }
        return ended(deployment, deploymentId, execution, history, executionArn, consoleUrl, progress);
    }

    private static void historyIncomplete(ProgressPrinter progress, String why) {
        progress.line("  note: the execution has ended, but the rest of its history could not be read (" + why
                + "); the phase lines above may be incomplete");
    }

    /** The outcome of an execution that has ended, as far as {@code history} has read it. */
    private static DeployOutcome ended(DeploymentInput deployment, String deploymentId, SfnExecutions.Execution ended,
                                       CloudProgress history, String executionArn, String consoleUrl,
                                       ProgressPrinter progress) {
        String status = ended.status();
        Long durationMs = ended.startDate() != null && ended.stopDate() != null
                ? Duration.between(ended.startDate(), ended.stopDate()).toMillis() : null;
        Map<String, String> error = null;
        if (!"SUCCEEDED".equals(status)) {
            EventDetail.ErrorInfo info = history.failure().orElseGet(() -> new EventDetail.ErrorInfo(
                    ended.error() == null ? "EXECUTION_" + status : ended.error(),
                    ended.cause() == null ? "execution " + status.toLowerCase(Locale.ROOT) : ended.cause()));
            error = Map.of("code", info.code(), "message", info.message());
        }
        progress.line(String.format("%s %s in %s: execution %s", status, deploymentId,
                durationMs == null ? "?" : ProgressPrinter.duration(durationMs), executionArn)
                + (error == null ? "" : " (" + error.get("code") + ": " + error.get("message") + ")"));
        return outcome(deployment, deploymentId, status, durationMs, executionArn, consoleUrl,
                history.failedPhase().map(p -> p.value()).orElse(null), error, history.phases());
    }

    private DeployOutcome notStarted(DeploymentInput deployment, String code, String message, ProgressPrinter progress) {
        progress.line("FAILED " + deployment.deploymentId() + ": " + code + ": " + message + " (nothing was started)");
        return outcome(deployment, deployment.deploymentId(), "FAILED", null, null, null, null,
                Map.of("code", code, "message", message), Map.of());
    }

    /**
     * AWS failed the bundle's upload (throttling, 5xx, network: exit 1), so this deployment will not
     * start. If no execution of its name exists either (a re-run job's upload can fail after the
     * first run started the deployment), nothing will ever tell it: the CLI emits its one
     * Deploy-Failed itself (sequence 2, no phase; from the CLI's identity, which then needs
     * {@code events:PutEvents} on the bus, as the spec's IAM section has it), so that failure rules
     * fire however the deployment ended. An event that cannot be sent is logged whole on stderr, as
     * every undelivered event is. When the execution exists, or Step Functions cannot say, nothing
     * is sent.
     */
    private DeployOutcome failedBeforeStart(DeploymentInput deployment, SfnExecutions executions, String executionArn,
                                            String code, String message, ProgressPrinter progress) {
        String exists;
        try {
            SfnExecutions.Execution execution = executions.describe(executionArn);
            // a name reused for another deployment (--execution-name) is not this deployment's execution
            exists = isThisDeployment(execution, deployment) ? execution.status() : null;
        } catch (PhaseFailure e) {
            exists = "EXECUTION_NOT_FOUND".equals(e.code()) ? null : "UNKNOWN";
        } catch (RetryablePhaseException e) {
            exists = "UNKNOWN";
        }
        if (exists != null) {
            return notStarted(deployment, code, message + (exists.equals("UNKNOWN")
                    ? "; whether an earlier run started this deployment could not be read, so no event was sent"
                    : "; execution " + executionArn + " of this deployment exists (" + exists + "): an earlier run"
                            + " started it, and running the same command again follows it"), progress);
        }
        DeployOutcome outcome = notStarted(deployment, code, message, progress);
        if (!deployment.monitoring().enabled()) {
            return outcome;
        }
        Region region = orchestrator.region();
        List<DeploymentEvent> undelivered = new ArrayList<>();
        String busName = deployment.monitoring().eventBusName();
        EventBridgeClient client = null;
        try {
            client = clients.eventBridge(region);
        } catch (RuntimeException e) {
            // no region or credentials: the default publisher cannot send either, and logs the event whole
        }
        try {
            EventPublisher bus = client != null ? EventBridgePublisher.create(client, busName)
                    : EventBridgePublisher.create(busName);
            new EmitterFactory(name -> events -> {
                EventPublisher.PublishResult result = bus.publish(events);
                undelivered.addAll(result.undelivered());
                return result;
            }, Clock.systemUTC()).forDeployment(deployment).deployFailed(null, false, 0, 0,
                    new EventDetail.ErrorInfo(code, message), Map.of("notStarted", true));
        } finally {
            if (client != null) {
                client.close();
            }
        }
        progress.line(undelivered.isEmpty()
                ? "  Deploy-Failed sent to EventBridge bus '" + busName + "'"
                : "  the Deploy-Failed event could not be sent (logged whole on stderr)");
        // the one event this deployment has
        return new DeployOutcome(outcome.deploymentId(), outcome.pipelineName(), outcome.target(), outcome.status(),
                outcome.durationMs(), null, null, null, outcome.error(), outcome.phases(), 1,
                List.of(Stage.DEPLOY.detailType(Status.FAILED)), null, null);
    }


    /**
     * StartExecution failed after its retries. Unlike a failed upload, that does not mean nothing
     * was started: a 5xx or a timeout can come after Step Functions started the execution. Running
     * the same command again derives the same name, so it finds that execution or starts it once.
     */
    private DeployOutcome startNotConfirmed(DeploymentInput deployment, String name, RetryablePhaseException e,
                                            ProgressPrinter progress) {
        String message = "starting execution " + name + ": " + e.getMessage();
        progress.line("FAILED " + deployment.deploymentId() + ": " + e.code() + ": " + message
                + " (if Step Functions received the request, the execution may have started all the same: "
                + "run the same command again" + ("true".equalsIgnoreCase(env.get("GITHUB_ACTIONS"))
                        ? " (re-run the job)" : "")
                + ", which finds execution " + name + " instead of starting a second one)");
        return outcome(deployment, deployment.deploymentId(), "FAILED", null, null, null, null,
                Map.of("code", e.code(), "message", message), Map.of());
    }

    private static DeployOutcome outcome(DeploymentInput deployment, String deploymentId, String status,
                                         Long durationMs, String executionArn, String consoleUrl, String failedPhase,
                                         Map<String, String> error, Map<String, Object> phases) {
        return new DeployOutcome(deploymentId, deployment.pipelineName(), deployment.target().name(), status,
                durationMs, executionArn, consoleUrl, failedPhase, error, new LinkedHashMap<>(phases), 0, null, null,
                null);
    }

    /**
     * The execution name of a deployment: readable {@code <pipeline>-<target>} and a hash of
     * pipeline, target, bundle digest and CI run id (empty outside CI).
     */
    static String executionName(String pipelineName, String targetName, String digest, String ciRunId) {
        return ExecutionNames.of(pipelineName + "-" + targetName, pipelineName, targetName, digest,
                ciRunId == null ? "" : ciRunId);
    }

    /** The CI run id: from the collected metadata, else read from the CI environment (metadata may be off). */
    private String ciRunId(DeploymentInput input) {
        if (input.metadata() != null && !blank(input.metadata().runId())) {
            return input.metadata().runId();
        }
        return MetadataCollector.create(env, args -> Optional.empty()).collect().runId();
    }

    private static CloudSetupException setupProblem(PhaseFailure e, String doing, String flag) {
        String hint = switch (e.code()) {
            case "BUCKET_NOT_FOUND" -> " (check " + flag + ", SMUS_BUNDLE_BUCKET or the stack output)";
            case "STATE_MACHINE_NOT_FOUND", "INVALID_ARN" -> " (check " + flag
                    + ", SMUS_STATE_MACHINE_ARN or the stack output)";
            case "ACCESS_DENIED", "AUTHENTICATION_FAILED" -> " (check the AWS credentials and role in use)";
            default -> "";
        };
        return new CloudSetupException(doing + ": " + e.code() + ": " + e.getMessage() + hint, e);
    }

    private static String firstNonBlank(String a, String b) {
        return !blank(a) ? a.trim() : !blank(b) ? b.trim() : null;
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }
}
