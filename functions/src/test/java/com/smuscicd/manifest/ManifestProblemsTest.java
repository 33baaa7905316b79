package com.smuscicd.manifest;

import static com.smuscicd.manifest.Fixtures.fixture;
import static com.smuscicd.manifest.Fixtures.problemsOf;
import static com.smuscicd.manifest.Fixtures.problemsOfLoading;
import static com.smuscicd.manifest.Fixtures.problemsOfParsing;
import static org.assertj.core.api.Assertions.assertThat;

import com.smuscicd.deploy.WorkflowCreationPhase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Each kind of bad input gives one message per problem, at the right line and column, in file order. */
class ManifestProblemsTest {

    private static final String TARGETS = """
            targets:
              dev:
                stage: DEV
                domain: {name: my-domain, region: us-east-1}
                project: {name: dev-project}
            """;

    @Test
    void load_whenRequiredKeyIsMissing_reportsItAtTheParentMapping() {
        assertThat(problemsOf("missing-region.yaml"))
                .containsExactly("missing-region.yaml:12:7: targets.prod.domain.region is required");
    }

    @Test
    void parse_whenDocumentLacksPipelineNameAndTargets_reportsBothAtItsStart() {
        assertThat(problemsOfParsing("# a manifest\nmonitoring: {}\n")).containsExactly(
                "pipeline.yaml:2:1: pipelineName is required",
                "pipeline.yaml:2:1: targets is required");
    }

    @Test
    void load_whenValuesHaveWrongTypes_namesExpectedAndFoundType() {
        assertThat(problemsOf("wrong-types.yaml")).containsExactly(
                "wrong-types.yaml:4:14: monitoring.eventbridge.enabled must be a boolean, got string \"on\"",
                "wrong-types.yaml:5:22: monitoring.eventbridge.includeMetadata must be a boolean, got string \"true\"",
                "wrong-types.yaml:7:12: bundle.storage must be a list, got string \"content/data\"",
                "wrong-types.yaml:10:12: targets.dev.stage must be a string, got integer 1"
                        + " (write \"1\" in quotes to use it as text)",
                "wrong-types.yaml:16:15: targets.dev.project.create must be a boolean, got string \"yes\"",
                "wrong-types.yaml:19:13: targets.test.domain must be a mapping, got string \"my-domain\"",
                "wrong-types.yaml:21:12: targets.test.project.name must be a string, got an empty value",
                "wrong-types.yaml:23:9: targets.prod must be a mapping, got string \"PROD\"");
    }

    @Test
    void parse_whenNumberIsWrittenInHexOrAsFloat_showsItAsWritten() {
        assertThat(problemsOfParsing("pipelineName: 0x1F\n" + TARGETS.replace("stage: DEV", "stage: 1.50")))
                .containsExactly(
                        "pipeline.yaml:1:15: pipelineName must be a string, got integer 0x1F"
                                + " (write \"0x1F\" in quotes to use it as text)",
                        "pipeline.yaml:4:12: targets.dev.stage must be a string, got number 1.50"
                                + " (write \"1.50\" in quotes to use it as text)");
    }

    @Test
    void load_whenKeysAreUnknown_reportsEachAtItsKeyWithSuggestion() {
        assertThat(problemsOf("unknown-keys.yaml")).containsExactly(
                "unknown-keys.yaml:1:1: pipelineName is required",
                "unknown-keys.yaml:1:1: pipelinename is not a known key; did you mean 'pipelineName'?",
                "unknown-keys.yaml:5:5: monitoring.eventbridge.eventBusname is not a known key;"
                        + " did you mean 'eventBusName'?",
                "unknown-keys.yaml:6:5: monitoring.eventbridge.colour is not a known key;"
                        + " expected one of: enabled, eventBusName, includeMetadata",
                "unknown-keys.yaml:11:7: targets.dev.domain.region is required",
                "unknown-keys.yaml:12:7: targets.dev.domain.Region is not a known key; did you mean 'region'?",
                "unknown-keys.yaml:16:5: targets.dev.projects is not a known key; did you mean 'project'?");
    }

    @Test
    void parse_whenTopLevelKeyIsMisspelledByTransposition_suggestsIt() {
        assertThat(problemsOfParsing("pipelineName: MyPipeline\n" + TARGETS + "bundel: {}\n")).containsExactly(
                "pipeline.yaml:7:1: bundel is not a known key; did you mean 'bundle'?");
    }

