package com.smuscicd.bench;

import com.smuscicd.events.DeploymentEvent;
import com.smuscicd.events.EventDetail;
import com.smuscicd.events.Metadata;
import com.smuscicd.events.Stage;
import com.smuscicd.events.Status;
import com.smuscicd.local.bus.LocalRule;
import com.smuscicd.local.bus.RuleTarget;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The local-bus workload: 100 rules of the kinds people write against the deployment events
 * (prefix, suffix, exact, anything-but, numeric, exists, wildcard over {@code source},
 * {@code detail-type} and detail fields), and a deterministic stream of contract-shaped events
 * from 20 pipelines, so that each event matches a few rules, as in a real account, rather than
 * all or none.
 */
final class BusWorkload {

    static final int RULES = 100;
    static final int PIPELINES = 20;
    static final String ACCOUNT = "123456789012";

    private static final String SOURCE = "\"source\":[\"" + DeploymentEvent.SOURCE + "\"]";
    private static final String[] STAGES = {"DEV", "TEST", "PROD"};
    private static final String[] REGIONS = {"us-east-1", "us-west-2", "eu-west-1"};
    private static final String[] ERROR_CODES = {"WORKFLOW_INVALID", "WORKFLOW_QUOTA_EXCEEDED", "PROJECT_NOT_FOUND",
        "PROJECT_NOT_READY", "DOMAIN_NOT_FOUND", "ASSET_NOT_FOUND", "BUNDLE_TOO_LARGE", "INTERNAL_ERROR",
        "SUBSCRIPTION_CONFLICT", "PHASE_TIMEOUT", "THROTTLING", "ACCESS_DENIED"};
    private static final String[] ERROR_PREFIXES = {"WORKFLOW_", "PROJECT_", "DOMAIN_", "ASSET_", "BUNDLE_",
        "INTERNAL_", "SUBSCRIPTION_", "PHASE_", "THROTTL", "ACCESS_"};
    private static final String[] BRANCHES = {"main", "release/1.4", "feature/orders", "hotfix/etl"};

    private BusWorkload() {
    }

    /** The pipeline of number {@code n}, e.g. {@code pipeline-07}. */
    static String pipeline(int n) {
        return String.format("pipeline-%02d", n % PIPELINES);
    }

    /** Which form the ten "phase started" rules take; they match the same events either way. */
    enum StartedRules {
        /** {@code "detail-type": [{"wildcard": "SMUS-CICD-Deploy-*-Started"}]}. */
        WILDCARD,
        /** {@code "detail": {"status": ["started"], "stage": [{"anything-but": ["deploy"]}]}}. */
        DETAIL_FIELDS
    }

    /** {@value #RULES} rules: ten kinds of pattern, ten variants each, each with one cheap target. */
    static List<LocalRule> rules() {
        return rules(StartedRules.WILDCARD);
    }

    /** The same rules, with the "phase started" ones in the given form. */
    static List<LocalRule> rules(StartedRules started) {
        List<LocalRule> rules = new ArrayList<>(RULES);
        for (int i = 0; i < RULES; i++) {
            int kind = i / 10;
            int v = i % 10;
            rules.add(new LocalRule(String.format("bench-rule-%03d", i), pattern(kind, v, started), List.of(target(i)),
                    true, null));
        }
        return rules;
    }

