package com.smuscicd.events.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.InstanceOfAssertFactories.STRING;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

class DetailSchemaTest {

    private static final String FAILED = "SMUS-CICD-Deploy-BundleUpload-Failed";
    private static final String COMPLETED = "SMUS-CICD-Deploy-BundleUpload-Completed";

    @Test
    void validateDetail_whenOnlyRequiredFields_isValid() {
        assertThat(EventContract.validateDetail(TestFiles.fixture("minimal-started-detail.json"))).isEmpty();
    }

    @Test
    void validateDetail_whenFailedWithoutError_reportsMissingError() {
        ObjectNode detail = TestFiles.exampleDetail(FAILED);
        detail.remove("error");

        assertThat(EventContract.validateDetail(detail))
                .anySatisfy(m -> assertThat(m).startsWith("$").contains("required property 'error' not found"));
    }

    @Test
    void validateDetail_whenFailedWithoutDuration_reportsMissingDuration() {
        ObjectNode detail = TestFiles.exampleDetail(FAILED);
        detail.remove("durationMs");

        assertThat(EventContract.validateDetail(detail))
                .anySatisfy(m -> assertThat(m).contains("required property 'durationMs' not found"));
    }

    @Test
    void validateDetail_whenCompletedWithoutDuration_reportsMissingDuration() {
        ObjectNode detail = TestFiles.exampleDetail(COMPLETED);
        detail.remove("durationMs");

        assertThat(EventContract.validateDetail(detail))
                .anySatisfy(m -> assertThat(m).contains("required property 'durationMs' not found"));
    }

    @Test
    void validateDetail_whenCompletedCarriesError_isInvalid() {
        ObjectNode detail = TestFiles.exampleDetail(COMPLETED);
        detail.set("error", TestFiles.json("{\"code\":\"BUNDLE_NOT_FOUND\",\"message\":\"gone\"}"));

        assertThat(EventContract.validateDetail(detail)).isNotEmpty();
    }

    @Test
    void validateDetail_whenStartedCarriesError_isInvalid() {
        ObjectNode detail = TestFiles.fixture("minimal-started-detail.json");
        detail.set("error", TestFiles.json("{\"code\":\"BUNDLE_NOT_FOUND\",\"message\":\"gone\"}"));

        assertThat(EventContract.validateDetail(detail)).isNotEmpty();
    }

    @Test
    void validateDetail_whenUnknownTopLevelField_reportsTheField() {
        ObjectNode detail = TestFiles.fixture("minimal-started-detail.json");
        detail.put("environment", "prod");

        assertThat(EventContract.validateDetail(detail))
                .singleElement(STRING)
                .startsWith("$")
                .contains("'environment'");
    }

    @Test
    void validateDetail_whenUnknownStage_reportsStagePath() {
        ObjectNode detail = TestFiles.fixture("minimal-started-detail.json");
        detail.put("stage", "bundle_upload");

        assertThat(EventContract.validateDetail(detail))
                .singleElement(STRING)
                .startsWith("$.stage:");
    }

    @Test
    void validateDetail_whenUnknownStatus_reportsStatusPath() {
        ObjectNode detail = TestFiles.fixture("minimal-started-detail.json");
        detail.put("status", "STARTED");

        assertThat(EventContract.validateDetail(detail)).anySatisfy(m -> assertThat(m).startsWith("$.status:"));
    }

    @Test
    void validateDetail_whenSequenceZero_reportsSequencePath() {
        ObjectNode detail = TestFiles.fixture("minimal-started-detail.json");
        detail.put("sequence", 0);

        assertThat(EventContract.validateDetail(detail))
                .singleElement(STRING)
                .startsWith("$.sequence:");
    }

    @Test
    void validateDetail_whenSequenceIsText_isInvalid() {
        ObjectNode detail = TestFiles.fixture("minimal-started-detail.json");
        detail.put("sequence", "1");

        assertThat(EventContract.validateDetail(detail)).anySatisfy(m -> assertThat(m).startsWith("$.sequence:"));
    }

    @Test
    void validateDetail_whenNegativeDuration_reportsDurationPath() {
        ObjectNode detail = TestFiles.exampleDetail(COMPLETED);
        detail.put("durationMs", -1);

        assertThat(EventContract.validateDetail(detail)).anySatisfy(m -> assertThat(m).startsWith("$.durationMs:"));
    }

    @Test
    void validateDetail_whenOtherVersion_reportsVersionPath() {
        ObjectNode detail = TestFiles.fixture("minimal-started-detail.json");
        detail.put("version", "2.0");

        assertThat(EventContract.validateDetail(detail)).anySatisfy(m -> assertThat(m).startsWith("$.version:"));
    }

