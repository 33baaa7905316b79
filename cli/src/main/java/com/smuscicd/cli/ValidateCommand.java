package com.smuscicd.cli;

import com.smuscicd.deploy.BundleArchive;
import com.smuscicd.deploy.DeploymentInput;
import com.smuscicd.deploy.DeploymentInputs;
import com.smuscicd.deploy.EventOverrides;
import com.smuscicd.deploy.ExecutionInputLimit;
import com.smuscicd.errors.InvalidManifestException;
import com.smuscicd.json.Json;
import com.smuscicd.manifest.ManifestLoader;
import com.smuscicd.manifest.PipelineManifest;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code smus-cli validate}: checks a pipeline manifest (and optionally target names) without
 * deploying anything. Prints {@code OK: <file>: pipeline 'X', targets: a, b} and exits 0, or
 * prints every problem on its own line to stderr as {@code file:line:column: field.path message}
 * and exits 2.
 */
@Command(name = "validate", mixinStandardHelpOptions = true,
        description = "Check a pipeline manifest and print every problem with its file, line and column.")
public final class ValidateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--pipeline", required = true, paramLabel = "FILE", description = "Pipeline manifest to check.")
    Path pipeline;

    @Option(names = "--targets", split = ",", paramLabel = "NAME",
            description = "Also check that these targets exist (comma-separated).")
    List<String> targets = new ArrayList<>();

    private final ManifestLoader loader;

    public ValidateCommand() {
        this(ManifestLoader.create());
    }

    ValidateCommand(ManifestLoader loader) {
        this.loader = loader;
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            PipelineManifest manifest = loader.load(pipeline);
            Set<String> selected = new LinkedHashSet<>();
            for (String name : targets) {
                selected.add(name.trim());
            }
            List<String> problems = new ArrayList<>();
            for (String name : selected) {
                try {
                    ManifestLoader.requireTarget(manifest, name);
                } catch (InvalidManifestException e) {
                    problems.addAll(e.problems());
                }
            }
            for (String name : selected.isEmpty() ? manifest.targets().keySet() : selected) {
                PipelineManifest.Target target = manifest.targets().get(name);
                if (target != null) {
                    problems.addAll(inputSizeProblems(manifest, target));
                }
            }
            if (!problems.isEmpty()) {
                return fail(err, problems);
            }
            String names = String.join(", ", selected.isEmpty() ? manifest.targets().keySet() : selected);
            out.println("OK: " + pipeline + ": pipeline '" + manifest.pipelineName() + "', targets: " + names);
            out.flush();
            return 0;
        } catch (InvalidManifestException e) {
            return fail(err, e.problems());
        }
    }

    /**
     * The execution input's size, as {@code deploy} would send it (without the CI metadata, which
     * the headroom of {@link ExecutionInputLimit} covers).
     */
    private static List<String> inputSizeProblems(PipelineManifest manifest, PipelineManifest.Target target) {
        List<PipelineManifest.WorkflowItem> workflows = manifest.bundle().workflows().stream()
                .map(w -> new PipelineManifest.WorkflowItem(w.name(),
                        BundleArchive.workflowEntry(Path.of(w.file()).getFileName().toString())))
                .toList();
        DeploymentInput input = DeploymentInputs.of(manifest, target, EventOverrides.NONE, null,
                UUID.randomUUID().toString(), Instant.now(),
                new DeploymentInput.BundleRef("s3://" + "b".repeat(63) + "/" + manifest.pipelineName() + "/"
                        + target.name() + "/" + "0".repeat(64) + ".zip", "sha256:" + "0".repeat(64), 0),
                workflows);
        try {
            ExecutionInputLimit.check(Json.write(Map.of("deployment", input)),
                    manifest.source() + " (target " + target.name() + ")");
            return List.of();
        } catch (InvalidManifestException e) {
            return e.problems();
        }
    }

    private static int fail(PrintWriter err, List<String> problems) {
        problems.forEach(err::println);
        err.flush();
        return SmusCli.EXIT_BAD_INPUT;
    }
}
