//! RMP-AWS-0089: CloudWatch log group is not encrypted with a KMS key.

use rampart_model::Severity;

use super::*;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-AWS-0089",
    family: Family::Aws,
    service: "cloudwatch",
    severity: Severity::Low,
    title: r##"CloudWatch log group is not encrypted with a KMS key"##,
    description: r##"Log groups are encrypted with a service key unless a customer managed KMS key is set."##,
    remediation: r##"Set kms_key_id (CloudFormation: KmsKeyId)."##,
    references: &["https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html"],
    controls: &[],
    peers: &["AWS-0017", "CKV_AWS_158"],
    bad_example: r##"resource "aws_cloudwatch_log_group" "app" {
  name = "app"
}"##,
    good_example: r##"resource "aws_cloudwatch_log_group" "app" {
  name = "app"
  kms_key_id = "arn:aws:kms:us-east-1:123456789012:key/abc"
}"##,
};

pub fn check(m: &Model, out: &mut Vec<Finding>) {
    empty_or_absent(
        &META,
        out,
        m.log_groups.iter().map(|x| (&x.meta, &x.kms_key)),
        "Log group is not encrypted with a customer managed KMS key.",
    );
}
