//! RMP-AWS-0014: S3 bucket has no lifecycle configuration.

use rampart_model::Severity;

use super::*;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-AWS-0014",
    family: Family::Aws,
    service: "s3",
    severity: Severity::Low,
    title: r##"S3 bucket has no lifecycle configuration"##,
    description: r##"Without lifecycle rules, old object versions and incomplete uploads are kept (and paid for) forever."##,
    remediation: r##"Add an aws_s3_bucket_lifecycle_configuration (CloudFormation: LifecycleConfiguration)."##,
    references: &["https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lifecycle-mgmt.html"],
    controls: &[],
    peers: &["CKV2_AWS_61"],
    bad_example: r##"resource "aws_s3_bucket" "data" {
  bucket = "data"
}"##,
    good_example: r##"resource "aws_s3_bucket" "data" {
  bucket = "data"
}

resource "aws_s3_bucket_lifecycle_configuration" "data" {
  bucket = aws_s3_bucket.data.id
  rule {
    id     = "expire"
    status = "Enabled"
    noncurrent_version_expiration {
      noncurrent_days = 90
    }
  }
}"##,
};

pub fn check(m: &Model, out: &mut Vec<Finding>) {
    let buckets = m.buckets.iter().map(|b| (&b.meta, b.lifecycle));
    lacking(&META, out, buckets, "Bucket has no lifecycle configuration.");
}
