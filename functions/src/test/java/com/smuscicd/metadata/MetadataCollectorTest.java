package com.smuscicd.metadata;

import static org.assertj.core.api.Assertions.assertThat;

import com.smuscicd.events.Metadata;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** CI detection from each platform's documented variables, with git answering nothing unless stated. */
class MetadataCollectorTest {

    private static final GitRunner NO_GIT = args -> Optional.empty();

    @Test
    void collect_inGitHubActions_readsRunBranchCommitAndBuildsRunUrl() {
        Metadata metadata = collect(Map.of(
                "USER", "runner",
                "GITHUB_ACTIONS", "true",
                "GITHUB_SERVER_URL", "https://github.com",
                "GITHUB_REPOSITORY", "example-org/ml-pipelines",
                "GITHUB_RUN_ID", "9876543210",
                "GITHUB_REF_NAME", "main",
                "GITHUB_SHA", "a3f1c9e7b5d2f0a8c6e4b2d0f8a6c4e2b0d8f6a4"));

        assertThat(metadata).isEqualTo(new Metadata("runner", "a3f1c9e7b5d2f0a8c6e4b2d0f8a6c4e2b0d8f6a4", "main",
                "https://github.com/example-org/ml-pipelines", "github-actions", "9876543210",
                "https://github.com/example-org/ml-pipelines/actions/runs/9876543210", null));
    }

    @Test
    void collect_inGitHubActionsPullRequest_reportsTheSourceBranchNotTheMergeRef() {
        Metadata metadata = collect(Map.of(
                "GITHUB_ACTIONS", "true",
                "GITHUB_REF_NAME", "42/merge",
                "GITHUB_HEAD_REF", "feature/churn-model"));

        assertThat(metadata.gitBranch()).isEqualTo("feature/churn-model");
    }

    @Test
    void collect_inGitHubActionsWithoutServerUrl_omitsRunUrlInsteadOfWritingNone() {
        Metadata metadata = collect(Map.of(
                "GITHUB_ACTIONS", "true",
                "GITHUB_SERVER_URL", "None",
                "GITHUB_REPOSITORY", "example-org/ml-pipelines",
                "GITHUB_RUN_ID", "9876543210"));

        assertThat(metadata.cicdPlatform()).isEqualTo("github-actions");
        assertThat(metadata.runId()).isEqualTo("9876543210");
        assertThat(metadata.runUrl()).isNull();
        assertThat(metadata.gitRepository()).isNull();
    }

    @Test
    void collect_inGitLabCi_readsPipelineIdUrlRefAndSha() {
        Metadata metadata = collect(Map.of(
                "GITLAB_CI", "true",
                "GITLAB_USER_LOGIN", "not-read",
                "CI_PIPELINE_ID", "8842190",
                "CI_PIPELINE_URL", "https://gitlab.com/data-science/customer-churn/-/pipelines/8842190",
                "CI_COMMIT_REF_NAME", "release/2025.11",
                "CI_COMMIT_SHA", "e4a7c1f9b3d6a0e2c5f8b1d4a7e0c3f6b9d2a5e8",
                "CI_PROJECT_URL", "https://gitlab.com/data-science/customer-churn"));

        assertThat(metadata).isEqualTo(new Metadata(null, "e4a7c1f9b3d6a0e2c5f8b1d4a7e0c3f6b9d2a5e8",
                "release/2025.11", "https://gitlab.com/data-science/customer-churn", "gitlab-ci", "8842190",
                "https://gitlab.com/data-science/customer-churn/-/pipelines/8842190", null));
    }

    @Test
    void collect_inJenkins_readsBuildAndStripsRemotePrefixFromBranch() {
        Metadata metadata = collect(Map.of(
                "JENKINS_URL", "https://jenkins.example.com/",
                "BUILD_NUMBER", "417",
                "BUILD_URL", "https://jenkins.example.com/job/ml-pipelines/417/",
                "GIT_BRANCH", "origin/main",
                "GIT_COMMIT", "0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c",
                "GIT_URL", "https://deploy-bot:s3cr3t@git.example.com/ml/pipelines.git"));

        assertThat(metadata).isEqualTo(new Metadata(null, "0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c", "main",
                "https://git.example.com/ml/pipelines.git", "jenkins", "417",
                "https://jenkins.example.com/job/ml-pipelines/417/", null));
    }

    @Test
    void collect_inJenkinsMultibranch_prefersBranchNameAndBuildId() {
        Metadata metadata = collect(Map.of(
                "JENKINS_HOME", "/var/jenkins_home",
                "BUILD_ID", "2025-11-04_12-30-00",
                "BUILD_NUMBER", "417",
                "BRANCH_NAME", "feature/x",
                "GIT_BRANCH", "origin/feature/x"));

        assertThat(metadata.gitBranch()).isEqualTo("feature/x");
        assertThat(metadata.runId()).isEqualTo("2025-11-04_12-30-00");
    }

