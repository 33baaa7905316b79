package com.smuscicd.cli;

import com.smuscicd.deploy.BundlePackager;
import com.smuscicd.deploy.DeploymentInput;
import com.smuscicd.events.DeploymentEvent;
import com.smuscicd.json.Json;
import com.smuscicd.manifest.PipelineManifest;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The spec's troubleshooting switch {@code SMUS_LOG_LEVEL=DEBUG}: prints, to stderr, what the CLI
 * resolved (event settings after the flags, the bus, metadata, bundle) and the events a local run
 * emitted, so "events not appearing" can be told apart from "rule not matching".
 */
final class Debug {

    private final PrintWriter err;

    private Debug(PrintWriter err) {
        this.err = err;
    }

    /** Enabled when {@code SMUS_LOG_LEVEL} is {@code DEBUG} (any case); otherwise prints nothing. */
    static Debug fromEnvironment(PrintWriter err) {
        return of(System.getenv("SMUS_LOG_LEVEL"), err);
    }

    static Debug of(String level, PrintWriter err) {
        return new Debug(level != null && level.trim().toUpperCase(Locale.ROOT).equals("DEBUG") ? err : null);
    }

    void settings(PipelineManifest manifest, List<PipelineManifest.Target> targets,
                  PipelineManifest.Monitoring monitoring, BundlePackager.PackedBundle bundle, Path localStateDir) {
        if (err == null) {
            return;
        }
        line("manifest " + manifest.source().toAbsolutePath() + ", pipeline " + manifest.pipelineName() + ", targets "
                + targets.stream().map(PipelineManifest.Target::name).collect(Collectors.joining(",")));
        line("events " + (monitoring.enabled() ? "enabled" : "disabled") + ", bus '" + monitoring.eventBusName()
                + "', includeMetadata " + monitoring.includeMetadata() + " (manifest and flags applied)");
        line("bundle " + bundle.digest() + ", " + bundle.bytes() + " bytes, " + bundle.files() + " storage files, "
                + bundle.workflows().size() + " workflows");
        line(localStateDir == null ? "mode cloud" : "mode local, state " + localStateDir.toAbsolutePath());
    }

    void input(DeploymentInput input) {
        if (err == null) {
            return;
        }
        line("deployment " + input.deploymentId() + " target " + input.target().name() + " metadata "
                + (input.metadata() == null ? "none" : Json.write(input.metadata())));
    }

    void events(List<DeploymentEvent> events, int undelivered) {
        if (err == null) {
            return;
        }
        for (DeploymentEvent event : events) {
            line("event " + event.detail().sequence() + " " + event.detailType() + " id " + event.id());
        }
        line(events.size() + " events emitted, " + undelivered + " undelivered");
    }

    private void line(String text) {
        err.println("debug: " + text);
        err.flush();
    }
}
