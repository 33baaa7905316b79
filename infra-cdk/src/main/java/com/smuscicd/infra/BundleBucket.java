package com.smuscicd.infra;

import java.util.List;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.s3.BlockPublicAccess;
import software.amazon.awscdk.services.s3.Bucket;
import software.amazon.awscdk.services.s3.BucketEncryption;
import software.amazon.awscdk.services.s3.CfnBucket;
import software.amazon.awscdk.services.s3.LifecycleRule;
import software.amazon.awscdk.services.s3.ObjectOwnership;
import software.constructs.Construct;

/**
 * The bucket bundles are uploaded to: private, encrypted, TLS only, versioned, and sending its
 * object events to EventBridge so an upload can start a deployment.
 */
public final class BundleBucket extends Construct {

    private final Bucket bucket;

    public BundleBucket(Construct scope, String id, BundleBucketProps props) {
        super(scope, id);
        this.bucket = Bucket.Builder.create(this, "Bucket")
                .encryption(BucketEncryption.S3_MANAGED)
                .blockPublicAccess(BlockPublicAccess.BLOCK_ALL)
                .objectOwnership(ObjectOwnership.BUCKET_OWNER_ENFORCED)
                .enforceSsl(true)
                .versioned(true)
                .lifecycleRules(List.of(LifecycleRule.builder()
                        .id("ExpireReplacedBundles")
                        .noncurrentVersionExpiration(Duration.days(props.noncurrentVersionDays()))
                        .abortIncompleteMultipartUploadAfter(Duration.days(1))
                        .build()))
                .removalPolicy(props.removalPolicy())
                .build();
        // Bucket.eventBridgeEnabled goes through CDK's notifications custom resource (a Lambda
        // function with a wildcard policy); CloudFormation sets the same flag natively.
        CfnBucket cfnBucket = (CfnBucket) bucket.getNode().getDefaultChild();
        cfnBucket.setNotificationConfiguration(CfnBucket.NotificationConfigurationProperty.builder()
                .eventBridgeConfiguration(CfnBucket.EventBridgeConfigurationProperty.builder()
                        .eventBridgeEnabled(true)
                        .build())
                .build());
        Acknowledgments.acknowledge(bucket, "AwsSolutions-S1",
                "Every upload is already recorded: S3 sends an Object Created event to EventBridge "
                        + "and each deployment emits its own lifecycle events; enable CloudTrail data events "
                        + "for a full access audit rather than a second bucket of access logs.");
    }

    public Bucket bucket() {
        return bucket;
    }
}
