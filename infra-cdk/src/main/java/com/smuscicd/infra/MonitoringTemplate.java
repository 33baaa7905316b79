package com.smuscicd.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * {@code eventbridge-to-s3.yaml}: the monitoring stack's template for users without CDK, as the
 * spec's {@code aws cloudformation create-stack --template-body file://eventbridge-to-s3.yaml}
 * commands use it. Generated from {@link MonitoringStack}; a test fails when the committed copy
 * differs from what this class renders.
 *
 * <p>Run {@code main} (see {@code scripts/export-monitoring-template.sh}) to rewrite the file.
 */
public final class MonitoringTemplate {

    /** Where the file lives, relative to {@code infra-cdk/}. */
    public static final String DEFAULT_FILE = "../eventbridge-to-s3.yaml";

    /** The command that rewrites the file, from the repository root. */
    public static final String REGENERATE_COMMAND = "bash infra-cdk/scripts/export-monitoring-template.sh";

    /** {@code --template-body} accepts at most this many bytes; beyond, users would need an S3 upload. */
    public static final int TEMPLATE_BODY_LIMIT = 51_200;

    private static final String HEADER = """
            # SMUS CI/CD deployment events: EventBridge rule -> Firehose -> S3 (<prefix>YYYY/MM/DD/*.json, 90-day expiry
            # in a bucket it creates), optional CloudWatch Logs group /aws/events/smus-cicd, dead-letter queue and alarms,
            # Athena views smus_events and smus_deployments (Glue database smus_cicd) with saved metric queries (workgroup
            # smus-cicd), metric filters and a dashboard (with the log group), and the schema in the EventBridge Schema Registry.
            #
            # GENERATED from infra-cdk (MonitoringStack); do not edit. Regenerate with:
            #   %s
            #
            # aws cloudformation create-stack --stack-name smus-cicd-monitoring \\
            #   --template-body file://eventbridge-to-s3.yaml --capabilities CAPABILITY_IAM \\
            #   --parameters ParameterKey=EventPrefix,ParameterValue=smus-events/
            # Parameters: BucketName (existing bucket; empty creates one), EventPrefix, EventBusName,
            #   EnableCloudWatchLogs (true|false), AlarmTopicArn (SNS topic for the alarms; empty for none).
            """.formatted(REGENERATE_COMMAND);

    private MonitoringTemplate() {
    }

    public static void main(String[] args) {
        Path target = Path.of(args.length > 0 ? args[0] : DEFAULT_FILE).toAbsolutePath().normalize();
        try {
            Files.writeString(target, render(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + target, e);
        }
        System.out.println("Wrote " + target);
    }

    /** Synthesizes the monitoring stack alone and renders its template as the published YAML. */
    public static String render() {
        App app = new App(AppProps.builder()
                // No aws:cdk:path metadata: the file is for people and CloudFormation, not for CDK tooling.
                .context(Map.of("aws:cdk:enable-path-metadata", false, "aws:cdk:version-reporting", false))
                .build());
        AppSettings settings = AppSettings.fromContext(app.getNode());
        new MonitoringStack(app, SmusCicdApp.MONITORING_STACK, SmusCicdApp.MONITORING_STACK, settings.eventSchemaFile());
        Object template = app.synth().getStackByName(SmusCicdApp.MONITORING_STACK).getTemplate();
        return HEADER + toYaml(template);
    }

    /**
     * Block-style YAML. SnakeYAML quotes every string a YAML 1.1 reader would take for another
     * type (e.g. the policy version 2012-10-17, which would otherwise read as a date).
     */
    static String toYaml(Object template) {
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        options.setIndent(2);
        options.setIndicatorIndent(2);
        options.setIndentWithIndicator(true);
        options.setWidth(120);
        options.setSplitLines(false);
        return new Yaml(options).dump(template);
    }
}
