package com.smuscicd.infra;

import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Fn;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.Token;
import software.amazon.awscdk.services.iam.PolicyDocument;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.kinesisfirehose.CfnDeliveryStream;
import software.amazon.awscdk.services.s3.CfnBucket;
import software.amazon.awscdk.services.s3.CfnBucketPolicy;
import software.constructs.Construct;

/**
 * The S3 archive of events: EventBridge cannot write to S3, so a Firehose stream takes the
 * events and writes them, one JSON object per line, under {@code <prefix>YYYY/MM/DD/}.
 *
 * <p>The bucket is either an existing one or created here (with expiry), chosen at deploy time by
 * a CloudFormation condition, so the same template serves both; that is why this construct is
 * written with L1 resources and {@code Fn::If}.
 */
public final class EventArchive extends Construct {

    /**
     * Firehose's own timestamp namespace (arrival time, UTC): the key date is the day the event
     * reached Firehose, which is the event's {@code time} except for events arriving within
     * the buffer interval of midnight.
     */
    public static final String DATE_PATH = "!{timestamp:yyyy/MM/dd}/";

    private final CfnBucket bucket;
    private final CfnDeliveryStream deliveryStream;
    private final String bucketName;

    public EventArchive(Construct scope, String id, EventArchiveProps props) {
        super(scope, id);
        Stack stack = Stack.of(this);
        String condition = props.createBucket().getLogicalId();

        this.bucket = CfnBucket.Builder.create(this, "Bucket")
                .bucketName(Fn.sub("smus-cicd-events-${AWS::AccountId}-${AWS::Region}"))
                .bucketEncryption(CfnBucket.BucketEncryptionProperty.builder()
                        .serverSideEncryptionConfiguration(List.of(CfnBucket.ServerSideEncryptionRuleProperty.builder()
                                .serverSideEncryptionByDefault(CfnBucket.ServerSideEncryptionByDefaultProperty.builder()
                                        .sseAlgorithm("AES256")
                                        .build())
                                .build()))
                        .build())
                .publicAccessBlockConfiguration(CfnBucket.PublicAccessBlockConfigurationProperty.builder()
                        .blockPublicAcls(true)
                        .blockPublicPolicy(true)
                        .ignorePublicAcls(true)
                        .restrictPublicBuckets(true)
                        .build())
                .ownershipControls(CfnBucket.OwnershipControlsProperty.builder()
                        .rules(List.of(CfnBucket.OwnershipControlsRuleProperty.builder()
                                .objectOwnership("BucketOwnerEnforced")
                                .build()))
                        .build())
                .lifecycleConfiguration(CfnBucket.LifecycleConfigurationProperty.builder()
                        .rules(List.of(CfnBucket.RuleProperty.builder()
                                .id("ExpireEvents")
                                .status("Enabled")
                                .expirationInDays(props.retentionDays())
                                .abortIncompleteMultipartUpload(CfnBucket.AbortIncompleteMultipartUploadProperty.builder()
                                        .daysAfterInitiation(1)
                                        .build())
                                .build()))
                        .build())
                .build();
        bucket.getCfnOptions().setCondition(props.createBucket());
        Acknowledgments.acknowledge(bucket, "AwsSolutions-S1",
                "The bucket only receives Firehose deliveries of events that are themselves the audit record; "
                        + "enable CloudTrail data events for a full access audit.");

        this.bucketName = Token.asString(Fn.conditionIf(condition, bucket.getRef(), props.existingBucketName()));
        String bucketArn = Fn.join("", List.of("arn:", stack.getPartition(), ":s3:::", bucketName));

        CfnBucketPolicy policy = CfnBucketPolicy.Builder.create(this, "BucketPolicy")
                .bucket(bucket.getRef())
                .policyDocument(PolicyDocument.Builder.create()
                        .statements(List.of(PolicyStatement.Builder.create()
                                .sid("DenyInsecureTransport")
                                .effect(software.amazon.awscdk.services.iam.Effect.DENY)
                                .principals(List.of(new software.amazon.awscdk.services.iam.AnyPrincipal()))
                                .actions(List.of("s3:*"))
                                .resources(List.of(bucket.getAttrArn(), bucket.getAttrArn() + "/*"))
                                .conditions(Map.of("Bool", Map.of("aws:SecureTransport", "false")))
                                .build()))
                        .build())
                .build();
        policy.getCfnOptions().setCondition(props.createBucket());

        String eventObjects = Fn.join("", List.of(bucketArn, "/", props.eventPrefix(), "*"));
        String errorObjects = Fn.join("", List.of(bucketArn, "/", EventArchiveProps.ERROR_PREFIX, "*"));
        Role deliveryRole = Role.Builder.create(this, "DeliveryRole")
                .assumedBy(new ServicePrincipal("firehose.amazonaws.com", software.amazon.awscdk.services.iam.ServicePrincipalOpts.builder()
                        .conditions(Map.of("StringEquals", Map.of("sts:ExternalId", stack.getAccount())))
                        .build()))
                .description("Lets Firehose write SMUS CI/CD events to the archive bucket")
                .inlinePolicies(Map.of("WriteArchive", PolicyDocument.Builder.create()
                        .statements(List.of(
                                PolicyStatement.Builder.create()
                                        .sid("FindBucket")
                                        .actions(List.of("s3:GetBucketLocation", "s3:ListBucket", "s3:ListBucketMultipartUploads"))
                                        .resources(List.of(bucketArn))
                                        .build(),
                                PolicyStatement.Builder.create()
                                        .sid("WriteEvents")
                                        .actions(List.of("s3:PutObject", "s3:GetObject", "s3:AbortMultipartUpload"))
                                        .resources(List.of(eventObjects, errorObjects))
                                        .build()))
                        .build()))
                .build();

        Acknowledgments.wildcardResource(deliveryRole, eventObjects,
                "Firehose names each file it writes; writing is limited to the archive prefix of the one bucket.");
        Acknowledgments.wildcardResource(deliveryRole, errorObjects,
                "Firehose names each error file it writes; writing is limited to the error prefix of the one bucket.");

        this.deliveryStream = CfnDeliveryStream.Builder.create(this, "DeliveryStream")
                .deliveryStreamType("DirectPut")
                .deliveryStreamEncryptionConfigurationInput(
                        CfnDeliveryStream.DeliveryStreamEncryptionConfigurationInputProperty.builder()
                                .keyType("AWS_OWNED_CMK")
                                .build())
                .extendedS3DestinationConfiguration(CfnDeliveryStream.ExtendedS3DestinationConfigurationProperty.builder()
                        .bucketArn(bucketArn)
                        .roleArn(deliveryRole.getRoleArn())
                        .prefix(Fn.join("", List.of(props.eventPrefix(), DATE_PATH)))
                        .errorOutputPrefix(EventArchiveProps.ERROR_PREFIX + "!{firehose:error-output-type}/" + DATE_PATH)
                        .bufferingHints(CfnDeliveryStream.BufferingHintsProperty.builder()
                                .intervalInSeconds(props.bufferSeconds())
                                .sizeInMBs(props.bufferMb())
                                .build())
                        .compressionFormat("UNCOMPRESSED")
                        .fileExtension(".json")
                        // Firehose concatenates records as they come; the archive contract is one event per line.
                        // AppendDelimiterToRecord without parameters appends a newline (Firehose API reference).
                        .processingConfiguration(CfnDeliveryStream.ProcessingConfigurationProperty.builder()
                                .enabled(true)
                                .processors(List.of(CfnDeliveryStream.ProcessorProperty.builder()
                                        .type("AppendDelimiterToRecord")
                                        .build()))
                                .build())
                        .build())
                .build();
    }

    /** Name of the archive bucket, whichever of the two it is. */
    public String bucketName() {
        return bucketName;
    }

    public CfnBucket bucket() {
        return bucket;
    }

    public CfnDeliveryStream deliveryStream() {
        return deliveryStream;
    }
}
