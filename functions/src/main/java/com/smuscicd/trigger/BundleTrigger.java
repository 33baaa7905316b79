package com.smuscicd.trigger;

import com.smuscicd.metadata.RemoteUrls;
import com.fasterxml.jackson.databind.JsonNode;
import com.smuscicd.deploy.BundleArchive;
import com.smuscicd.deploy.BundleStore;
import com.smuscicd.deploy.DeploymentInput;
import com.smuscicd.deploy.DeploymentInputs;
import com.smuscicd.deploy.EventOverrides;
import com.smuscicd.deploy.ExecutionInputLimit;
import com.smuscicd.deploy.ExecutionNames;
import com.smuscicd.deploy.PublishableBuses;
import com.smuscicd.deploy.S3Location;
import com.smuscicd.errors.InvalidManifestException;
import com.smuscicd.errors.PhaseFailure;
import com.smuscicd.events.DeploymentContext;
import com.smuscicd.events.EventDetail;
import com.smuscicd.events.EventEmitter;
import com.smuscicd.events.EventPublisher;
import com.smuscicd.events.Metadata;
import com.smuscicd.json.Json;
import com.smuscicd.manifest.ManifestLoader;
import com.smuscicd.manifest.PipelineManifest;
import com.smuscicd.text.Utf8;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Upload-to-deploy: turns an S3 "Object Created" event (delivered by EventBridge) for a bundle zip
 * into one execution of the deployment state machine.
 *
 * <h2>Which target</h2>
 * The object's user metadata {@value #TARGET_METADATA} ({@code x-amz-meta-smus-target}) names the
 * target; without it, the key does: {@code <pipeline>/<target>/<file>.zip}, the folder that holds
 * the file. The pipeline folder is for people browsing the bucket; the pipeline itself is the
 * bundle's {@code pipeline.yaml}. The event carries the key URL-encoded ({@code release+1.zip} for
 * {@code release 1.zip}); it is decoded once, on arrival, and only the decoded key is used.
 *
 * <h2>Exactly once</h2>
 * The execution name is derived from bucket, key and version id (the ETag on unversioned buckets),
 * and the input from the object and the event alone (the event's time is {@code requestedAt}), so
 * the same event delivered twice starts one execution. The bundle read is the version the event
 * names ({@code detail.object.version-id}), not whatever the key holds by then, and the execution
 * input names that version ({@code bundle.versionId}) with the digest and size read here; the
 * phases read that version and fail with {@code BUNDLE_CHANGED} on any other content. So two quick
 * uploads to one key each deploy their own content. (A bucket without versioning has no version to
 * name: an upload that overwrites the key before a phase reads it fails the earlier deployment
 * with {@code BUNDLE_CHANGED}; its own event deploys it.) Objects that {@code smus-cli deploy}
 * uploaded ({@value #ORIGIN_METADATA}{@code =}{@value #ORIGIN_CLI}) are ignored: the CLI starts
 * those itself.
 *
 * <h2>Bad bundles</h2>
 * Not a zip or an entry escaping the root ({@code BUNDLE_INVALID}), too large
 * ({@code BUNDLE_TOO_LARGE}), no {@code pipeline.yaml} ({@code MANIFEST_MISSING}), an invalid one
 * ({@code MANIFEST_INVALID}), an unknown target ({@code TARGET_UNKNOWN}), a bus the functions may
 * not publish to ({@code EVENT_BUS_NOT_ALLOWED}, see {@link #allowingBuses}): nothing is started, one
 * {@code SMUS-CICD-Deploy-Failed} is emitted (to the manifest's bus, else, or when that bus is not
 * allowed, {@code EVENT_BUS_NAME}; none when a readable manifest turns events off) and the call returns normally, so the Lambda
 * service does not retry a bundle that cannot get better. Transient failures (S3, Step Functions)
 * propagate, so the Lambda service retries them.
 */
public final class BundleTrigger {

    /** User metadata naming the target to deploy. */
    public static final String TARGET_METADATA = "smus-target";
    /** User metadata naming who uploaded the bundle; {@value #ORIGIN_CLI} means the CLI, which starts the deployment itself. */
    public static final String ORIGIN_METADATA = "smus-origin";
    public static final String ORIGIN_CLI = "smus-cli";

    /**
     * The event metadata fields an uploader may set as user metadata ({@code x-amz-meta-smus-git-commit} ...),
     * each with the part of {@link Metadata} it holds.
     */
    private static final List<Map.Entry<String, Function<Metadata, String>>> METADATA_FIELDS = List.of(
            Map.entry("user", Metadata::user), Map.entry("git-commit", Metadata::gitCommit),
            Map.entry("git-branch", Metadata::gitBranch), Map.entry("git-repository", Metadata::gitRepository),
            Map.entry("cicd-platform", Metadata::cicdPlatform), Map.entry("run-id", Metadata::runId),
            Map.entry("run-url", Metadata::runUrl), Map.entry("commit-timestamp", Metadata::commitTimestamp));

    private static final int MAX_MESSAGE_LENGTH = 2000;
    private static final String UNKNOWN = "unknown";

    /** Reads the user metadata (keys in lower case) of one version of an object (null: the latest). */
    @FunctionalInterface
    public interface MetadataSource {
        Map<String, String> userMetadata(S3Location location, String versionId);
    }

    /** Starts an execution of the deployment state machine. */
    @FunctionalInterface
    public interface ExecutionStarter {
        /** @return the execution's ARN and whether it had been started before */
        StartedExecution start(String executionName, String inputJson);
    }

    /** What {@link ExecutionStarter#start} did. */
    public record StartedExecution(String executionArn, boolean alreadyStarted) {
    }

    /**
     * What the trigger did with one event.
     *
     * @param status STARTED, ALREADY_STARTED, REJECTED (bad bundle, Deploy-Failed emitted) or IGNORED
     */
    public record Outcome(String status, String bundle, String executionName, String executionArn,
                          String deploymentId, String errorCode, String message) {
    }

    private final BundleStore store;
    private final MetadataSource metadata;
    private final ExecutionStarter starter;
    private final Function<String, EventPublisher> publisherForBus;
    private final String defaultBus;
    private final Clock clock;
    private final long maxBundleBytes;
    private final Consumer<String> log;
    /** The buses the functions may publish to; null: not known, not checked. */
    private final PublishableBuses publishable;

    BundleTrigger(BundleStore store, MetadataSource metadata, ExecutionStarter starter,
                  Function<String, EventPublisher> publisherForBus, String defaultBus, Clock clock,
                  long maxBundleBytes, Consumer<String> log) {
        this(store, metadata, starter, publisherForBus, defaultBus, clock, maxBundleBytes, log, null);
    }

    private BundleTrigger(BundleStore store, MetadataSource metadata, ExecutionStarter starter,
                          Function<String, EventPublisher> publisherForBus, String defaultBus, Clock clock,
                          long maxBundleBytes, Consumer<String> log, PublishableBuses publishable) {
        this.publishable = publishable;
        this.store = Objects.requireNonNull(store, "store");
        this.metadata = Objects.requireNonNull(metadata, "metadata");
        this.starter = Objects.requireNonNull(starter, "starter");
        this.publisherForBus = Objects.requireNonNull(publisherForBus, "publisherForBus");
        this.defaultBus = defaultBus;
        this.clock = Objects.requireNonNull(clock, "clock");
        this.maxBundleBytes = maxBundleBytes;
        this.log = Objects.requireNonNull(log, "log");
    }

    /**
     * A trigger.
     *
     * @param store           where bundles are read, at the version the event names
     * @param publisherForBus the publisher of a bus name or ARN (null: the default bus)
     * @param defaultBus      the bus for bundles whose manifest cannot say ({@code EVENT_BUS_NAME}); null: default bus
     */
    public static BundleTrigger create(BundleStore store, MetadataSource metadata, ExecutionStarter starter,
                                       Function<String, EventPublisher> publisherForBus, String defaultBus,
                                       Clock clock, long maxBundleBytes) {
        return create(store, metadata, starter, publisherForBus, defaultBus, clock, maxBundleBytes, System.out::println);
    }

    /** A trigger whose one-line outcomes go to {@code log} (the other {@code create} prints them). */
    public static BundleTrigger create(BundleStore store, MetadataSource metadata, ExecutionStarter starter,
                                       Function<String, EventPublisher> publisherForBus, String defaultBus,
                                       Clock clock, long maxBundleBytes, Consumer<String> log) {
        return new BundleTrigger(store, metadata, starter, publisherForBus, defaultBus, clock, maxBundleBytes, log);
    }

    /**
     * This trigger, rejecting bundles whose manifest names a bus outside {@code buses}
     * ({@code EVENT_BUS_NOT_ALLOWED}, the Deploy-Failed going to the default bus instead): their
     * deployment would run with every event denied. Null: nothing is checked.
     */
    public BundleTrigger allowingBuses(PublishableBuses buses) {
        return new BundleTrigger(store, metadata, starter, publisherForBus, defaultBus, clock, maxBundleBytes, log,
                buses);
    }

    /** Handles one EventBridge event of source {@code aws.s3}, detail-type {@code Object Created}. */
    public Outcome handle(JsonNode event) {
        JsonNode detail = event.path("detail");
        String bucket = detail.path("bucket").path("name").asText("");
        String encodedKey = detail.path("object").path("key").asText("");
        if (bucket.isEmpty() || encodedKey.isEmpty()) {
            return logged(new Outcome("IGNORED", null, null, null, null, null,
                    "not an S3 Object Created event (no detail.bucket.name / detail.object.key)"));
        }
        String key;
        try {
            key = decodeKey(encodedKey);
        } catch (IllegalArgumentException e) {
            // S3 encodes every '%' it sends, so no upload gets here: nothing to deploy, nothing to alert on.
            return logged(new Outcome("IGNORED", "s3://" + bucket + "/" + encodedKey, null, null, null,
                    "INVALID_S3_KEY", "object key '" + encodedKey + "' is not URL-encoded as S3 sends keys: "
                    + e.getMessage()));
        }
        S3Location location = new S3Location(bucket, key);
        if (!key.toLowerCase(Locale.ROOT).endsWith(".zip")) {
            return logged(new Outcome("IGNORED", location.toString(), null, null, null, null, "not a .zip key"));
        }
        String versionId = detail.path("object").path("version-id").asText("");
        Map<String, String> userMetadata;
        try {
            // the metadata of the version this event is about: a later upload of the same key may
            // name another target or origin
            userMetadata = metadata.userMetadata(location, versionId.isEmpty() ? null : versionId);
        } catch (PhaseFailure e) {
            if ("BUNDLE_NOT_FOUND".equals(e.code())) {
                return logged(new Outcome("IGNORED", location.toString(), null, null, null, e.code(),
                        "deleted before it could be read"));
            }
            throw e;
        }
        if (ORIGIN_CLI.equals(userMetadata.get(ORIGIN_METADATA))) {
            return logged(new Outcome("IGNORED", location.toString(), null, null, null, null,
                    "uploaded by smus-cli, which starts its deployment itself"));
        }
        String version = identityOf(detail.path("object"), event);
        String targetName = targetName(key, userMetadata);
        String executionName = executionName(location, targetName, version);
        String deploymentId = UUID.nameUUIDFromBytes(executionName.getBytes(StandardCharsets.UTF_8)).toString();
        Request request = new Request(location, targetName, executionName, deploymentId,
                requestedAt(event), metadataOf(userMetadata), region(event));

        long size = detail.path("object").path("size").asLong(-1);
        if (size > maxBundleBytes) {
            return reject(request, null, "BUNDLE_TOO_LARGE", location + " is " + size
                    + " bytes, more than the limit of " + maxBundleBytes);
        }
        Bundle bundle;
        try {
            bundle = read(location, versionId.isEmpty() ? null : versionId);
        } catch (PhaseFailure e) {
            if ("BUNDLE_NOT_FOUND".equals(e.code())) {
                return logged(new Outcome("IGNORED", location.toString(), null, null, null, e.code(),
                        "deleted before it could be read"));
            }
            if ("BUNDLE_INVALID".equals(e.code()) || "BUNDLE_TOO_LARGE".equals(e.code())) {
                return reject(request, null, e.code(), location + ": " + e.getMessage());
            }
            throw e;
        }
        byte[] manifestBytes = bundle.manifest();
        if (manifestBytes == null) {
            return reject(request, null, "MANIFEST_MISSING", location + " has no " + BundleArchive.MANIFEST_ENTRY
                    + " at its root");
        }
        Path manifestName = manifestName(key);
        PipelineManifest manifest;
        try {
            manifest = ManifestLoader.create().parse(utf8(manifestBytes, manifestName), manifestName);
        } catch (InvalidManifestException e) {
            return reject(request, null, "MANIFEST_INVALID", String.join("; ", e.problems()));
        }
        if (targetName == null) {
            return reject(request, manifest, "TARGET_UNKNOWN", location + ": no target named: set the object's "
                    + "metadata " + TARGET_METADATA + " or upload to <pipeline>/<target>/<file>.zip; known targets: "
                    + String.join(", ", manifest.targets().keySet()));
        }
        PipelineManifest.Target target;
        try {
            target = ManifestLoader.requireTarget(manifest, targetName);
        } catch (InvalidManifestException e) {
            return reject(request, manifest, "TARGET_UNKNOWN", String.join("; ", e.problems()));
        }
        String outside = entryOutsideTheLayout(bundle.entryNames(), manifest);
        if (outside != null) {
            return reject(request, manifest, "BUNDLE_INVALID", location + ": " + outside);
        }
        PipelineManifest.Monitoring monitoring = manifest.monitoring();
        if (publishable != null && monitoring.enabled() && !publishable.allows(monitoring.eventBusName())) {
            return reject(request, manifest, "EVENT_BUS_NOT_ALLOWED", manifestName
                    + ": monitoring.eventbridge.eventBusName '" + monitoring.eventBusName() + "' is not one of the"
                    + " buses the orchestrator's functions may publish to (" + publishable.listed()
                    + "): every event of the deployment would be denied. Name one of those, or deploy the"
                    + " orchestrator stack with -c eventBusNames=" + publishable.with(monitoring.eventBusName()));
        }
        List<PipelineManifest.WorkflowItem> workflows = new ArrayList<>();
        for (PipelineManifest.WorkflowItem workflow : manifest.bundle().workflows()) {
            String entry = BundleArchive.workflowEntry(workflow.file());
            if (!bundle.entryNames().contains(entry)) {
                return reject(request, manifest, "BUNDLE_INVALID", location + ": workflow '" + workflow.name()
                        + "' needs the entry " + entry + ", which the bundle does not have");
            }
            workflows.add(new PipelineManifest.WorkflowItem(workflow.name(), entry));
        }

        DeploymentInput input = DeploymentInputs.of(manifest, target, EventOverrides.NONE, request.metadata(),
                deploymentId, request.requestedAt(),
                new DeploymentInput.BundleRef(location.toString(), bundle.digest(), bundle.bytes(),
                        versionId.isEmpty() ? null : versionId), workflows);
        Map<String, Object> executionInput = new LinkedHashMap<>();
        executionInput.put("deployment", input);
        String inputJson = Json.write(executionInput);
        try {
            // too big for the state machine to work in: it would fail with no Deploy-Failed
            ExecutionInputLimit.check(inputJson, manifestName + " (target " + targetName + ")");
        } catch (InvalidManifestException e) {
            return reject(request, manifest, "MANIFEST_INVALID", String.join("; ", e.problems()));
        }
        StartedExecution started = starter.start(executionName, inputJson);
        return logged(new Outcome(started.alreadyStarted() ? "ALREADY_STARTED" : "STARTED", location.toString(),
                executionName, started.executionArn(), deploymentId, null, null));
    }

    /**
     * The object key an S3 event names, decoded: S3 sends it URL-encoded, form style ({@code '+'} for
     * a space, {@code %XX} for other bytes of the UTF-8 key), as AWS's own tools read it
     * ({@code unquote_plus}).
     *
     * @throws IllegalArgumentException for a malformed {@code %} escape
     */
    static String decodeKey(String encodedKey) {
        return URLDecoder.decode(encodedKey, StandardCharsets.UTF_8);
    }

    /** The target named by metadata, else by the folder holding the file; null when neither names one. */
    static String targetName(String key, Map<String, String> userMetadata) {
        String fromMetadata = userMetadata.get(TARGET_METADATA);
        if (fromMetadata != null && !fromMetadata.isBlank()) {
            return fromMetadata.trim();
        }
        String[] parts = key.split("/");
        return parts.length >= 2 && !parts[parts.length - 2].isBlank() ? parts[parts.length - 2] : null;
    }

    /** The execution name: readable pipeline/target prefix from the key, hash of bucket, key and version. */
    static String executionName(S3Location location, String targetName, String version) {
        String key = location.key();
        String folder = key.contains("/") ? key.substring(0, key.lastIndexOf('/')) : "";
        String readable = "s3-" + (folder.isEmpty() ? String.valueOf(targetName) : folder);
        return ExecutionNames.of(readable, location.bucket(), key, version);
    }

    private Outcome reject(Request request, PipelineManifest manifest, String code, String message) {
        String text = message.length() > MAX_MESSAGE_LENGTH ? message.substring(0, MAX_MESSAGE_LENGTH - 3) + "..."
                : message;
        boolean emitted = emitFailed(request, manifest, code, text);
        return logged(new Outcome("REJECTED", request.location().toString(), request.executionName(), null,
                request.deploymentId(), code, text + (emitted ? "" : " (events disabled by the manifest)")));
    }

    /** Emits the one Deploy-Failed of a rejected bundle; false when the manifest turns events off. */
    private boolean emitFailed(Request request, PipelineManifest manifest, String code, String message) {
        String bus = defaultBus;
        Metadata metadata = request.metadata();
        if (manifest != null) {
            PipelineManifest.Monitoring monitoring = manifest.monitoring();
            if (!monitoring.enabled()) {
                return false;
            }
            // the manifest's bus, unless this function may not publish there (then the event would only be logged)
            bus = publishable == null || publishable.allows(monitoring.eventBusName()) ? monitoring.eventBusName()
                    : defaultBus;
            metadata = monitoring.includeMetadata() ? metadata : null;
        }
        PipelineManifest.Target target = manifest == null || request.targetName() == null ? null
                : manifest.targets().get(request.targetName());
        String targetName = request.targetName() == null ? UNKNOWN : request.targetName();
        EventDetail.TargetInfo targetInfo = target != null
                ? new EventDetail.TargetInfo(target.name(), target.stage(),
                        new EventDetail.DomainInfo(target.domain().name(), target.domain().region(), null),
                        new EventDetail.ProjectInfo(target.project().name(), null))
                : new EventDetail.TargetInfo(targetName, UNKNOWN.toUpperCase(Locale.ROOT),
                        new EventDetail.DomainInfo(UNKNOWN, request.region(), null),
                        new EventDetail.ProjectInfo(UNKNOWN, null));
        String pipelineName = manifest != null ? manifest.pipelineName() : pipelineFromKey(request.location().key());
        S3Location location = request.location();
        DeploymentContext context = new DeploymentContext(request.deploymentId(), pipelineName, targetInfo, metadata,
                List.of("arn:aws:s3:::" + location.bucket() + "/" + location.key()));
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("bundleLocation", location.toString());
        details.put("executionName", request.executionName());
        EventEmitter.create(publisherForBus.apply(bus), context, clock)
                .deployFailed(null, false, 0, 0, new EventDetail.ErrorInfo(code, message), details);
        return true;
    }

    private static String pipelineFromKey(String key) {
        String[] parts = key.split("/");
        return parts.length >= 3 && !parts[parts.length - 3].isBlank() ? parts[parts.length - 3] : UNKNOWN;
    }

    private Bundle read(S3Location location, String versionId) {
        MessageDigest digest = BundleArchive.newSha256();
        try (InputStream raw = store.open(location, versionId);
             CountingInputStream counted = new CountingInputStream(new DigestInputStream(raw, digest))) {
            // The zip reader closes its stream and stops before the central directory; the digest
            // must cover the whole object, so it gets a stream it cannot close and the rest is drained here.
            // Only pipeline.yaml's bytes are kept; of every other entry the name is enough (the
            // workflow files must exist), so a large bundle costs the trigger little memory.
            Set<String> names = new HashSet<>();
            AtomicReference<byte[]> manifest = new AtomicReference<>();
            BundleArchive.forEach(new FilterInputStream(counted) {
                @Override
                public void close() {
                }
            }, maxBundleBytes, BundleArchive.MANIFEST_ENTRY::equals, entry -> {
                names.add(entry.name());
                if (entry.hasContent()) {
                    manifest.set(entry.content());
                }
            });
            counted.transferTo(OutputStream.nullOutputStream());
            return new Bundle(manifest.get(), names, "sha256:" + HexFormat.of().formatHex(digest.digest()),
                    counted.count());
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + location + " failed", e);
        }
    }

    /**
     * How messages name the manifest: {@code <key>/pipeline.yaml}. A decoded key may hold what no
     * path can (a NUL), and a bad key must not make the trigger throw: such a key is left out.
     */
    static Path manifestName(String key) {
        try {
            return Path.of(key, BundleArchive.MANIFEST_ENTRY);
        } catch (InvalidPathException e) {
            return Path.of(BundleArchive.MANIFEST_ENTRY);
        }
    }

    private static String utf8(byte[] bytes, Path name) {
        return Utf8.decode(bytes).orElseThrow(() -> new InvalidManifestException(List.of(name + ": is not UTF-8 text")));
    }

    /** What identifies this version of the object: version id, else ETag, else the event id. */
    private static String identityOf(JsonNode object, JsonNode event) {
        String versionId = object.path("version-id").asText("");
        if (!versionId.isEmpty()) {
            return "version:" + versionId;
        }
        String etag = object.path("etag").asText("");
        if (!etag.isEmpty()) {
            return "etag:" + etag + ":" + object.path("sequencer").asText("");
        }
        return "event:" + event.path("id").asText("");
    }

    private Instant requestedAt(JsonNode event) {
        try {
            return Instant.parse(event.path("time").asText(""));
        } catch (DateTimeParseException e) {
            return clock.instant();
        }
    }

    private static String region(JsonNode event) {
        String region = event.path("region").asText("");
        return region.isEmpty() ? UNKNOWN : region;
    }

    /** Event metadata from the object's user metadata ({@code smus-git-commit} ...); null when none is set. */
    static Metadata metadataOf(Map<String, String> userMetadata) {
        Map<String, String> values = new LinkedHashMap<>();
        for (Map.Entry<String, Function<Metadata, String>> field : METADATA_FIELDS) {
            String value = userMetadata.get("smus-" + field.getKey());
            if (value != null && !value.isBlank()) {
                values.put(field.getKey(), value.trim());
            }
        }
        if (values.isEmpty()) {
            return null;
        }
        return new Metadata(values.get("user"), values.get("git-commit"), values.get("git-branch"),
                RemoteUrls.repositoryUrl(values.get("git-repository")), values.get("cicd-platform"), values.get("run-id"),
                withoutCredentials(values.get("run-url")), values.get("commit-timestamp"));
    }

    /**
     * The first entry that has no place in a bundle ({@code pipeline.yaml}, {@code storage/<storage
     * name>/...}, {@code workflows/<file>}), described; null when every entry has one. A zip made by
     * hand from the project's folders would otherwise deploy with none of its storage files.
     */
    static String entryOutsideTheLayout(Collection<String> entries, PipelineManifest manifest) {
        Set<String> storageNames = new HashSet<>();
        manifest.bundle().storage().forEach(item -> storageNames.add(item.name()));
        for (String entry : entries) {
            if (entry.equals(BundleArchive.MANIFEST_ENTRY) || entry.startsWith(BundleArchive.WORKFLOWS_PREFIX)
                    || entry.equals(BundleArchive.STORAGE_PREFIX)) {
                continue;
            }
            if (entry.startsWith(BundleArchive.STORAGE_PREFIX)) {
                String rest = entry.substring(BundleArchive.STORAGE_PREFIX.length());
                int slash = rest.indexOf('/');
                if (slash > 0 && storageNames.contains(rest.substring(0, slash))) {
                    continue;
                }
                return "entry '" + entry + "' is in no storage item of the manifest (storage/<name>/ for "
                        + (storageNames.isEmpty() ? "none: bundle.storage is empty" : String.join(", ",
                                new TreeSet<>(storageNames))) + "); pack bundles with smus-cli bundle";
            }
            return "entry '" + entry + "' is outside a bundle's layout (pipeline.yaml, storage/<storage name>/..., "
                    + "workflows/<file name>): a zip of the project's folders deploys none of them; "
                    + "pack bundles with smus-cli bundle";
        }
        return null;
    }

    /**
     * The user metadata to upload a bundle with so that {@link #metadataOf} reads {@code metadata}
     * back: {@code smus-git-commit} and so on, for the fields with a value. S3 sends user metadata
     * in HTTP headers, so a value that is not printable ASCII is left out.
     */
    public static Map<String, String> userMetadataFor(Metadata metadata) {
        Map<String, String> values = new LinkedHashMap<>();
        if (metadata == null) {
            return values;
        }
        for (Map.Entry<String, Function<Metadata, String>> field : METADATA_FIELDS) {
            String value = field.getValue().apply(metadata);
            if (value != null && !value.isBlank() && value.trim().chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
                values.put("smus-" + field.getKey(), value.trim());
            }
        }
        return values;
    }

    /** {@code https://user:token@host/x} to {@code https://host/x}: credentials never reach an event. */
    static String withoutCredentials(String url) {
        return RemoteUrls.stripCredentials(url);
    }

    private Outcome logged(Outcome outcome) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("message", "bundle trigger");
        line.put("outcome", outcome);
        log.accept(Json.write(line));
        return outcome;
    }

    private record Request(S3Location location, String targetName, String executionName, String deploymentId,
                           Instant requestedAt, Metadata metadata, String region) {
    }

    /** What the trigger needs of a bundle: the manifest's bytes (null: none), the entry names, digest and size. */
    private record Bundle(byte[] manifest, Set<String> entryNames, String digest, long bytes) {
    }

    /** Counts the bytes read through it. */
    private static final class CountingInputStream extends FilterInputStream {

        private long count;

        CountingInputStream(InputStream in) {
            super(in);
        }

        long count() {
            return count;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int off, int len) throws IOException {
            int n = super.read(buffer, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }
    }
}
