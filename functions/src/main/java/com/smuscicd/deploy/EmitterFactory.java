package com.smuscicd.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.smuscicd.events.DeploymentContext;
import com.smuscicd.events.EventDetail;
import com.smuscicd.events.EventEmitter;
import com.smuscicd.events.EventPublisher;
import com.smuscicd.events.Stage;
import com.smuscicd.manifest.PipelineManifest;
import java.time.Clock;
import java.util.List;
import java.util.function.Function;

/**
 * Builds the {@link EventEmitter} of a task from the deployment's monitoring settings: disabled
 * when monitoring is off (no publisher is even created), otherwise bound to the configured bus.
 */
public final class EmitterFactory {

    private final Function<String, EventPublisher> publisherForBus;
    private final Clock clock;

    /**
     * @param publisherForBus the publisher for a bus name or ARN; called only when events are enabled
     */
    public EmitterFactory(Function<String, EventPublisher> publisherForBus, Clock clock) {
        this.publisherForBus = publisherForBus;
        this.clock = clock;
    }

    /** The clock events and durations are measured with. */
    public Clock clock() {
        return clock;
    }

    /** Milliseconds from {@code start} to now on {@link #clock()}, never negative. */
    long millisSince(java.time.Instant start) {
        return Math.max(0, java.time.Duration.between(start, clock.instant()).toMillis());
    }

    /** The emitter for a task of a deployment. */
    public EventEmitter forTask(TaskInput task) {
        DeploymentInput deployment = task.deployment();
        return emitter(deployment, context(deployment, task.phaseOutput(Stage.PROJECT_INITIALIZATION),
                task.executionArn()));
    }

    /**
     * The emitter of a deployment that has no execution (yet): what the CLI emits itself when
     * AWS failed before the deployment could start. Disabled when the deployment's events are.
     */
    public EventEmitter forDeployment(DeploymentInput deployment) {
        return emitter(deployment, context(deployment, MissingNode.getInstance(), null));
    }

    private EventEmitter emitter(DeploymentInput deployment, DeploymentContext context) {
        PipelineManifest.Monitoring monitoring = deployment.monitoring();
        if (monitoring == null || !monitoring.enabled()) {
            return EventEmitter.disabled(context, clock);
        }
        return EventEmitter.create(publisherForBus.apply(monitoring.eventBusName()), context, clock);
    }

    static DeploymentContext context(DeploymentInput deployment, JsonNode projectInit, String executionArn) {
        PipelineManifest.Target target = deployment.target();
        String domainId = projectInit.path("domainId").asText(null);
        String projectId = projectInit.path("projectId").asText(null);
        EventDetail.TargetInfo info = new EventDetail.TargetInfo(
                target.name(),
                target.stage(),
                new EventDetail.DomainInfo(target.domain().name(), target.domain().region(), domainId),
                new EventDetail.ProjectInfo(target.project().name(), projectId));
        boolean includeMetadata = deployment.monitoring() != null && deployment.monitoring().includeMetadata();
        List<String> resources = executionArn == null || executionArn.isBlank() ? List.of() : List.of(executionArn);
        return new DeploymentContext(deployment.deploymentId(), deployment.pipelineName(), info,
                includeMetadata ? deployment.metadata() : null, resources);
    }
}
