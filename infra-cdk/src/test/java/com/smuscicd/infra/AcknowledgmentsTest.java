package com.smuscicd.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AcknowledgmentsTest {

    @Test
    void findingText_whenJoinOfPseudoParameters_writesThemAsAngleBrackets() {
        Object arn = Map.of("Fn::Join", List.of("", List.of(
                "arn:", Map.of("Ref", "AWS::Partition"), ":datazone:", Map.of("Ref", "AWS::Region"), ":domain/*")));

        assertThat(Acknowledgments.findingText(arn)).isEqualTo("arn:<AWS::Partition>:datazone:<AWS::Region>:domain/*");
    }

    @Test
    void findingText_whenGetAttAndSub_writesNameDotAttributeAndSubVariables() {
        assertThat(Acknowledgments.findingText(Map.of("Fn::Join", List.of("", List.of(
                Map.of("Fn::GetAtt", List.of("Bucket1", "Arn")), "/*")))))
                .isEqualTo("<Bucket1.Arn>/*");
        assertThat(Acknowledgments.findingText(Map.of("Fn::Sub", "arn:${AWS::Partition}:s3:::x/*")))
                .isEqualTo("arn:<AWS::Partition>:s3:::x/*");
    }

    @Test
    void findingText_whenAnotherIntrinsic_writesItsJson() {
        Object ifBucket = Map.of("Fn::If", List.of("CreateBucket", Map.of("Ref", "Bucket"), Map.of("Ref", "BucketName")));

        assertThat(Acknowledgments.findingText(ifBucket))
                .isEqualTo("{\"Fn::If\":[\"CreateBucket\",{\"Ref\":\"Bucket\"},{\"Ref\":\"BucketName\"}]}");
    }
}
