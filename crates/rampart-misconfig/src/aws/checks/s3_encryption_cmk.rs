//! RMP-AWS-0008: S3 bucket is not encrypted with a customer managed KMS key.

use rampart_model::Severity;

use super::*;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-AWS-0008",
    family: Family::Aws,
    service: "s3",
    severity: Severity::Low,
    title: r##"S3 bucket is not encrypted with a customer managed KMS key"##,
    description: r##"Default encryption with SSE-S3 (AES256) or without a customer managed key leaves key policy, rotation and audit out of your control."##,
    remediation: r##"Use sse_algorithm = "aws:kms" with kms_master_key_id set to a customer managed key."##,
    references: &["https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html"],
    controls: &[],
    peers: &["AWS-0132", "CKV_AWS_145"],
    bad_example: r##"resource "aws_s3_bucket" "data" {
  bucket = "data"
}

resource "aws_s3_bucket_server_side_encryption_configuration" "data" {
  bucket = aws_s3_bucket.data.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}"##,
    good_example: r##"resource "aws_kms_key" "s3" {
  enable_key_rotation = true
}

resource "aws_s3_bucket" "data" {
  bucket = "data"
}

resource "aws_s3_bucket_server_side_encryption_configuration" "data" {
  bucket = aws_s3_bucket.data.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.s3.arn
    }
  }
}"##,
};

pub fn check(m: &Model, out: &mut Vec<Finding>) {
    for b in &m.buckets {
        if b.encryption.state == State::Unknown || b.kms_key.state == State::Unknown {
            continue;
        }
        let kms = b.encryption.get().is_some_and(|a| a.starts_with("aws:kms"));
        if !kms || b.kms_key.is_empty_or_absent() {
            out.push(report(
                &META,
                &b.meta,
                b.encryption.span,
                "Bucket is not encrypted with a customer managed KMS key.",
            ));
        }
    }
}
