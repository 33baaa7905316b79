package com.smuscicd.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InputFilesTest {

    @Test
    void functionJars_whenSomeAreMissing_failNamingEachMissingJarAndTheBuildCommand(@TempDir Path dir)
            throws IOException {
        Files.writeString(dir.resolve("deploy-lifecycle.jar"), "x");
        Files.writeString(dir.resolve("bundle-trigger.jar"), "x");

        assertThatThrownBy(() -> FunctionJars.in(dir))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(dir.toString())
                .hasMessageContaining("project-initialization.jar, bundle-upload.jar, workflow-creation.jar, "
                        + "catalog-assets.jar.")
                .hasMessageNotContaining("deploy-lifecycle.jar")
                .hasMessageContaining("mvn -B -pl functions -am package -DskipTests")
                .hasMessageContaining("-c functionsDir=");
    }

    @Test
    void app_whenTheRetiredFunctionsJarKeyIsSet_failsNamingFunctionsDir() {
        assertThatThrownBy(() -> SmusCicdApp.build(TestApps.app(Map.of("functionsJar", "x.jar"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("functionsJar").hasMessageContaining("-c functionsDir=");
    }

    @Test
    void jarName_isTheHandlerInKebabCase() {
        assertThat(FunctionJars.HANDLERS.stream().map(FunctionJars::jarName)).containsExactly(
                "deploy-lifecycle.jar", "project-initialization.jar", "bundle-upload.jar", "workflow-creation.jar",
                "catalog-assets.jar", "bundle-trigger.jar");
    }

    @Test
    void app_whenTheFunctionJarsAreMissing_failsBeforeSynthesizingAnything(@TempDir Path dir) {
        Path missing = dir.resolve("nothing");

        assertThatThrownBy(() -> SmusCicdApp.build(TestApps.app(Map.of(AppSettings.FUNCTIONS_DIR, missing.toString()))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("Lambda function jars not found in " + missing);
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