    private static String pattern(int kind, int v, StartedRules started) {
        Stage phase = Stage.phases().get(v % 4);
        return switch (kind) {
            // a pipeline's failures: suffix on detail-type, exact pipeline
            case 0 -> "{" + SOURCE + ",\"detail-type\":[{\"suffix\":\"-Failed\"}],"
                    + "\"detail\":{\"pipelineName\":[\"" + pipeline(v) + "\"]}}";
            // everything one phase says about a pipeline: prefix on detail-type
            case 1 -> "{" + SOURCE + ",\"detail-type\":[{\"prefix\":\"SMUS-CICD-Deploy-" + phase.phaseName() + "-\"}],"
                    + "\"detail\":{\"pipelineName\":[\"" + pipeline(10 + v) + "\"]}}";
            // production deployments completed: exact detail-type, pipeline and stage
            case 2 -> "{" + SOURCE + ",\"detail-type\":[\"SMUS-CICD-Deploy-Completed\"],"
                    + "\"detail\":{\"pipelineName\":[\"" + pipeline(v) + "\"],\"target\":{\"stage\":[\"PROD\"]}}}";
            // a stage's failures outside dev (and test): anything-but
            case 3 -> "{" + SOURCE + ",\"detail\":{\"status\":[\"failed\"],"
                    + "\"target\":{\"stage\":[{\"anything-but\":" + (v < 5 ? "[\"DEV\",\"TEST\"]" : "[\"DEV\"]")
                    + "}]},\"stage\":[\"" + Stage.values()[v % 5].value() + "\"]}}";
            // slow phases: numeric
            case 4 -> "{" + SOURCE + ",\"detail\":{\"stage\":[\"" + phase.value() + "\"],\"status\":[\"completed\"],"
                    + "\"durationMs\":[{\"numeric\":[\">\"," + 20_000 * (v + 1) + "]}]}}";
            // error families: prefix on a nested detail field
            case 5 -> "{" + SOURCE + ",\"detail\":{\"error\":{\"code\":[{\"prefix\":\"" + ERROR_PREFIXES[v] + "\"}]},"
                    + "\"target\":{\"stage\":[\"" + STAGES[v % 3] + "\"]}}}";
            // one domain family: suffix on a nested field
            case 6 -> "{" + SOURCE + ",\"detail\":{\"target\":{\"domain\":{\"name\":[{\"suffix\":\"-"
                    + STAGES[v % 3].toLowerCase(Locale.ROOT) + "\"}]}},\"pipelineName\":[\"" + pipeline(v * 2) + "\"]}}";
            // failures from a branch in a stage: metadata, exact
            case 7 -> "{" + SOURCE + ",\"detail\":{\"metadata\":{\"gitBranch\":[\"" + BRANCHES[v % 4] + "\"]},"
                    + "\"status\":[\"failed\"],\"target\":{\"stage\":[\"" + STAGES[v % 3] + "\"]}}}";
            // any error in a region, slow or late in the sequence: exists + numeric range
            case 8 -> "{" + SOURCE + ",\"region\":[\"" + REGIONS[v % 3] + "\"],"
                    + "\"detail\":{\"error\":{\"code\":[{\"exists\":true}]},\"sequence\":[{\"numeric\":[\">=\"," + (2 + v % 4)
                    + ",\"<=\",10]}],\"pipelineName\":[{\"anything-but\":[\"" + pipeline(v) + "\"]}]}}";
            // phase starts of a pipeline: wildcard on detail-type, or the same said with detail fields
            default -> started == StartedRules.WILDCARD
                    ? "{" + SOURCE + ",\"detail-type\":[{\"wildcard\":\"SMUS-CICD-Deploy-*-Started\"}],"
                            + "\"detail\":{\"pipelineName\":[\"" + pipeline(v * 2 + 1) + "\"]}}"
                    : "{" + SOURCE + ",\"detail\":{\"status\":[\"started\"],\"stage\":[{\"anything-but\":[\"deploy\"]}],"
                            + "\"pipelineName\":[\"" + pipeline(v * 2 + 1) + "\"]}}";
        };
    }

