package com.smuscicd.metadata;

import static com.smuscicd.metadata.MetadataCollector.present;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a CI platform tells about the run, read from the platform's own documented environment
 * variables. Every field may be null; URLs are built only when all their parts are present.
 *
 * @param platform   the {@code cicdPlatform} value, e.g. {@code github-actions}
 * @param runId      the run (or pipeline, workflow, build) id
 * @param runUrl     where to see the run
 * @param branch     the branch being built (CI checkouts are often detached, so git cannot tell)
 * @param commit     the commit being built
 * @param repository the repository URL, used only when git has no remote
 */
record CiRun(String platform, String runId, String runUrl, String branch, String commit, String repository) {

    // arn:<partition>:codebuild:<region>:<account>:build/<project>:<build uuid>
    private static final Pattern CODEBUILD_BUILD_ARN =
            Pattern.compile("^arn:(aws[a-z-]*):codebuild:([a-z0-9-]+):(\\d{12}):build/([^:]+):(.+)$");

    private static final List<Function<Env, Optional<CiRun>>> DETECTORS = List.of(
            CiRun::githubActions, CiRun::gitlabCi, CiRun::circleCi, CiRun::travisCi, CiRun::codeBuild,
            // last: JENKINS_HOME can linger in images that run other CI agents
            CiRun::jenkins);

    /** The run of the first platform whose marker variable is set. */
    static Optional<CiRun> detect(Map<String, String> environment) {
        Env env = new Env(environment);
        for (Function<Env, Optional<CiRun>> detector : DETECTORS) {
            Optional<CiRun> run = detector.apply(env);
            if (run.isPresent()) {
                return run;
            }
        }
        return Optional.empty();
    }

    private static Optional<CiRun> githubActions(Env env) {
        if (!"true".equalsIgnoreCase(env.get("GITHUB_ACTIONS"))) {
            return Optional.empty();
        }
        String server = env.get("GITHUB_SERVER_URL");
        if (server != null && server.endsWith("/")) {
            server = server.substring(0, server.length() - 1);
        }
        String repository = env.get("GITHUB_REPOSITORY");
        String runId = env.get("GITHUB_RUN_ID");
        // On pull_request events GITHUB_REF_NAME is "<n>/merge"; GITHUB_HEAD_REF is the source branch.
        String branch = env.first("GITHUB_HEAD_REF", "GITHUB_REF_NAME");
        return Optional.of(new CiRun("github-actions", runId,
                join(server, "/", repository, "/actions/runs/", runId),
                branch, env.get("GITHUB_SHA"), join(server, "/", repository)));
    }

    private static Optional<CiRun> gitlabCi(Env env) {
        if (env.get("GITLAB_CI") == null) {
            return Optional.empty();
        }
        return Optional.of(new CiRun("gitlab-ci", env.get("CI_PIPELINE_ID"), env.get("CI_PIPELINE_URL"),
                env.first("CI_COMMIT_REF_NAME", "CI_COMMIT_BRANCH"), env.get("CI_COMMIT_SHA"),
                env.get("CI_PROJECT_URL")));
    }

    private static Optional<CiRun> circleCi(Env env) {
        if (env.get("CIRCLECI") == null) {
            return Optional.empty();
        }
        return Optional.of(new CiRun("circleci", env.first("CIRCLE_WORKFLOW_ID", "CIRCLE_BUILD_NUM"),
                env.get("CIRCLE_BUILD_URL"), env.get("CIRCLE_BRANCH"), env.get("CIRCLE_SHA1"),
                env.get("CIRCLE_REPOSITORY_URL")));
    }

    private static Optional<CiRun> travisCi(Env env) {
        if (env.get("TRAVIS") == null) {
            return Optional.empty();
        }
        // On pull requests TRAVIS_BRANCH is the target branch; the source is TRAVIS_PULL_REQUEST_BRANCH.
        return Optional.of(new CiRun("travis-ci", env.get("TRAVIS_BUILD_ID"), env.get("TRAVIS_BUILD_WEB_URL"),
                env.first("TRAVIS_PULL_REQUEST_BRANCH", "TRAVIS_BRANCH"), env.get("TRAVIS_COMMIT"), null));
    }

    private static Optional<CiRun> codeBuild(Env env) {
        if (env.get("CODEBUILD_BUILD_ID") == null && env.get("CODEBUILD_BUILD_ARN") == null) {
            return Optional.empty();
        }
        String branch = env.get("CODEBUILD_WEBHOOK_HEAD_REF");
        if (branch != null && branch.startsWith("refs/heads/")) {
            branch = branch.substring("refs/heads/".length());
        }
        return Optional.of(new CiRun("codebuild", env.get("CODEBUILD_BUILD_ID"),
                codeBuildConsoleUrl(env.get("CODEBUILD_BUILD_ARN")), branch,
                env.get("CODEBUILD_RESOLVED_SOURCE_VERSION"), env.get("CODEBUILD_SOURCE_REPO_URL")));
    }

    private static Optional<CiRun> jenkins(Env env) {
        if (env.get("JENKINS_URL") == null && env.get("JENKINS_HOME") == null) {
            return Optional.empty();
        }
        // Multibranch pipelines set BRANCH_NAME; the git plugin sets GIT_BRANCH as "origin/<branch>".
        String branch = env.get("BRANCH_NAME");
        if (branch == null) {
            branch = env.get("GIT_BRANCH");
            if (branch != null && branch.startsWith("origin/")) {
                branch = branch.substring("origin/".length());
            }
        }
        return Optional.of(new CiRun("jenkins", env.first("BUILD_ID", "BUILD_NUMBER"), env.get("BUILD_URL"),
                branch, env.get("GIT_COMMIT"), env.get("GIT_URL")));
    }

    /**
     * The console page of a CodeBuild build, from its ARN. Only the commercial partition's console
     * address is known here; other partitions get no URL rather than a wrong one.
     */
    static String codeBuildConsoleUrl(String buildArn) {
        if (buildArn == null) {
            return null;
        }
        Matcher arn = CODEBUILD_BUILD_ARN.matcher(buildArn);
        if (!arn.matches() || !"aws".equals(arn.group(1))) {
            return null;
        }
        String region = arn.group(2);
        String account = arn.group(3);
        String project = arn.group(4);
        String buildUuid = arn.group(5);
        return "https://" + region + ".console.aws.amazon.com/codesuite/codebuild/" + account
                + "/projects/" + project + "/build/" + project + "%3A" + buildUuid + "/?region=" + region;
    }

    /** Concatenates the parts, or null when any part is missing. */
    private static String join(String... parts) {
        StringBuilder joined = new StringBuilder();
        for (String part : parts) {
            if (!present(part)) {
                return null;
            }
            joined.append(part);
        }
        return joined.toString();
    }

    /** Environment lookups that treat blank, "None" and "null" values as unset. */
    private record Env(Map<String, String> values) {

        String get(String name) {
            String value = values.get(name);
            return present(value) ? value.trim() : null;
        }

        String first(String... names) {
            for (String name : names) {
                String value = get(name);
                if (value != null) {
                    return value;
                }
            }
            return null;
        }
    }
}