    @Test
    void load_whenValuesHaveWrongFormat_describesExpectedFormat() {
        assertThat(problemsOf("bad-values.yaml")).containsExactly(
                "bad-values.yaml:1:15: pipelineName must be 1 to 128 letters, digits, '_', '.' or '-',"
                        + " starting with a letter or digit, got \"my pipeline\"",
                "bad-values.yaml:4:19: monitoring.eventbridge.eventBusName is not valid: event bus ARN"
                        + " \"arn:aws:events:us-east-1:1234:event-bus/ops\" has the account \"1234\"; expected 12 digits",
                "bad-values.yaml:7:13: bundle.storage[0].name must be letters, digits, '_', '.' or '-', got \"raw data\"",
                "bad-values.yaml:10:13: bundle.workflows[0].name must be 1 to 64 letters, digits, '_' or '-',"
                        + " got \"this-workflow-name-is-far-too-long-for-the-workflow-service-to-accept-it\"",
                "bad-values.yaml:15:19: catalog.assets[0].permission must be one of READ, got string \"read\";"
                        + " did you mean 'READ'?",
                "bad-values.yaml:16:13: catalog.assets[1].name must not be empty",
                "bad-values.yaml:18:3: targets[\"dev team\"] is not a valid name; use letters, digits, '_' or '-'",
                "bad-values.yaml:19:12: targets[\"dev team\"].stage must be letters, digits, '_' or '-' (e.g. PROD),"
                        + " got \"DEV stage\"",
                "bad-values.yaml:22:15: targets[\"dev team\"].domain.region must be an AWS Region code such as"
                        + " us-east-1, got \"US-EAST-1\"");
    }

    @Test
    void parse_whenProjectNameHasASlashAndDomainNameIsEmpty_reportsBoth() {
        assertThat(problemsOfParsing(TARGETS.replace("{name: my-domain,", "{name: '',")
                .replace("{name: dev-project}", "{name: sales/analytics}"))).containsExactly(
                "pipeline.yaml:1:1: pipelineName is required",
                "pipeline.yaml:4:20: targets.dev.domain.name must not be empty",
                "pipeline.yaml:5:21: targets.dev.project.name must be 1 to 64 letters, digits, '_', '-' or spaces,"
                        + " got \"sales/analytics\"");
    }

    @Test
    void load_whenTargetsIsEmpty_saysSo() {
        assertThat(problemsOf("no-targets.yaml")).containsExactly("no-targets.yaml:2:10: targets must not be empty");
    }

    @Test
    void load_whenKeyIsRepeated_pointsToBothDefinitions() {
        assertThat(problemsOf("duplicate-keys.yaml")).containsExactly(
                "duplicate-keys.yaml:7:5: targets.dev.stage is defined more than once; first defined at 4:5",
                "duplicate-keys.yaml:8:3: targets.dev is defined more than once; first defined at 3:3");
    }

    @Test
    void load_whenYamlIsMalformed_reportsParserPositionAndProblem() {
        assertThat(problemsOf("syntax-error.yaml")).containsExactly(
                "syntax-error.yaml:5:4: invalid YAML: expected <block end>, but found '<block mapping start>'"
                        + " (while parsing a block mapping at 3:3); check the indentation");
    }

    @Test
    void parse_whenQuoteIsNotClosed_reportsWhereTheScalarStarted() {
        assertThat(problemsOfParsing("pipelineName: \"MyPipeline\n" + TARGETS)).hasSize(1)
                .first().asString().startsWith("pipeline.yaml:7:1: invalid YAML: found unexpected end of stream"
                        + " (while scanning a quoted scalar at 1:15)");
    }

    @Test
    void load_whenBundleEntriesAreInvalid_reportsEveryOne() {
        Path dir = fixture("bundle-problems.yaml").getParent();

        assertThat(problemsOf("bundle-problems.yaml")).containsExactly(
                "bundle-problems.yaml:6:13: bundle.storage[1].name \"data\" is already used by bundle.storage[0];"
                        + " names in bundle.storage must be unique",
                "bundle-problems.yaml:7:13: bundle.storage[1].path \"content/missing\" does not exist in " + dir,
                "bundle-problems.yaml:9:13: bundle.storage[2].path must stay inside the manifest's directory,"
                        + " got \"../outside\"",
                "bundle-problems.yaml:11:13: bundle.storage[3].path must be relative to the manifest's directory,"
                        + " got \"/etc\"",
                "bundle-problems.yaml:13:13: bundle.storage[4].path \"content/data/orders.csv\" must be a directory,"
                        + " but it is a file",
                "bundle-problems.yaml:14:17: bundle.storage[4].include[0] is not a valid glob pattern (\"{a,b\"):"
                        + " Missing '}",
                "bundle-problems.yaml:15:13: bundle.storage[5].name must not be \".\" or \"..\";"
                        + " it names a folder in the project's storage",
                "bundle-problems.yaml:20:13: bundle.workflows[1].name \"etl\" is already used by bundle.workflows[0];"
                        + " names in bundle.workflows must be unique",
                "bundle-problems.yaml:21:13: bundle.workflows[1].file \"content/dags\" must be a file,"
                        + " but it is a directory",
                "bundle-problems.yaml:23:13: bundle.workflows[2].file has the same file name as"
                        + " bundle.workflows[0].file (\"etl.yaml\"); workflow files must have different names",
                "bundle-problems.yaml:25:13: bundle.workflows[3].file must use '/' between folders,"
                        + " got \"content\\\\dags\\\\etl.yaml\"");
    }