    @Test
    void collect_inCircleCi_readsWorkflowBuildUrlBranchAndSha() {
        Metadata metadata = collect(Map.of(
                "CIRCLECI", "true",
                "CIRCLE_WORKFLOW_ID", "5f1c0e55-1c2b-4c5e-9d1e-2a3b4c5d6e7f",
                "CIRCLE_BUILD_NUM", "311",
                "CIRCLE_BUILD_URL", "https://circleci.com/gh/example-org/ml-pipelines/311",
                "CIRCLE_BRANCH", "develop",
                "CIRCLE_SHA1", "9c8b7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b",
                "CIRCLE_REPOSITORY_URL", "git@github.com:example-org/ml-pipelines.git"));

        assertThat(metadata).isEqualTo(new Metadata(null, "9c8b7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b", "develop",
                "git@github.com:example-org/ml-pipelines.git", "circleci", "5f1c0e55-1c2b-4c5e-9d1e-2a3b4c5d6e7f",
                "https://circleci.com/gh/example-org/ml-pipelines/311", null));
    }

    @Test
    void collect_inCircleCiWithoutWorkflow_fallsBackToBuildNumber() {
        assertThat(collect(Map.of("CIRCLECI", "true", "CIRCLE_BUILD_NUM", "311")).runId()).isEqualTo("311");
    }

    @Test
    void collect_inCodeBuild_buildsConsoleUrlFromBuildArn() {
        Metadata metadata = collect(Map.of(
                "CODEBUILD_BUILD_ID", "smus-deploy:b1e6661e-e4f2-4156-9ab9-82a19e5c0d1a",
                "CODEBUILD_BUILD_ARN",
                "arn:aws:codebuild:eu-west-1:123456789012:build/smus-deploy:b1e6661e-e4f2-4156-9ab9-82a19e5c0d1a",
                "CODEBUILD_RESOLVED_SOURCE_VERSION", "4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c",
                "CODEBUILD_WEBHOOK_HEAD_REF", "refs/heads/main",
                "CODEBUILD_SOURCE_REPO_URL", "https://github.com/example-org/ml-pipelines.git"));

        assertThat(metadata).isEqualTo(new Metadata(null, "4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c", "main",
                "https://github.com/example-org/ml-pipelines.git", "codebuild",
                "smus-deploy:b1e6661e-e4f2-4156-9ab9-82a19e5c0d1a",
                "https://eu-west-1.console.aws.amazon.com/codesuite/codebuild/123456789012/projects/smus-deploy"
                        + "/build/smus-deploy%3Ab1e6661e-e4f2-4156-9ab9-82a19e5c0d1a/?region=eu-west-1",
                null));
    }

    @Test
    void collect_inCodeBuildWithoutArn_omitsRunUrl() {
        Metadata metadata = collect(Map.of("CODEBUILD_BUILD_ID", "smus-deploy:b1e6661e"));

        assertThat(metadata.cicdPlatform()).isEqualTo("codebuild");
        assertThat(metadata.runUrl()).isNull();
        assertThat(metadata.gitBranch()).isNull();
    }

    @Test
    void collect_inTravisCi_readsBuildAndPrefersPullRequestSourceBranch() {
        Metadata metadata = collect(Map.of(
                "TRAVIS", "true",
                "TRAVIS_BUILD_ID", "46812085",
                "TRAVIS_BUILD_WEB_URL", "https://app.travis-ci.com/example-org/ml-pipelines/builds/46812085",
                "TRAVIS_BRANCH", "main",
                "TRAVIS_PULL_REQUEST_BRANCH", "feature/faster-etl",
                "TRAVIS_COMMIT", "e7090ffc4ef844d1a066a34037c913b429d7dc2a"));

        assertThat(metadata).isEqualTo(new Metadata(null, "e7090ffc4ef844d1a066a34037c913b429d7dc2a",
                "feature/faster-etl", null, "travis-ci", "46812085",
                "https://app.travis-ci.com/example-org/ml-pipelines/builds/46812085", null));
    }

    @Test
    void collect_inTravisCiPushBuild_usesTravisBranch() {
        Metadata metadata = collect(Map.of("TRAVIS", "true", "TRAVIS_BRANCH", "main",
                "TRAVIS_PULL_REQUEST_BRANCH", ""));

        assertThat(metadata.gitBranch()).isEqualTo("main");
    }

    @Test
    void collect_outsideCi_hasNoPlatformRunIdOrRunUrl() {
        Metadata metadata = collect(Map.of("USER", "alice", "CI", "true", "HOME", "/home/alice"));

        assertThat(metadata).isEqualTo(new Metadata("alice", null, null, null, null, null, null, null));
    }

