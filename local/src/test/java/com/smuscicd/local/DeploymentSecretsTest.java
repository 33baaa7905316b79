package com.smuscicd.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.smuscicd.deploy.BundleArchive;
import com.smuscicd.deploy.BundlePackager;
import com.smuscicd.deploy.DeploymentInput;
import com.smuscicd.deploy.DeploymentInputs;
import com.smuscicd.deploy.EventOverrides;
import com.smuscicd.events.DeploymentEvent;
import com.smuscicd.events.Metadata;
import com.smuscicd.json.Json;
import com.smuscicd.local.asl.ExecutionListener;
import com.smuscicd.local.bus.Envelopes;
import com.smuscicd.manifest.ManifestLoader;
import com.smuscicd.manifest.PipelineManifest;
import com.smuscicd.metadata.GitRunner;
import com.smuscicd.metadata.MetadataCollector;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Credentials around a deployment never reach its events or anything written to disk: a CI job's
 * tokens in the environment, AWS keys, and a token in the git remote URL, with the metadata
 * collected from that environment the way the CLI collects it.
 */
class DeploymentSecretsTest {

    private static final Path EXAMPLE = Path.of("..", "examples", "basic_pipeline", "pipeline.yaml");
    private static final String REMOTE_TOKEN = "ghp_RemoteTokenLeakProbe0123456789abcd";
    private static final String SERVER_TOKEN = "glpat-ServerUrlLeakProbe42";
    private static final List<String> SECRETS = List.of(
            "ghs_GithubTokenLeakProbe0123456789abcdef",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiLeakProbeKEY",
            "IQoJb3JpZ2luX2VjSessionTokenLeakProbe",
            "ActionsOidcRequestTokenLeakProbe",
            REMOTE_TOKEN,
            SERVER_TOKEN);
    private static final Map<String, String> CI_ENVIRONMENT = Map.ofEntries(
            Map.entry("USER", "runner"),
            Map.entry("GITHUB_ACTIONS", "true"),
            Map.entry("GITHUB_SERVER_URL", "https://oauth2:" + SERVER_TOKEN + "@github.com"),
            Map.entry("GITHUB_REPOSITORY", "example/sales-analytics"),
            Map.entry("GITHUB_RUN_ID", "42"),
            Map.entry("GITHUB_REF_NAME", "main"),
            Map.entry("GITHUB_SHA", "0123456789abcdef0123456789abcdef01234567"),
            Map.entry("GITHUB_TOKEN", SECRETS.get(0)),
            Map.entry("AWS_ACCESS_KEY_ID", "AKIALEAKPROBE0000000"),
            Map.entry("AWS_SECRET_ACCESS_KEY", SECRETS.get(1)),
            Map.entry("AWS_SESSION_TOKEN", SECRETS.get(2)),
            Map.entry("ACTIONS_ID_TOKEN_REQUEST_TOKEN", SECRETS.get(3)));
    private static final GitRunner GIT = args -> Optional.ofNullable(Map.of(
            "config --get remote.origin.url", "https://x-access-token:" + REMOTE_TOKEN
                    + "@github.com/example/sales-analytics.git",
            "show -s --format=%H%n%ct%n%D HEAD",
            "0123456789abcdef0123456789abcdef01234567\n1795748400\nHEAD, origin/main")
            .get(String.join(" ", args)));

    @TempDir
    Path stateDir;

    @ParameterizedTest
    @ValueSource(strings = {"dev", "broken"})
    void deploy_whenCiTokensAndATokenInTheGitRemoteAreAround_noEventArchiveOrLogContainsThem(String target) {
        Metadata metadata = MetadataCollector.create(CI_ENVIRONMENT, GIT).collect();

        LocalRun run = deploy(target, metadata);

        assertThat(run.execution().status()).isEqualTo(target.equals("dev") ? "SUCCEEDED" : "FAILED");
        // The metadata is there, without its credentials, so the scan below looks at real content.
        assertThat(run.events()).allSatisfy(e -> assertThat(e.detail().metadata().gitRepository())
                .isEqualTo("https://github.com/example/sales-analytics.git"));
        assertThat(run.events().get(0).detail().metadata().runUrl())
                .isEqualTo("https://github.com/example/sales-analytics/actions/runs/42");
        for (DeploymentEvent event : run.events()) {
            String json = Json.write(Envelopes.toJson(event, "123456789012", "us-east-1"));
            assertThat(SECRETS).allSatisfy(secret -> assertThat(json).as(event.detailType()).doesNotContain(secret));
        }
        List<Path> written = filesUnder(stateDir);
        assertThat(written).as("archive and rule logs").anyMatch(p -> p.toString().contains("archive"))
                .anyMatch(p -> p.toString().endsWith(".jsonl"))
                .anyMatch(p -> read(p).contains("\"gitRepository\":\"https://github.com/example/sales-analytics.git\""));
        for (Path file : written) {
            String content = read(file);
            assertThat(SECRETS).allSatisfy(secret -> assertThat(content).as(stateDir.relativize(file).toString())
                    .doesNotContain(secret));
        }
    }

    @Test
    void deploy_whenGitLabUrlsCarryTokensInTheQuery_noFileUnderTheStateDirectoryContainsThem() {
        Metadata metadata = MetadataCollector.create(Map.of(
                "GITLAB_CI", "true",
                "CI_PIPELINE_ID", "9",
                "CI_PIPELINE_URL", "https://gitlab.com/o/r/-/pipelines/9?token=pSECRET",
                "CI_PROJECT_URL", "https://gitlab.com/o/r?private_token=qSECRET"), args -> Optional.empty()).collect();

        LocalRun run = deploy("dev", metadata);

        assertThat(run.events()).allSatisfy(e -> assertThat(e.detail().metadata().gitRepository())
                .isEqualTo("https://gitlab.com/o/r"));
        List<Path> written = filesUnder(stateDir);
        assertThat(written).anyMatch(p -> read(p).contains("\"runUrl\":\"https://gitlab.com/o/r/-/pipelines/9\""));
        for (Path file : written) {
            assertThat(read(file)).as(stateDir.relativize(file).toString())
                    .doesNotContain("pSECRET").doesNotContain("qSECRET");
        }
    }

    private LocalRun deploy(String target, Metadata metadata) {
        PipelineManifest manifest = ManifestLoader.create().load(EXAMPLE);
        LocalRuntime runtime = LocalRuntime.create(new LocalRuntime.Settings(stateDir,
                EXAMPLE.resolveSibling("local-account.json"), EXAMPLE.resolveSibling("rules"), 0.0, null),
                Clock.systemUTC());
        BundlePackager.PackedBundle bundle = BundlePackager.pack(manifest, BundleArchive.DEFAULT_MAX_BYTES);
        DeploymentInput input = DeploymentInputs.of(manifest, ManifestLoader.requireTarget(manifest, target),
                EventOverrides.NONE, metadata, UUID.randomUUID().toString(), Clock.systemUTC().instant(), null,
                bundle.workflows());
        return runtime.deploy(input, bundle, ExecutionListener.NONE);
    }

    private static List<Path> filesUnder(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path file) {
        try {
            // Byte for byte: a zip's stored entries are searched too.
            return new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