    @ParameterizedTest
    @ValueSource(strings = {"workflows", "Workflows"})
    void parse_whenAStorageNameIsTheWorkflowFolder_rejectsItAtTheName(String name) {
        assertThat(problemsOfParsing("""
                pipelineName: MyPipeline
                bundle:
                  storage: [{name: %s, path: wfstore}]
                """.formatted(name) + TARGETS)).containsExactly(
                "pipeline.yaml:3:20: bundle.storage[0].name \"" + name + "\" is the folder where the deployment"
                        + " places workflow files (workflows/dags/); storage uploaded there would replace them,"
                        + " choose another name");
    }

    @Test
    void workflowFolder_isWhereTheWorkflowPhasePlacesDags() {
        assertThat(WorkflowCreationPhase.DAGS_PREFIX).startsWith(ManifestBinder.WORKFLOW_FOLDER + "/");
    }

    @Test
    void parse_whenTextHasNoDirectory_stillRejectsPathsThatLeaveIt() {
        assertThat(problemsOfParsing("""
                pipelineName: MyPipeline
                bundle:
                  workflows: [{name: etl, file: dags/../../etl.yaml}]
                """ + TARGETS)).containsExactly(
                "pipeline.yaml:3:33: bundle.workflows[0].file must stay inside the manifest's directory,"
                        + " got \"dags/../../etl.yaml\"");
    }

    @Test
    void load_whenSymbolicLinkLeadsOutOfTheManifestDirectory_rejectsIt(@TempDir Path tmp) throws IOException {
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Path project = Files.createDirectories(tmp.resolve("project"));
        Files.createSymbolicLink(project.resolve("data"), outside);
        Path manifest = Files.writeString(project.resolve("pipeline.yaml"), """
                pipelineName: MyPipeline
                bundle:
                  storage: [{name: data, path: data}]
                """ + TARGETS);

        assertThat(problemsOfLoading(manifest)).containsExactly(manifest + ":3:32: bundle.storage[0].path \"data\""
                + " must stay inside the manifest's directory, but a symbolic link leads to " + outside.toRealPath());
    }

    @Test
    void load_whenTagAsksForAJavaOrPythonObject_rejectsItWithoutConstructingIt() {
        assertThat(problemsOf("tags.yaml")).containsExactly(
                "tags.yaml:1:15: the tag !!python/object:os.system is not allowed; a manifest holds plain values only");
    }

    @Test
    void parse_whenTagNamesAJavaClass_rejectsIt() {
        assertThat(problemsOfParsing("pipelineName: !!javax.script.ScriptEngineManager [x]\n" + TARGETS))
                .containsExactly("pipeline.yaml:1:15: the tag !!javax.script.ScriptEngineManager is not allowed;"
                        + " a manifest holds plain values only");
    }

    @Test
    void load_whenLocalOrCollectionTagsAreUsed_reportsEachTag() {
        assertThat(problemsOf("local-tags.yaml")).containsExactly(
                "local-tags.yaml:1:15: pipelineName has the tag !secret, which a manifest does not support;"
                        + " remove the tag",
                "local-tags.yaml:2:10: targets has the tag !!set, which a manifest does not support; remove the tag",
                "local-tags.yaml:2:20: targets.dev must be a mapping, got an empty value");
    }

    @Test
    void load_whenDocumentIsAList_saysItMustBeAMapping() {
        assertThat(problemsOf("top-level-list.yaml")).containsExactly(
                "top-level-list.yaml:1:1: the manifest must be a mapping of keys (pipelineName, targets, ...), got a list");
    }

    @Test
    void parse_whenDocumentIsAScalar_saysItMustBeAMapping() {
        assertThat(problemsOfParsing("just text\n")).containsExactly(
                "pipeline.yaml:1:1: the manifest must be a mapping of keys (pipelineName, targets, ...),"
                        + " got the scalar \"just text\"");
    }

    @Test
    void load_whenFileHoldsTwoDocuments_pointsToTheSecond() {
        assertThat(problemsOf("two-documents.yaml")).containsExactly(
                "two-documents.yaml:2:1: invalid YAML: a manifest is a single YAML document, but another document"
                        + " starts here");
    }

    @Test
    void load_whenFileIsEmpty_saysSo() {
        assertThat(problemsOf("empty.yaml"))
                .containsExactly("empty.yaml: file is empty; a manifest needs at least pipelineName and targets");
    }

    @Test
    void load_whenFileHoldsOnlyComments_saysItIsEmpty() {
        assertThat(problemsOf("comment-only.yaml"))
                .containsExactly("comment-only.yaml: file is empty; a manifest needs at least pipelineName and targets");
    }

    @Test
    void load_whenFileDoesNotExist_saysSo(@TempDir Path tmp) {
        Path missing = tmp.resolve("pipeline.yaml");

        assertThat(problemsOfLoading(missing)).containsExactly(missing + ": file not found");
    }

    @Test
    void load_whenPathIsADirectory_saysSo(@TempDir Path tmp) {
        assertThat(problemsOfLoading(tmp))
                .containsExactly(tmp + ": is a directory; expected a pipeline manifest file");
    }
}