    /** SNS, Lambda, SQS and Step Functions "would invoke" records, and log-group files. */
    private static RuleTarget target(int i) {
        String arn = switch (i % 5) {
            case 0 -> "arn:aws:sns:us-east-1:" + ACCOUNT + ":deploy-alerts-" + (i % 7);
            case 1 -> "arn:aws:lambda:us-east-1:" + ACCOUNT + ":function:post-deploy-" + (i % 7);
            case 2 -> "arn:aws:sqs:us-east-1:" + ACCOUNT + ":deploy-audit";
            case 3 -> "arn:aws:states:us-east-1:" + ACCOUNT + ":stateMachine:smoke-tests";
            default -> "arn:aws:logs:us-east-1:" + ACCOUNT + ":log-group:/aws/events/smus-" + (i % 3);
        };
        return RuleTarget.ofArn("t" + i, arn);
    }

    /**
     * {@code count} events as whole deployments emit them: Deploy-Started, each phase's Started and
     * Completed (or Failed, then Deploy-Failed), Deploy-Completed, over 20 pipelines, three stages
     * and three regions; ids are left null for the caller to fill in.
     */
    static List<DeploymentEvent> events(int count) {
        SplittableRandom random = new SplittableRandom(7);
        List<DeploymentEvent> events = new ArrayList<>(count);
        Instant time = Instant.parse("2026-11-27T03:00:00Z");
        int deployment = 0;
        while (events.size() < count) {
            // attributes drawn independently, so that rules combining them each find some events
            String pipeline = pipeline(random.nextInt(PIPELINES));
            String stage = STAGES[random.nextInt(STAGES.length)];
            String region = REGIONS[random.nextInt(REGIONS.length)];
            EventDetail.TargetInfo target = new EventDetail.TargetInfo(stage.toLowerCase(Locale.ROOT), stage,
                    new EventDetail.DomainInfo("analytics-" + stage.toLowerCase(Locale.ROOT), region, "dzd_" + deployment),
                    new EventDetail.ProjectInfo(pipeline + "-" + stage.toLowerCase(Locale.ROOT), "prj_" + deployment));
            Metadata metadata = new Metadata("ci-bot", String.format("%040x", deployment),
                    BRANCHES[random.nextInt(BRANCHES.length)], "https://github.com/example/" + pipeline,
                    "github-actions", String.valueOf(deployment),
                    "https://github.com/example/" + pipeline + "/actions/runs/" + deployment, time.toString());
            // one deployment in four fails, in any phase
            int failingPhase = random.nextInt(4) == 0 ? 1 + random.nextInt(4) : 0;
            String id = "deployment-" + deployment;
            int sequence = 1;
            events.add(event(Stage.DEPLOY, Status.STARTED, sequence++, pipeline, target, metadata, id, null, null,
                    region, time));
            long total = 0;
            for (Stage phase : Stage.phases()) {
                events.add(event(phase, Status.STARTED, sequence++, pipeline, target, metadata, id, null, null,
                        region, time));
                long duration = random.nextLong(200, 240_000);
                total += duration;
                if (phase.position() == failingPhase) {
                    EventDetail.ErrorInfo error = new EventDetail.ErrorInfo(
                            ERROR_CODES[random.nextInt(ERROR_CODES.length)], "injected by the benchmark workload");
                    events.add(event(phase, Status.FAILED, sequence++, pipeline, target, metadata, id, duration, error,
                            region, time));
                    events.add(event(Stage.DEPLOY, Status.FAILED, sequence, pipeline, target, metadata, id, total,
                            error, region, time));
                    break;
                }
                events.add(event(phase, Status.COMPLETED, sequence++, pipeline, target, metadata, id, duration, null,
                        region, time));
            }
            if (failingPhase == 0) {
                events.add(event(Stage.DEPLOY, Status.COMPLETED, 10, pipeline, target, metadata, id, total, null,
                        region, time));
            }
            deployment++;
        }
        return List.copyOf(events.subList(0, count));
    }

