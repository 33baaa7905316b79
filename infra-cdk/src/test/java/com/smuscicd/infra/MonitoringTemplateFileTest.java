package com.smuscicd.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/** {@code eventbridge-to-s3.yaml}, the monitoring template for users without CDK, stays what CDK synthesizes. */
class MonitoringTemplateFileTest {

    private static final Path FILE = Path.of(MonitoringTemplate.DEFAULT_FILE).toAbsolutePath().normalize();

    private static String rendered;

    @BeforeAll
    static void render() {
        rendered = MonitoringTemplate.render();
    }

    @Test
    void committedFile_whenCompared_equalsTheTemplateTheCdkCodeSynthesizes() throws Exception {
        assertThat(FILE).as("%s is missing; create it with: %s", FILE, MonitoringTemplate.REGENERATE_COMMAND).exists();
        assertThat(Files.readString(FILE, StandardCharsets.UTF_8))
                .as("%s is out of date with infra-cdk; regenerate it with: %s", FILE, MonitoringTemplate.REGENERATE_COMMAND)
                .isEqualTo(rendered);
    }

    @Test
    void renderedTemplate_size_fitsCreateStackTemplateBody() {
        assertThat(rendered.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(MonitoringTemplate.TEMPLATE_BODY_LIMIT);
    }

    @Test
    @SuppressWarnings("unchecked")
    void renderedTemplate_whenParsed_takesTheSpecsParametersAndCarriesNoCdkMetadata() {
        Map<String, Object> template = new Yaml().load(rendered);

        Map<String, Object> parameters = (Map<String, Object>) template.get("Parameters");
        assertThat(parameters).containsKeys("BucketName", "EventPrefix").doesNotContainKey("BootstrapVersion");
        assertThat(template).doesNotContainKeys("Rules", "Metadata");
        Map<String, Map<String, Object>> resources = (Map<String, Map<String, Object>>) template.get("Resources");
        assertThat(resources.values()).allSatisfy(resource -> assertThat(resource).doesNotContainKey("Metadata"));
        assertThat(resources.values()).noneSatisfy(resource -> assertThat(resource.get("Type")).isEqualTo("AWS::CDK::Metadata"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void renderedTemplate_policyVersions_stayStringsForYamlReaders() {
        Map<String, Object> template = new Yaml().load(rendered);
        Map<String, Object> role = ((Map<String, Map<String, Object>>) template.get("Resources")).values().stream()
                .filter(r -> "AWS::IAM::Role".equals(r.get("Type"))).findFirst().orElseThrow();
        Map<String, Object> trust = (Map<String, Object>) ((Map<String, Object>) role.get("Properties")).get("AssumeRolePolicyDocument");

        assertThat(trust.get("Version")).isEqualTo("2012-10-17");
    }
}
