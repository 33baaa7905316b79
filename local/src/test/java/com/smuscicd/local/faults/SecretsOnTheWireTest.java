package com.smuscicd.local.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.smuscicd.events.Metadata;
import com.smuscicd.metadata.GitRunner;
import com.smuscicd.metadata.MetadataCollector;
import com.smuscicd.testsupport.MotoServerExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * On the cloud path, credentials around a deployment reach no service: not in any request to S3,
 * EventBridge, DataZone or MWAA Serverless (headers or body), not in the events the rule delivered,
 * and not in the log lines of events EventBridge did not take.
 */
class SecretsOnTheWireTest {

    @RegisterExtension
    static final MotoServerExtension MOTO = MotoServerExtension.create().resetBeforeEach();

    private static final String REMOTE_TOKEN = "ghp_RemoteTokenWireProbe0123456789abcd";
    private static final List<String> SECRETS = List.of(
            "ghs_GithubTokenWireProbe0123456789abcdef",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiWireProbeKEY",
            REMOTE_TOKEN);
    private static final Map<String, String> CI_ENVIRONMENT = Map.of(
            "GITHUB_ACTIONS", "true",
            "GITHUB_SERVER_URL", "https://github.com",
            "GITHUB_REPOSITORY", "example/sales-analytics",
            "GITHUB_RUN_ID", "42",
            "GITHUB_TOKEN", SECRETS.get(0),
            "AWS_SECRET_ACCESS_KEY", SECRETS.get(1));
    private static final GitRunner GIT = args -> Optional.ofNullable(Map.of(
            "config --get remote.origin.url", "https://x-access-token:" + REMOTE_TOKEN
                    + "@github.com/example/sales-analytics.git").get(String.join(" ", args)));

    private static FaultHarness harness;

    @BeforeAll
    static void startHarness() {
        harness = FaultHarness.start(MOTO);
    }

    @AfterAll
    static void stopHarness() {
        harness.close();
    }

    @BeforeEach
    void reset() {
        harness.reset();
    }

    static Stream<Arguments> deliveredAndUndelivered() {
        return Stream.of(Arguments.of(Injection.none()),
                Arguments.of(Injection.persistentFault(Dependency.EVENT_BRIDGE, Fault.THROTTLING)));
    }

    @ParameterizedTest
    @MethodSource("deliveredAndUndelivered")
    void deploy_whenCiTokensAndATokenInTheGitRemoteAreAround_noRequestEventOrLogLineCarriesThem(Injection injection) {
        Metadata metadata = MetadataCollector.create(CI_ENVIRONMENT, GIT).collect();

        FaultRun run = harness.deploy(injection, metadata);

        assertThat(run.execution().status()).isEqualTo("SUCCEEDED");
        assertThat(run.events().get(0).detail().metadata().gitRepository())
                .isEqualTo("https://github.com/example/sales-analytics.git");
        List<String> seen = new ArrayList<>();
        for (Dependency dependency : Dependency.values()) {
            for (ServeEvent served : harness.server(dependency).getAllServeEvents()) {
                seen.add(served.getRequest().getHeaders().toString() + "\n" + served.getRequest().getBodyAsString());
            }
        }
        seen.addAll(harness.logGroupMessages());
        seen.addAll(run.undeliveredLog());
        // Where the events went, there is metadata to look at.
        assertThat(seen).anyMatch(text -> text.contains("github.com/example/sales-analytics.git"));
        assertThat(seen).allSatisfy(text -> assertThat(SECRETS).noneMatch(text::contains));
    }
}
