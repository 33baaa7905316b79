package com.smuscicd.infra;

import java.util.Objects;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.s3.IBucket;

/**
 * Settings of {@link DeployFunctions}.
 *
 * @param jars the functions' jars, one per function
 * @param eventBuses the buses the functions may publish to; the first is their default
 * @param bundleBucket where bundles are uploaded
 * @param projectBucketPattern S3 bucket name pattern of the SageMaker Unified Studio project buckets
 * @param workflowExecutionRolePattern IAM role name pattern of the project roles workflows run as
 * @param workflowRoleArn one role every workflow runs as instead of its project's role; empty for none
 * @param projectProfileId DataZone project profile of the projects the deployment creates; empty for the domain's default
 * @param logRetention retention of every function's log group
 * @param snapStart whether to enable SnapStart (see {@link PhaseFunction})
 */
public record DeployFunctionsProps(
        FunctionJars jars,
        EventBuses eventBuses,
        IBucket bundleBucket,
        String projectBucketPattern,
        String workflowExecutionRolePattern,
        String workflowRoleArn,
        String projectProfileId,
        RetentionDays logRetention,
        boolean snapStart) {

    public DeployFunctionsProps {
        Objects.requireNonNull(jars, "jars");
        Objects.requireNonNull(eventBuses, "eventBuses");
        Objects.requireNonNull(bundleBucket, "bundleBucket");
        Objects.requireNonNull(projectBucketPattern, "projectBucketPattern");
        Objects.requireNonNull(workflowExecutionRolePattern, "workflowExecutionRolePattern");
        Objects.requireNonNull(workflowRoleArn, "workflowRoleArn");
        Objects.requireNonNull(projectProfileId, "projectProfileId");
        Objects.requireNonNull(logRetention, "logRetention");
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builder of {@link DeployFunctionsProps}. */
    public static final class Builder {
        private FunctionJars jars;
        private EventBuses eventBuses;
        private IBucket bundleBucket;
        private String projectBucketPattern = AppSettings.DEFAULT_PROJECT_BUCKET_PATTERN;
        private String workflowExecutionRolePattern = AppSettings.DEFAULT_WORKFLOW_EXECUTION_ROLE_PATTERN;
        private String workflowRoleArn = "";
        private String projectProfileId = "";
        private RetentionDays logRetention = RetentionDays.ONE_MONTH;
        private boolean snapStart;

        private Builder() {
        }

        public Builder jars(FunctionJars value) {
            this.jars = value;
            return this;
        }

        public Builder eventBuses(EventBuses value) {
            this.eventBuses = value;
            return this;
        }

        public Builder bundleBucket(IBucket value) {
            this.bundleBucket = value;
            return this;
        }

        public Builder projectBucketPattern(String value) {
            this.projectBucketPattern = value;
            return this;
        }

        public Builder workflowExecutionRolePattern(String value) {
            this.workflowExecutionRolePattern = value;
            return this;
        }

        public Builder workflowRoleArn(String value) {
            this.workflowRoleArn = value;
            return this;
        }

        public Builder projectProfileId(String value) {
            this.projectProfileId = value;
            return this;
        }

        public Builder logRetention(RetentionDays value) {
            this.logRetention = value;
            return this;
        }

        public Builder snapStart(boolean value) {
            this.snapStart = value;
            return this;
        }

        public DeployFunctionsProps build() {
            return new DeployFunctionsProps(jars, eventBuses, bundleBucket, projectBucketPattern,
                    workflowExecutionRolePattern, workflowRoleArn, projectProfileId, logRetention, snapStart);
        }
    }
}
