package com.smuscicd.manifest;

import static com.smuscicd.manifest.Fixtures.LOADER;
import static com.smuscicd.manifest.Fixtures.fixture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.smuscicd.errors.InvalidManifestException;
import com.smuscicd.manifest.PipelineManifest.AssetItem;
import com.smuscicd.manifest.PipelineManifest.Bundle;
import com.smuscicd.manifest.PipelineManifest.Catalog;
import com.smuscicd.manifest.PipelineManifest.Domain;
import com.smuscicd.manifest.PipelineManifest.Monitoring;
import com.smuscicd.manifest.PipelineManifest.Project;
import com.smuscicd.manifest.PipelineManifest.StorageItem;
import com.smuscicd.manifest.PipelineManifest.Target;
import com.smuscicd.manifest.PipelineManifest.WorkflowItem;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ManifestLoaderTest {

    private static final String TARGETS = """
            targets:
              dev:
                stage: DEV
                domain: {name: my-domain, region: us-east-1}
                project: {name: dev-project}
            """;

    private static PipelineManifest parse(String yaml) {
        return LOADER.parse(yaml, Path.of("pipeline.yaml"));
    }

    @Test
    void load_whenBasicPipeline_mapsEveryField() {
        Path file = fixture("basic_pipeline/pipeline.yaml");

        PipelineManifest manifest = LOADER.load(file);

        Map<String, Target> targets = new LinkedHashMap<>();
        targets.put("dev", new Target("dev", "DEV", new Domain("analytics-dev", "us-east-1"),
                new Project("sales-analytics-dev", true)));
        targets.put("prod", new Target("prod", "PROD", new Domain("analytics-prod", "us-east-1"),
                new Project("sales-analytics", false)));
        targets.put("broken", new Target("broken", "TEST", new Domain("analytics-dev", "us-east-1"),
                new Project("no-such-project", false)));
        assertThat(manifest).isEqualTo(new PipelineManifest(
                file,
                "MyPipeline",
                new Monitoring(true, "default", true),
                new Bundle(
                        List.of(new StorageItem("code", "src", List.of("**/*.py", "**/*.sql"),
                                List.of("**/__pycache__/**"))),
                        List.of(new WorkflowItem("daily_sales_etl", "workflows/daily_sales_etl.py"),
                                new WorkflowItem("weekly_report", "workflows/weekly_report.py"))),
                new Catalog(List.of(
                        new AssetItem("sales_orders", "READ", "The daily ETL reads confirmed orders"),
                        new AssetItem("customer_profiles", "READ", "The weekly report joins customer segments"))),
                targets));
        assertThat(manifest.targets().keySet()).containsExactly("dev", "prod", "broken");
    }

    @Test
    void parse_whenNoMonitoringBlock_monitoringIsDisabled() {
        PipelineManifest manifest = parse("pipelineName: MyPipeline\n" + TARGETS);

        assertThat(manifest.monitoring()).isSameAs(Monitoring.DISABLED);
        assertThat(manifest.bundle()).isEqualTo(Bundle.EMPTY);
        assertThat(manifest.catalog()).isEqualTo(Catalog.EMPTY);
    }

    @Test
    void parse_whenMonitoringHasNoEventbridgeBlock_monitoringIsDisabled() {
        PipelineManifest manifest = parse("pipelineName: MyPipeline\nmonitoring: {}\n" + TARGETS);

        assertThat(manifest.monitoring()).isSameAs(Monitoring.DISABLED);
    }

    @Test
    void parse_whenEventbridgeBlockIsEmpty_enabledOnDefaultBusWithMetadata() {
        PipelineManifest manifest = parse("pipelineName: MyPipeline\nmonitoring:\n  eventbridge: {}\n" + TARGETS);

        assertThat(manifest.monitoring()).isEqualTo(new Monitoring(true, "default", true));
    }

    @Test
    void parse_whenEventbridgeDisabledWithArn_keepsBusAndMetadataSettings() {
        PipelineManifest manifest = parse("""
                pipelineName: MyPipeline
                monitoring:
                  eventbridge:
                    enabled: false
                    eventBusName: arn:aws:events:eu-west-1:123456789012:event-bus/central
                    includeMetadata: false
                """ + TARGETS);

        assertThat(manifest.monitoring()).isEqualTo(
                new Monitoring(false, "arn:aws:events:eu-west-1:123456789012:event-bus/central", false));
    }

    @Test
    void parse_whenOptionalItemFieldsAreOmitted_appliesDefaults() {
        PipelineManifest manifest = parse("""
                pipelineName: Sales.Daily_v2
                bundle:
                  storage:
                    - {name: data, path: ./content/./data/}
                  workflows: []
                catalog:
                  assets:
                    - name: customer_orders
                """ + TARGETS);

        assertThat(manifest.bundle()).isEqualTo(new Bundle(
                List.of(new StorageItem("data", "content/data", List.of("**"), List.of())), List.of()));
        assertThat(manifest.catalog().assets()).containsExactly(new AssetItem("customer_orders", "READ",
                "Requested by smus-cicd deployment of Sales.Daily_v2"));
        assertThat(manifest.targets().get("dev").project().create()).isFalse();
    }

    @Test
    void parse_whenYamlOneOneBooleanWordsAreUnquoted_readsThemAsText() {
        PipelineManifest manifest = parse("""
                pipelineName: yes
                targets:
                  no:
                    stage: on
                    domain: {name: off, region: us-east-1}
                    project: {name: y, create: TRUE}
                """);

        assertThat(manifest.pipelineName()).isEqualTo("yes");
        assertThat(manifest.targets().get("no"))
                .isEqualTo(new Target("no", "on", new Domain("off", "us-east-1"), new Project("y", true)));
    }

    @Test
    void parse_whenNumbersAndDatesAreQuoted_readsThemAsText() {
        PipelineManifest manifest = parse("""
                pipelineName: "2025"
                targets:
                  "1":
                    stage: '007'
                    domain: {name: "1.5", region: us-east-1}
                    project: {name: "2025-11-04"}
                """);

        assertThat(manifest.pipelineName()).isEqualTo("2025");
        assertThat(manifest.targets().get("1"))
                .isEqualTo(new Target("1", "007", new Domain("1.5", "us-east-1"), new Project("2025-11-04", false)));
    }

    @Test
    void load_whenTargetsUseMergeKeys_inheritAndOverride() {
        PipelineManifest manifest = LOADER.load(fixture("merge-keys.yaml"));

        assertThat(manifest.targets()).containsExactly(
                Map.entry("dev", new Target("dev", "DEV", new Domain("my-domain", "us-east-1"),
                        new Project("dev-project", true))),
                Map.entry("prod", new Target("prod", "PROD", new Domain("my-domain", "us-east-1"),
                        new Project("prod-project", false))));
    }

    @Test
    void load_whenAnchorIsDefinedUnderExtensionKey_aliasResolvesAndKeyIsIgnored() {
        PipelineManifest manifest = LOADER.load(fixture("shared-blocks.yaml"));

        assertThat(manifest.targets().get("dev").domain()).isEqualTo(new Domain("my-domain", "us-east-1"));
    }

    @Test
    void parse_whenTextStartsWithByteOrderMark_ignoresIt() {
        PipelineManifest manifest = parse("\uFEFFpipelineName: MyPipeline\n" + TARGETS);

        assertThat(manifest.pipelineName()).isEqualTo("MyPipeline");
    }

    @Test
    void parse_whenTextHasNoDirectory_doesNotRequirePathsToExist() {
        PipelineManifest manifest = parse("""
                pipelineName: MyPipeline
                bundle:
                  storage: [{name: data, path: not/on/disk}]
                  workflows: [{name: etl, file: dags/etl.yaml}]
                """ + TARGETS);

        assertThat(manifest.source()).isEqualTo(Path.of("pipeline.yaml"));
        assertThat(manifest.bundle().storage().get(0).path()).isEqualTo("not/on/disk");
        assertThat(manifest.bundle().workflows()).containsExactly(new WorkflowItem("etl", "dags/etl.yaml"));
    }

    @Test
    void parse_returnsUnmodifiableCollections() {
        PipelineManifest manifest = parse("""
                pipelineName: MyPipeline
                bundle:
                  storage: [{name: data, path: data}]
                """ + TARGETS);

        assertThatThrownBy(() -> manifest.targets().clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> manifest.bundle().storage().clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> manifest.bundle().storage().get(0).include().clear())
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void requireTarget_whenNameIsKnown_returnsTarget() {
        PipelineManifest manifest = LOADER.load(fixture("basic_pipeline/pipeline.yaml"));

        assertThat(ManifestLoader.requireTarget(manifest, "prod").stage()).isEqualTo("PROD");
    }

    @Test
    void requireTarget_whenNameIsUnknown_listsKnownTargets() {
        Path file = fixture("basic_pipeline/pipeline.yaml");
        PipelineManifest manifest = LOADER.load(file);

        assertThatThrownBy(() -> ManifestLoader.requireTarget(manifest, "staging"))
                .isInstanceOfSatisfying(InvalidManifestException.class, e -> assertThat(e.problems())
                        .containsExactly(file + ": unknown target 'staging'; known targets: dev, prod, broken"));
    }

    @Test
    void requireTarget_whenNameIsCloseToKnownTarget_suggestsIt() {
        PipelineManifest manifest = parse("pipelineName: MyPipeline\n" + TARGETS);

        assertThatThrownBy(() -> ManifestLoader.requireTarget(manifest, "Dve"))
                .isInstanceOfSatisfying(InvalidManifestException.class, e -> assertThat(e.problems())
                        .containsExactly("pipeline.yaml: unknown target 'Dve'; known targets: dev; did you mean 'dev'?"));
    }
}
