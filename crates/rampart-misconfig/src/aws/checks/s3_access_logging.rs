//! RMP-AWS-0010: S3 bucket access logging is not enabled.

use rampart_model::Severity;

use super::*;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-AWS-0010",
    family: Family::Aws,
    service: "s3",
    severity: Severity::Medium,
    title: r##"S3 bucket access logging is not enabled"##,
    description: r##"Server access logs record the requests made to a bucket; without them access cannot be audited."##,
    remediation: r##"Add an aws_s3_bucket_logging with a target bucket (CloudFormation: LoggingConfiguration)."##,
    references: &["https://docs.aws.amazon.com/AmazonS3/latest/userguide/ServerLogs.html"],
    controls: &[],
    peers: &["AWS-0089", "CKV_AWS_18"],
    bad_example: r##"resource "aws_s3_bucket" "data" {
  bucket = "data"
}"##,
    good_example: r##"resource "aws_s3_bucket" "data" {
  bucket = "data"
}

resource "aws_s3_bucket_logging" "data" {
  bucket        = aws_s3_bucket.data.id
  target_bucket = "logs"
  target_prefix = "data/"
}"##,
};

pub fn check(m: &Model, out: &mut Vec<Finding>) {
    let attrs = m.buckets.iter().map(|b| (&b.meta, &b.logging));
    off_or_absent(&META, out, attrs, "Bucket has no access logging.");
}
