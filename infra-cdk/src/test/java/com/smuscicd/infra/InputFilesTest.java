package com.smuscicd.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InputFilesTest {

    @Test
    void functionsJar_whenMissing_failsNamingThePathAndTheBuildCommand(@TempDir Path dir) {
        Path missing = dir.resolve("functions-0.1.0-SNAPSHOT-lambda.jar");

        assertThatThrownBy(() -> FunctionsJar.require(missing))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(missing.toString())
                .hasMessageContaining("mvn -B -pl functions -am package -DskipTests")
                .hasMessageContaining("-c functionsJar=");
    }

    @Test
    void app_whenTheFunctionsJarIsMissing_failsBeforeSynthesizingAnything(@TempDir Path dir) {
        Path missing = dir.resolve("nothing.jar");

        assertThatThrownBy(() -> SmusCicdApp.build(TestApps.app(Map.of(AppSettings.FUNCTIONS_JAR, missing.toString()))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("Lambda functions jar not found: " + missing);
    }

    @Test
    void stateMachineDefinition_whenMissing_failsNamingThePath(@TempDir Path dir) {
        assertThatThrownBy(() -> StateMachineDefinition.load(dir.resolve("deploy.asl.json")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(dir.resolve("deploy.asl.json").toString())
                .hasMessageContaining("-c aslFile=");
    }

    @Test
    void stateMachineDefinition_whenAPlaceholderHasNoSubstitution_failsNamingIt(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("x.asl.json"),
                "{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Task\",\"Resource\":\"${OtherFunctionArn}\",\"End\":true}}}");
        StateMachineDefinition definition = StateMachineDefinition.load(file);

        assertThat(definition.placeholders()).containsExactly("OtherFunctionArn");
        assertThatThrownBy(() -> definition.requireSubstitutionsFor(Set.of("DeployLifecycleFunctionArn")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("[OtherFunctionArn]");
    }

    @Test
    void repositoryDefinition_placeholders_areExactlyTheFiveFunctions() {
        StateMachineDefinition definition = StateMachineDefinition.load(
                TestApps.repositoryFile("statemachine/src/main/resources/statemachine/deploy.asl.json"));

        assertThat(definition.placeholders()).containsExactlyInAnyOrder(
                DeployFunctions.LIFECYCLE_PLACEHOLDER,
                DeployFunctions.PROJECT_INITIALIZATION_PLACEHOLDER,
                DeployFunctions.BUNDLE_UPLOAD_PLACEHOLDER,
                DeployFunctions.WORKFLOW_CREATION_PLACEHOLDER,
                DeployFunctions.CATALOG_ASSETS_PLACEHOLDER);
    }

    @Test
    void eventSchema_whenMissing_failsNamingThePath(@TempDir Path dir) {
        assertThatThrownBy(() -> MonitoringStack.compactJson(dir.resolve("envelope.schema.json")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(dir.resolve("envelope.schema.json").toString())
                .hasMessageContaining("-c eventSchemaFile=");
    }
}
