//! RMP-AWS-0070: CloudTrail logs are not encrypted with a KMS key.

use rampart_model::Severity;

use super::*;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-AWS-0070",
    family: Family::Aws,
    service: "cloudtrail",
    severity: Severity::High,
    title: r##"CloudTrail logs are not encrypted with a KMS key"##,
    description: r##"Encrypting trail logs with a customer managed key adds a second permission (kms:Decrypt) to read them."##,
    remediation: r##"Set kms_key_id to a customer managed key."##,
    references: &["https://docs.aws.amazon.com/awscloudtrail/latest/userguide/best-practices-security.html"],
    controls: &["cis-aws-3.0/3.5"],
    peers: &["AWS-0015", "CKV_AWS_35"],
    bad_example: r##"resource "aws_cloudtrail" "main" {
  name           = "main"
  s3_bucket_name = "trail-logs"
}"##,
    good_example: r##"resource "aws_cloudtrail" "main" {
  name           = "main"
  s3_bucket_name = "trail-logs"
  kms_key_id = "arn:aws:kms:us-east-1:123456789012:key/abc"
}"##,
};

pub fn check(m: &Model, out: &mut Vec<Finding>) {
    empty_or_absent(
        &META,
        out,
        m.trails.iter().map(|x| (&x.meta, &x.kms_key)),
        "Trail logs are not encrypted with a customer managed KMS key.",
    );
}
