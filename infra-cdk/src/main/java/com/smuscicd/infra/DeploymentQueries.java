package com.smuscicd.infra;

import java.util.List;
import software.amazon.awscdk.Fn;
import software.amazon.awscdk.services.athena.CfnNamedQuery;
import software.amazon.awscdk.services.athena.CfnWorkGroup;
import software.constructs.Construct;

/**
 * The metrics of {@code smus-cli metrics} as saved Athena queries over {@code smus_deployments}
 * and {@code smus_events}, in a workgroup of their own.
 *
 * <p>Why a workgroup rather than {@code primary}: a stack cannot configure the account's primary
 * workgroup, which in a new account has no result location, so the saved queries would not run
 * until someone set one. This workgroup writes results, SSE-S3 encrypted, to the archive bucket
 * under a prefix of their own (never under the events, where the raw table would read them), and
 * enforces that, so a client cannot send them elsewhere. It pins Athena engine version 3, the
 * Trino dialect the SQL is written in.
 */
public final class DeploymentQueries extends Construct {

    /** One saved query: its name in Athena and the console, and what it answers. */
    public record Query(String name, String description) {

        /** Classpath resource holding the query's SQL. */
        public String resource() {
            return SqlFiles.QUERIES + name + ".sql";
        }

        /** The SQL, as the resource file holds it. */
        public String sql() {
            return SqlFiles.read(resource());
        }
    }

    /** The spec's query, unchanged: the contract's columns make it run on {@code smus_events}. */
    public static final Query SPEC_FAILED = new Query("smus-spec-failed-query",
            "The spec's query: the 10 latest failed events of pipeline MyPipeline (put your pipeline's name)");

    /** Every saved query, in the order the console lists them in this file. */
    public static final List<Query> QUERIES = List.of(
            SPEC_FAILED,
            new Query("smus-dora-30d", "Per pipeline and target, last 30 days: deployments (ok, failed, cancelled, "
                    + "running), success rate, deployment frequency, lead time for changes (p50), change failure rate"),
            new Query("smus-time-to-restore-30d", "Per pipeline and target, last 30 days: time to restore "
                    + "(first failure after a success to the next success; p50, mean) and failing since"),
            new Query("smus-phase-durations-30d", "Per pipeline, target and phase, last 30 days: "
                    + "completed phase durations p50, p95, max (ms)"),
            new Query("smus-failures-30d", "Failed deployments of the last 30 days by pipeline, target, "
                    + "failed phase and error code"));

    /** The engine the SQL is written for (Trino functions, FILTER clauses, view types). */
    static final String ENGINE_VERSION = "Athena engine version 3";

    private final CfnWorkGroup workGroup;
    private final List<CfnNamedQuery> namedQueries;

    public DeploymentQueries(Construct scope, String id, DeploymentQueriesProps props) {
        super(scope, id);
        this.workGroup = CfnWorkGroup.Builder.create(this, "WorkGroup")
                .name(props.workGroupName())
                .description("SMUS CI/CD deployment metrics: saved queries over smus_events and smus_deployments")
                .state("ENABLED")
                // Athena refuses to delete a workgroup that has run queries unless told to, which would
                // leave the stack undeletable after its first use; results in S3 are not touched.
                .recursiveDeleteOption(true)
                .workGroupConfiguration(CfnWorkGroup.WorkGroupConfigurationProperty.builder()
                        .enforceWorkGroupConfiguration(true)
                        .publishCloudWatchMetricsEnabled(true)
                        .engineVersion(CfnWorkGroup.EngineVersionProperty.builder()
                                .selectedEngineVersion(ENGINE_VERSION)
                                .build())
                        .resultConfiguration(CfnWorkGroup.ResultConfigurationProperty.builder()
                                .outputLocation(Fn.join("", List.of("s3://", props.bucketName(), "/", props.resultsPrefix())))
                                .encryptionConfiguration(CfnWorkGroup.EncryptionConfigurationProperty.builder()
                                        .encryptionOption("SSE_S3")
                                        .build())
                                .build())
                        .build())
                .build();

        this.namedQueries = QUERIES.stream()
                .map(query -> CfnNamedQuery.Builder.create(this, query.name())
                        .name(query.name())
                        .description(query.description())
                        .database(props.databaseName())
                        .workGroup(workGroup.getRef())
                        .queryString(query.sql())
                        .build())
                .toList();
    }

    public CfnWorkGroup workGroup() {
        return workGroup;
    }

    public List<CfnNamedQuery> namedQueries() {
        return namedQueries;
    }
}