    @Test
    void validateDetail_whenTimestampHasOffset_reportsTimestampPath() {
        ObjectNode detail = TestFiles.fixture("minimal-started-detail.json");
        detail.put("timestamp", "2025-11-04T13:30:00+01:00");

        assertThat(EventContract.validateDetail(detail)).anySatisfy(m -> assertThat(m).startsWith("$.timestamp:"));
    }

    @Test
    void validateDetail_whenTimestampIsNotADate_reportsTimestampPath() {
        ObjectNode detail = TestFiles.fixture("minimal-started-detail.json");
        detail.put("timestamp", "2025-13-04T12:30:00Z");

        assertThat(EventContract.validateDetail(detail)).anySatisfy(m -> assertThat(m).startsWith("$.timestamp:"));
    }

    @Test
    void validateDetail_whenErrorCodeNotUpperSnake_reportsCodePath() {
        ObjectNode detail = TestFiles.exampleDetail(FAILED);
        ((ObjectNode) detail.get("error")).put("code", "BundleNotFound");

        assertThat(EventContract.validateDetail(detail))
                .singleElement(STRING)
                .startsWith("$.error.code:");
    }

    @Test
    void validateDetail_whenTargetMissesDomain_reportsTargetPath() {
        ObjectNode detail = TestFiles.fixture("minimal-started-detail.json");
        ((ObjectNode) detail.get("target")).remove("domain");

        assertThat(EventContract.validateDetail(detail))
                .singleElement(STRING)
                .startsWith("$.target:")
                .contains("'domain'");
    }

    @Test
    void validateDetail_whenDomainAndProjectHaveIds_isValid() {
        ObjectNode detail = TestFiles.fixture("minimal-started-detail.json");
        ((ObjectNode) detail.at("/target/domain")).put("id", "dzd_5k2m9p1q3r7t");
        ((ObjectNode) detail.at("/target/project")).put("id", "b7x4k2n9q1w3e5");

        assertThat(EventContract.validateDetail(detail)).isEmpty();
    }

    @Test
    void validateDetail_whenDomainHasUnknownField_reportsDomainPath() {
        ObjectNode detail = TestFiles.fixture("minimal-started-detail.json");
        ((ObjectNode) detail.at("/target/domain")).put("accountId", "123456789012");

        assertThat(EventContract.validateDetail(detail))
                .singleElement(STRING)
                .startsWith("$.target.domain:");
    }

    @Test
    void validateDetail_whenMetadataHasUnknownField_reportsMetadataPath() {
        ObjectNode detail = TestFiles.exampleDetail("SMUS-CICD-Deploy-Started");
        ((ObjectNode) detail.get("metadata")).put("awsSecretAccessKey", "do-not-leak");

        assertThat(EventContract.validateDetail(detail))
                .singleElement(STRING)
                .startsWith("$.metadata:");
    }

    @Test
    void validateDetail_whenDetailsHasUnknownField_isValid() {
        ObjectNode detail = TestFiles.exampleDetail(COMPLETED);
        ((ObjectNode) detail.get("details")).put("storageClass", "STANDARD");

        assertThat(EventContract.validateDetail(detail)).isEmpty();
    }

    @Test
    void validateDetail_whenDetailsDigestIsNotSha256_reportsDigestPath() {
        ObjectNode detail = TestFiles.exampleDetail(COMPLETED);
        ((ObjectNode) detail.get("details")).put("digest", "md5:0cc175b9c0f1b6a831c399e269772661");

        assertThat(EventContract.validateDetail(detail))
                .singleElement(STRING)
                .startsWith("$.details.digest:");
    }

    @Test
    void validateDetail_whenDetailsCountIsText_reportsCountPath() {
        ObjectNode detail = TestFiles.exampleDetail("SMUS-CICD-Deploy-WorkflowCreation-Completed");
        ((ObjectNode) detail.get("details")).put("count", "2");

        assertThat(EventContract.validateDetail(detail))
                .singleElement(STRING)
                .startsWith("$.details.count:");
    }

    @Test
    void validateDetail_whenNotAnObject_isInvalid() {
        assertThat(EventContract.validateDetail(TestFiles.json("\"deploy\""))).isNotEmpty();
    }

    @Test
    void detailSchema_whenModifiedByCaller_staysIntact() {
        ((ObjectNode) EventContract.detailSchema()).remove("required");

        assertThat(EventContract.detailSchema().get("$schema").asText())
                .isEqualTo("http://json-schema.org/draft-04/schema#");
        assertThat(EventContract.detailSchema().get("required")).isNotNull();
    }
}
