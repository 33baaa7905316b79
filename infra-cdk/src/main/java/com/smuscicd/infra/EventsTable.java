package com.smuscicd.infra;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Fn;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.glue.CfnDatabase;
import software.amazon.awscdk.services.glue.CfnTable;
import software.constructs.Construct;

/**
 * Athena access to the archive: a raw table over the newline-delimited JSON files, partitioned
 * by day through partition projection (no crawler, no {@code MSCK REPAIR}), the contract's
 * {@code smus_events} view over it (one row per event), and {@code smus_deployments} over that
 * (one row per deployment).
 *
 * <p>The views are Glue {@code VIRTUAL_VIEW}s holding a Presto view definition, the form Athena
 * itself stores for {@code CREATE VIEW}: the spec's query runs right after deployment, with no
 * one-off DDL step (a named query would need someone to run it, and a custom resource a Lambda).
 */
public final class EventsTable extends Construct {

    /** Partition column of the raw table: the archive's yyyy/MM/dd key path. */
    public static final String PARTITION = "dt";

    private final CfnDatabase database;
    private final CfnTable rawTable;
    private final CfnTable view;
    private final CfnTable deploymentsView;

    public EventsTable(Construct scope, String id, EventsTableProps props) {
        super(scope, id);
        if (!props.viewName().equals(SmusEventsView.NAME)) {
            // smus_deployments.sql and the named queries read smus_events by name
            throw new IllegalArgumentException("The events view must be named " + SmusEventsView.NAME + ": "
                    + props.viewName());
        }
        String account = Stack.of(this).getAccount();
        this.database = CfnDatabase.Builder.create(this, "Database")
                .catalogId(account)
                .databaseInput(CfnDatabase.DatabaseInputProperty.builder()
                        .name(props.databaseName())
                        .description("SMUS CI/CD deployment events archived by EventBridge and Firehose")
                        .build())
                .build();

        String location = Fn.join("", List.of("s3://", props.bucketName(), "/", props.eventPrefix()));
        Map<String, Object> tableParameters = new LinkedHashMap<>();
        tableParameters.put("classification", "json");
        tableParameters.put("projection.enabled", "true");
        tableParameters.put("projection." + PARTITION + ".type", "date");
        tableParameters.put("projection." + PARTITION + ".format", "yyyy/MM/dd");
        tableParameters.put("projection." + PARTITION + ".range", props.firstDay() + ",NOW");
        tableParameters.put("projection." + PARTITION + ".interval", "1");
        tableParameters.put("projection." + PARTITION + ".interval.unit", "DAYS");
        tableParameters.put("storage.location.template", Fn.join("", List.of(location, "${" + PARTITION + "}/")));

        this.rawTable = CfnTable.Builder.create(this, "RawTable")
                .catalogId(account)
                .databaseName(props.databaseName())
                .tableInput(CfnTable.TableInputProperty.builder()
                        .name(props.rawTableName())
                        .description("Archived EventBridge events, one JSON object per line; query smus_events instead")
                        .tableType("EXTERNAL_TABLE")
                        .parameters(tableParameters)
                        .partitionKeys(List.of(CfnTable.ColumnProperty.builder()
                                .name(PARTITION).type("string").comment("archive day, yyyy/MM/dd").build()))
                        .storageDescriptor(CfnTable.StorageDescriptorProperty.builder()
                                .location(location)
                                .inputFormat("org.apache.hadoop.mapred.TextInputFormat")
                                .outputFormat("org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat")
                                .serdeInfo(CfnTable.SerdeInfoProperty.builder()
                                        .serializationLibrary("org.openx.data.jsonserde.JsonSerDe")
                                        // "detail-type" is not a legal column name; camelCase keys match lower-case columns;
                                        // a line that is not JSON (a cut-short copy) reads as NULLs, which the view
                                        // drops, instead of failing every query.
                                        .parameters(Ordered.map(
                                                "mapping.detail_type", "detail-type",
                                                "case.insensitive", "true",
                                                "ignore.malformed.json", "true"))
                                        .build())
                                .columns(columns(SmusEventsView.RAW_COLUMNS))
                                .build())
                        .build())
                .build();
        rawTable.addResourceDependency(database);

        this.view = CfnTable.Builder.create(this, "View")
                .catalogId(account)
                .databaseName(props.databaseName())
                .tableInput(CfnTable.TableInputProperty.builder()
                        .name(props.viewName())
                        .description("SMUS CI/CD deployment events, one row per event (duplicate deliveries removed)")
                        .tableType("VIRTUAL_VIEW")
                        .parameters(Ordered.map("presto_view", "true", "comment", "Presto View"))
                        .viewOriginalText(SmusEventsView.prestoViewText(props.databaseName(), props.rawTableName()))
                        .viewExpandedText("/* Presto View */")
                        .storageDescriptor(CfnTable.StorageDescriptorProperty.builder()
                                .columns(columns(SmusEventsView.columns()))
                                .serdeInfo(CfnTable.SerdeInfoProperty.builder().build())
                                .build())
                        .build())
                .build();
        view.addResourceDependency(rawTable);

        this.deploymentsView = CfnTable.Builder.create(this, "DeploymentsView")
                .catalogId(account)
                .databaseName(props.databaseName())
                .tableInput(CfnTable.TableInputProperty.builder()
                        .name(SmusDeploymentsView.NAME)
                        .description("SMUS CI/CD deployments, one row per deployment, derived by sequence")
                        .tableType("VIRTUAL_VIEW")
                        .parameters(Ordered.map("presto_view", "true", "comment", "Presto View"))
                        .viewOriginalText(SmusDeploymentsView.prestoViewText(props.databaseName()))
                        .viewExpandedText("/* Presto View */")
                        .storageDescriptor(CfnTable.StorageDescriptorProperty.builder()
                                .columns(columns(SmusDeploymentsView.columns()))
                                .serdeInfo(CfnTable.SerdeInfoProperty.builder().build())
                                .build())
                        .build())
                .build();
        deploymentsView.addResourceDependency(view);
    }

    private static List<Object> columns(List<SmusEventsView.Field> fields) {
        return fields.stream()
                .<Object>map(field -> CfnTable.ColumnProperty.builder().name(field.name()).type(field.type().hive()).build())
                .toList();
    }

    public CfnDatabase database() {
        return database;
    }

    public CfnTable rawTable() {
        return rawTable;
    }

    public CfnTable view() {
        return view;
    }

    public CfnTable deploymentsView() {
        return deploymentsView;
    }
}