    private static DeploymentEvent event(Stage stage, Status status, int sequence, String pipeline,
                                         EventDetail.TargetInfo target, Metadata metadata, String deploymentId,
                                         Long durationMs, EventDetail.ErrorInfo error, String region, Instant time) {
        Map<String, Object> details = new LinkedHashMap<>();
        if (stage == Stage.WORKFLOW_CREATION && status == Status.COMPLETED) {
            details.put("workflows", List.of("daily_sales_etl", "weekly_report"));
            details.put("count", 2);
        }
        EventDetail detail = new EventDetail(EventDetail.VERSION, time.plusMillis(sequence * 100L).toString(), pipeline,
                stage.value(), status.value(), target, metadata, deploymentId, sequence, durationMs, error,
                details.isEmpty() ? null : details);
        return new DeploymentEvent(null, stage.detailType(status), DeploymentEvent.SOURCE, time,
                List.of("arn:aws:states:" + region + ":" + ACCOUNT + ":execution:smus-cicd-deploy:" + deploymentId),
                detail);
    }

    /** The lot numbers of AWS's exact-match benchmark rules. */
    private static final String[] CITY_LOTS_EXACT = {"1430022", "2607117", "2607218", "3745012", "VACSTWIL"};
    private static final String[] CITY_STREETS = {"UNKNOWN", "JEFFERSON", "BEACH", "HYDE", "CHESTNUT", "FULTON",
        "MASON", "BLUXOME", "DRUMM", "ACTON"};

    /**
     * The 5 exact-match rules of event-ruler's own benchmark ({@code {"properties": {"MAPBLKLOT":
     * ["1430022"]}}} and four more lot numbers), the workload its README's "over 220K/second" is for.
     */
    static List<String> cityLotsExactRules() {
        List<String> rules = new ArrayList<>();
        for (String lot : CITY_LOTS_EXACT) {
            rules.add("{\"properties\":{\"MAPBLKLOT\":[\"" + lot + "\"]}}");
        }
        return rules;
    }

    /**
     * {@code count} JSON events in the shape of event-ruler's "citylots" data set (a GeoJSON
     * feature of a San Francisco lot: nine properties and a polygon), about 900 bytes each as its
     * are; about one in 40 carries a lot number of {@link #cityLotsExactRules}.
     */
    static List<String> cityLots(int count) {
        SplittableRandom random = new SplittableRandom(11);
        List<String> events = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String lot = random.nextInt(40) == 0 ? CITY_LOTS_EXACT[random.nextInt(CITY_LOTS_EXACT.length)]
                    : String.format("%04d%03d", random.nextInt(8000), random.nextInt(200));
            StringBuilder event = new StringBuilder(1000);
            event.append("{\"type\":\"Feature\",\"properties\":{\"MAPBLKLOT\":\"").append(lot)
                    .append("\",\"BLKLOT\":\"").append(lot)
                    .append("\",\"BLOCK_NUM\":\"").append(lot, 0, Math.min(4, lot.length()))
                    .append("\",\"LOT_NUM\":\"").append(lot.substring(Math.min(4, lot.length())))
                    .append("\",\"FROM_ST\":\"").append(random.nextInt(3000))
                    .append("\",\"TO_ST\":\"").append(random.nextInt(3000))
                    .append("\",\"STREET\":\"").append(CITY_STREETS[random.nextInt(CITY_STREETS.length)])
                    .append("\",\"ST_TYPE\":").append(random.nextBoolean() ? "\"ST\"" : "null")
                    .append(",\"ODD_EVEN\":\"").append(random.nextBoolean() ? "E" : "O")
                    .append("\"},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[");
            double x = -122.5 + random.nextDouble() * 0.15;
            double y = 37.70 + random.nextDouble() * 0.11;
            for (int p = 0; p < 14; p++) {
                if (p > 0) {
                    event.append(',');
                }
                event.append('[').append(x + random.nextDouble() * 0.001).append(',')
                        .append(y + random.nextDouble() * 0.001).append(",0.0]");
            }
            event.append("]]}}");
            events.add(event.toString());
        }
        return List.copyOf(events);
    }
}
