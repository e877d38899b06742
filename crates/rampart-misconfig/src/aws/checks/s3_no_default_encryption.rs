//! RMP-AWS-0007: S3 bucket has no default encryption configured.

use rampart_model::Severity;

use super::*;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-AWS-0007",
    family: Family::Aws,
    service: "s3",
    severity: Severity::High,
    title: r##"S3 bucket has no default encryption configured"##,
    description: r##"A bucket should declare server-side encryption so every object is encrypted at rest with a known key type (S3 applies SSE-S3 by default since 2023, but the template does not say so)."##,
    remediation: r##"Add an aws_s3_bucket_server_side_encryption_configuration (CloudFormation: BucketEncryption) with sse_algorithm aws:kms or AES256."##,
    references: &["https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-encryption.html"],
    controls: &[],
    peers: &["AWS-0088", "CKV_AWS_19"],
    bad_example: r##"resource "aws_s3_bucket" "data" {
  bucket = "data"
}"##,
    good_example: r##"resource "aws_s3_bucket" "data" {
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
};

pub fn check(m: &Model, out: &mut Vec<Finding>) {
    let attrs = m.buckets.iter().map(|b| (&b.meta, &b.encryption));
    empty_or_absent(&META, out, attrs, "Bucket has no default server-side encryption.");
}
