package com.smuscicd.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.smuscicd.aws.AwsClients;
import com.smuscicd.aws.S3BundleStore;
import com.smuscicd.aws.SfnExecutions;
import com.smuscicd.deploy.BundlePackager;
import com.smuscicd.deploy.DeploymentInput;
import com.smuscicd.deploy.S3Location;
import com.smuscicd.errors.PhaseFailure;
import com.smuscicd.errors.RetryablePhaseException;
import com.smuscicd.events.EventDetail;
import com.smuscicd.json.Json;
import com.smuscicd.metadata.MetadataCollector;
import com.smuscicd.trigger.BundleTrigger;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.Output;
import software.amazon.awssdk.services.cloudformation.model.Stack;
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
 *       The region is {@code --region}, else the state machine ARN's.</li>
 *   <li>Upload: {@code s3://<bucket>/<pipeline>/<target>/<sha256 hex>.zip}, content-addressed
 *       (unchanged content is not uploaded again), marked {@code smus-origin=smus-cli} so the
 *       bucket's upload trigger leaves it alone.</li>
 *   <li>Exactly once: the execution name is derived from pipeline, target, bundle digest and the
 *       CI run id, so a retried CI job finds its deployment already started
 *       ({@code ALREADY_STARTED}, or with {@code --wait} that execution's outcome) instead of
 *       starting a second one. Outside CI the name depends on the content alone: deploying unchanged
 *       content again needs {@code --execution-name}.</li>
 *   <li>Problems with the options or the orchestrator (nothing to deploy to, no such stack, bucket
 *       or state machine, no credentials, access denied) are usage errors: nothing is started and
 *       the command exits 2.</li>
 * </ul>
 */
final class CloudDeploy {

    static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(2);

    private static final Pattern STATE_MACHINE_ARN =
            Pattern.compile("^arn:aws[a-z-]*:states:[a-z0-9-]+:\\d{12}:stateMachine:[A-Za-z0-9_-]{1,80}(:.+)?$");
    private static final Pattern BUCKET_NAME = Pattern.compile("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$");

    private final CloudOptions options;
    private final Map<String, String> env;
    private final ClientFactory clients;
    private final Sleeper sleeper;
    private final Duration pollInterval;
    private final LongSupplier nanoTime;

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
                    return AwsClients.configure(SfnClient.builder(), region, null, null).build();
                }

                @Override
                public CloudFormationClient cloudFormation(Region region) {
                    return AwsClients.configure(CloudFormationClient.builder(), region, null, null).build();
                }
            };
        }
    }

    /** Waits between polls of the execution. */
    @FunctionalInterface
    interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    /** Where deployments go: the state machine and the bucket bundles are uploaded to. */
    record Orchestrator(String stateMachineArn, String bundleBucket, Region region) {
    }

    /**
     * Deploys one target.
     *
     * @param input  the deployment input (its bundle is set here)
     * @throws CloudSetupException for unusable options or orchestrator, before anything is
     *     uploaded or started (the command maps it to exit 2)
     */
    DeployOutcome deploy(DeploymentInput input, BundlePackager.PackedBundle bundle, ProgressPrinter progress) {
        return deployOrThrow(input, bundle, progress);
    }

    private DeployOutcome deployOrThrow(DeploymentInput input, BundlePackager.PackedBundle bundle,
                                        ProgressPrinter progress) {
        if (options.waitTimeoutSeconds <= 0) {
            throw new CloudSetupException("--wait-timeout must be more than 0 seconds");
        }
        if (options.executionName != null && !options.executionName.matches("[A-Za-z0-9_-]{1,80}")) {
            throw new CloudSetupException("--execution-name must be 1 to 80 of letters, digits, '-' and '_'");
        }
        Orchestrator orchestrator = orchestrator();
        String hex = bundle.digest().substring("sha256:".length());
        S3Location location = new S3Location(orchestrator.bundleBucket(),
                input.pipelineName() + "/" + input.target().name() + "/" + hex + ".zip");
        DeploymentInput deployment = new DeploymentInput(input.deploymentId(), input.pipelineName(), input.target(),
                input.monitoring(), input.metadata(),
                new DeploymentInput.BundleRef(location.toString(), bundle.digest(), bundle.bytes()),
                bundle.workflows(), input.assets(), input.requestedAt());
        String name = options.executionName != null ? options.executionName
                : executionName(input.pipelineName(), input.target().name(), bundle.digest(), ciRunId(input));

        try (S3Client s3 = clients.s3(orchestrator.region()); SfnClient sfn = clients.sfn(orchestrator.region())) {
            try {
                S3BundleStore.create(s3).put(location, bundle.zip(), hex,
                        Map.of(BundleTrigger.ORIGIN_METADATA, BundleTrigger.ORIGIN_CLI));
            } catch (PhaseFailure e) {
                throw setupProblem(e, "uploading the bundle to " + location, "--bundle-bucket");
            } catch (RetryablePhaseException e) {
                return notStarted(deployment, e.code(), "uploading the bundle to " + location + ": " + e.getMessage(),
                        progress);
            }
            SfnExecutions executions = SfnExecutions.create(sfn);
            Map<String, Object> executionInput = new LinkedHashMap<>();
            executionInput.put("deployment", deployment);
            SfnExecutions.Started started;
            try {
                started = executions.start(orchestrator.stateMachineArn(), name, Json.write(executionInput));
            } catch (PhaseFailure e) {
                throw setupProblem(e, "starting execution " + name, "--state-machine-arn");
            } catch (RetryablePhaseException e) {
                return notStarted(deployment, e.code(), "starting execution " + name + ": " + e.getMessage(), progress);
            }
            String consoleUrl = SfnExecutions.consoleUrl(started.executionArn());
            String deploymentId = started.alreadyStarted()
                    ? existingDeploymentId(executions, started.executionArn()).orElse(deployment.deploymentId())
                    : deployment.deploymentId();
            progress.header(deployment.pipelineName(), deployment.target().name(), deployment.target().stage(),
                    deploymentId, "in AWS");
            if (started.alreadyStarted()) {
                progress.line("  execution " + name + " was already started (same pipeline, target, bundle and CI run)");
            }
            progress.line("  execution " + started.executionArn());
            progress.line("  console   " + consoleUrl);
            if (!options.waitForCompletion) {
                return outcome(deployment, deploymentId, started.alreadyStarted() ? "ALREADY_STARTED" : "RUNNING", null,
                        started.executionArn(), consoleUrl, null, null, Map.of());
            }
            return follow(executions, deployment, deploymentId, started.executionArn(), consoleUrl, progress);
        }
    }

    /** Resolves the state machine and bucket: flags, then environment, then stack outputs. */
    private Orchestrator orchestrator() {
        String arn = firstNonBlank(options.stateMachineArn, env.get("SMUS_STATE_MACHINE_ARN"));
        String bucket = firstNonBlank(options.bundleBucket, env.get("SMUS_BUNDLE_BUCKET"));
        Region flagRegion = blank(options.region) ? null : Region.of(options.region.trim());
        if (arn == null || bucket == null) {
            Map<String, String> outputs = stackOutputs(flagRegion, arn == null, bucket == null);
            arn = arn != null ? arn : outputs.get("StateMachineArn");
            bucket = bucket != null ? bucket : outputs.get("BundleBucketName");
        }
        if (!STATE_MACHINE_ARN.matcher(arn).matches()) {
            throw new CloudSetupException("'" + arn + "' is not a state machine ARN "
                    + "(arn:aws:states:<region>:<account>:stateMachine:<name>)");
        }
        if (!BUCKET_NAME.matcher(bucket).matches()) {
            throw new CloudSetupException("'" + bucket + "' is not an S3 bucket name");
        }
        Region region = flagRegion != null ? flagRegion : Region.of(SfnExecutions.regionOf(arn));
        return new Orchestrator(arn, bucket, region);
    }

    private Map<String, String> stackOutputs(Region region, boolean needArn, boolean needBucket) {
        String stack = blank(options.stackName) ? CloudOptions.DEFAULT_STACK_NAME : options.stackName.trim();
        String missing = (needArn ? "no state machine ARN (--state-machine-arn, SMUS_STATE_MACHINE_ARN)" : "")
                + (needArn && needBucket ? " and " : "")
                + (needBucket ? "no bundle bucket (--bundle-bucket, SMUS_BUNDLE_BUCKET)" : "");
        Stack found;
        try (CloudFormationClient cloudFormation = clients.cloudFormation(region)) {
            found = cloudFormation.describeStacks(b -> b.stackName(stack)).stacks().stream().findFirst()
                    .orElseThrow(() -> new CloudSetupException(missing + ", and stack '" + stack + "' was not found"));
        } catch (SdkException e) {
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

    private DeployOutcome follow(SfnExecutions executions, DeploymentInput deployment, String deploymentId,
                                 String executionArn, String consoleUrl, ProgressPrinter progress) {
        CloudProgress history = new CloudProgress(progress);
        long deadline = nanoTime.getAsLong() + Duration.ofSeconds(options.waitTimeoutSeconds).toNanos();
        long lastEventId = 0;
        SfnExecutions.Execution execution;
        while (true) {
            try {
                for (HistoryEvent event : executions.history(executionArn, lastEventId)) {
                    history.accept(event);
                    lastEventId = Math.max(lastEventId, event.id());
                }
                execution = executions.describe(executionArn);
            } catch (RetryablePhaseException e) {
                // A throttled poll is not a failed deployment: poll again later.
                execution = null;
            }
            if (execution != null && execution.finished()) {
                if (history.terminalStatus().isEmpty()) {
                    // The end was recorded after our history read: read the rest.
                    executions.history(executionArn, lastEventId).forEach(history::accept);
                }
                break;
            }
            if (nanoTime.getAsLong() > deadline) {
                progress.line("WAIT_TIMED_OUT " + deploymentId + ": still running after " + options.waitTimeoutSeconds
                        + " s; follow it at " + consoleUrl);
                return outcome(deployment, deploymentId, "WAIT_TIMED_OUT", null, executionArn, consoleUrl, null, null,
                        history.phases());
            }
            try {
                sleeper.sleep(pollInterval);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return outcome(deployment, deploymentId, "WAIT_TIMED_OUT", null, executionArn, consoleUrl, null, null,
                        history.phases());
            }
        }
        SfnExecutions.Execution ended = execution;
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

    private static DeployOutcome outcome(DeploymentInput deployment, String deploymentId, String status,
                                         Long durationMs, String executionArn, String consoleUrl, String failedPhase,
                                         Map<String, String> error, Map<String, Object> phases) {
        return new DeployOutcome(deploymentId, deployment.pipelineName(), deployment.target().name(), status,
                durationMs, executionArn, consoleUrl, failedPhase, error, new LinkedHashMap<>(phases), 0, null, null);
    }

    /**
     * The execution name of a deployment: readable {@code <pipeline>-<target>} and a hash of
     * pipeline, target, bundle digest and CI run id (empty outside CI).
     */
    static String executionName(String pipelineName, String targetName, String digest, String ciRunId) {
        return SfnExecutions.executionName(pipelineName + "-" + targetName, pipelineName, targetName, digest,
                ciRunId == null ? "" : ciRunId);
    }

    /** The CI run id: from the collected metadata, else read from the CI environment (metadata may be off). */
    private String ciRunId(DeploymentInput input) {
        if (input.metadata() != null && !blank(input.metadata().runId())) {
            return input.metadata().runId();
        }
        return MetadataCollector.create(env, args -> Optional.empty()).collect().runId();
    }

    private static Optional<String> existingDeploymentId(SfnExecutions executions, String executionArn) {
        try {
            JsonNode input = Json.read(executions.describe(executionArn).input());
            return Optional.ofNullable(input.path("deployment").path("deploymentId").asText(null));
        } catch (RuntimeException e) {
            // Only for the report: the execution is known to exist, its input may not be readable.
            return Optional.empty();
        }
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
