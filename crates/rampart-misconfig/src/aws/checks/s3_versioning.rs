//! RMP-AWS-0009: S3 bucket versioning is not enabled.

use rampart_model::Severity;

use super::*;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-AWS-0009",
    family: Family::Aws,
    service: "s3",
    severity: Severity::Medium,
    title: r##"S3 bucket versioning is not enabled"##,
    description: r##"Without versioning, overwritten or deleted objects cannot be recovered (after a mistake or ransomware)."##,
    remediation: r##"Add an aws_s3_bucket_versioning with status = "Enabled" (CloudFormation: VersioningConfiguration Status Enabled)."##,
    references: &["https://docs.aws.amazon.com/AmazonS3/latest/userguide/Versioning.html"],
    controls: &[],
    peers: &["AWS-0090", "CKV_AWS_21"],
    bad_example: r##"resource "aws_s3_bucket" "data" {
  bucket = "data"
}"##,
    good_example: r##"resource "aws_s3_bucket" "data" {
  bucket = "data"
}

resource "aws_s3_bucket_versioning" "data" {
  bucket = aws_s3_bucket.data.id
  versioning_configuration {
    status = "Enabled"
  }
}"##,
};

pub fn check(m: &Model, out: &mut Vec<Finding>) {
    off_or_absent(
        &META,
        out,
        m.buckets.iter().map(|x| (&x.meta, &x.versioning)),
        "Bucket versioning is not enabled.",
    );
}