    @Test
    void collect_whenRunUrlCarriesCredentials_stripsThem() {
        Metadata metadata = collect(Map.of(
                "JENKINS_URL", "https://jenkins.example.com/",
                "BUILD_URL", "https://admin:11e2f3a4b5c6d7e8f9@jenkins.example.com/job/x/7/"));

        assertThat(metadata.runUrl()).isEqualTo("https://jenkins.example.com/job/x/7/");
    }

    @Test
    void collect_whenGitLabUrlsCarryTokensInTheQuery_dropsThem() {
        Metadata metadata = collect(Map.of(
                "GITLAB_CI", "true",
                "CI_PIPELINE_ID", "9",
                "CI_PIPELINE_URL", "https://gitlab.com/o/r/-/pipelines/9?token=pSECRET",
                "CI_PROJECT_URL", "https://gitlab.com/o/r?private_token=qSECRET"));

        assertThat(metadata.runUrl()).isEqualTo("https://gitlab.com/o/r/-/pipelines/9");
        assertThat(metadata.gitRepository()).isEqualTo("https://gitlab.com/o/r");
    }

    @Test
    void collect_inCiWithDetachedCheckout_takesCommitFromGitAndBranchFromPlatform() {
        GitRunner detached = answering(Map.of(
                "show -s --format=%H%n%ct%n%D --decorate=short --decorate-refs=HEAD --decorate-refs=refs/heads/ HEAD",
                "1111111111111111111111111111111111111111\n1762259400\nHEAD, origin/main",
                "config --get remote.origin.url", "https://x-access-token:ghs_abc123@github.com/example-org/ml.git"));

        Metadata metadata = MetadataCollector.create(Map.of(
                "GITHUB_ACTIONS", "true", "GITHUB_REF_NAME", "main", "GITHUB_SHA", "2222"), detached).collect();

        assertThat(metadata.gitCommit()).isEqualTo("1111111111111111111111111111111111111111");
        assertThat(metadata.gitBranch()).isEqualTo("main");
        assertThat(metadata.gitRepository()).isEqualTo("https://github.com/example-org/ml.git");
        assertThat(metadata.commitTimestamp()).isEqualTo("2025-11-04T12:30:00Z");
    }

    @Test
    void collect_outsideCiWithDetachedHead_omitsBranch() {
        GitRunner detached = answering(Map.of("show -s --format=%H%n%ct%n%D --decorate=short --decorate-refs=HEAD --decorate-refs=refs/heads/ HEAD",
                "1111111111111111111111111111111111111111\n1762259400\nHEAD, tag: v1, origin/main"));

        assertThat(MetadataCollector.create(Map.of(), detached).collect().gitBranch()).isNull();
    }

    @Test
    void branchOf_readsTheBranchHeadPointsAt() {
        assertThat(MetadataCollector.branchOf("HEAD -> main, origin/main, origin/HEAD")).contains("main");
        assertThat(MetadataCollector.branchOf("HEAD -> feature/x-1")).contains("feature/x-1");
        assertThat(MetadataCollector.branchOf("tag: v2, HEAD -> release, origin/release")).contains("release");
        assertThat(MetadataCollector.branchOf("HEAD, origin/main")).isEmpty();
        assertThat(MetadataCollector.branchOf("")).isEmpty();
    }

    @Test
    void collect_whenGitRunnerThrows_returnsWithoutGitFields() {
        GitRunner broken = args -> {
            throw new IllegalStateException("runner bug");
        };

        Metadata metadata = MetadataCollector.create(Map.of("USER", "bob"), broken).collect();

        assertThat(metadata).isEqualTo(new Metadata("bob", null, null, null, null, null, null, null));
    }

    @Test
    void collect_whenUserUnsetButUsernameSet_usesUsername() {
        assertThat(collect(Map.of("USERNAME", "carol")).user()).isEqualTo("carol");
    }

    @Test
    void collect_whenNoUserVariable_fallsBackToSystemUser() {
        Metadata metadata = new MetadataCollector(Map.of(), NO_GIT, "dave").collect();

        assertThat(metadata.user()).isEqualTo("dave");
    }

    @Test
    void collect_neverCopiesOtherEnvironmentVariables() {
        Map<String, String> env = new HashMap<>(Map.of(
                "GITHUB_ACTIONS", "true",
                "GITHUB_TOKEN", "ghs_supersecret",
                "AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"));

        Metadata metadata = collect(env);

        assertThat(metadata.toString()).doesNotContain("ghs_supersecret").doesNotContain("wJalrXUtnFEMI");
    }

    private static Metadata collect(Map<String, String> env) {
        return new MetadataCollector(env, NO_GIT, null).collect();
    }

    /** A git runner answering fixed outputs by argument line. */
    private static GitRunner answering(Map<String, String> outputs) {
        return args -> Optional.ofNullable(outputs.get(String.join(" ", List.of(args))));
    }
}
