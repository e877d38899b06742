//! RMP-AWS-0005: S3 public access block does not restrict public buckets.

use rampart_model::Severity;

use super::*;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-AWS-0005",
    family: Family::Aws,
    service: "s3",
    severity: Severity::High,
    title: r##"S3 public access block does not restrict public buckets"##,
    description: r##"Without restrict_public_buckets, a public bucket policy still grants access to anyone."##,
    remediation: r##"Set restrict_public_buckets = true in the bucket's aws_s3_bucket_public_access_block (RestrictPublicBuckets: true in PublicAccessBlockConfiguration)."##,
    references: &[
        "https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html",
    ],
    controls: &["cis-aws-3.0/2.1.4"],
    peers: &["AWS-0093", "CKV_AWS_56"],
    bad_example: r##"resource "aws_s3_bucket" "data" {
  bucket = "data"
}

resource "aws_s3_bucket_public_access_block" "data" {
  bucket = aws_s3_bucket.data.id
  restrict_public_buckets = false
}"##,
    good_example: r##"resource "aws_s3_bucket" "data" {
  bucket = "data"
}

resource "aws_s3_bucket_public_access_block" "data" {
  bucket = aws_s3_bucket.data.id
  restrict_public_buckets = true
}"##,
};

pub fn check(m: &Model, out: &mut Vec<Finding>) {
    public_access_block_setting(
        &META,
        m,
        out,
        |p| &p.restrict_public_buckets,
        "Bucket does not set restrict_public_buckets (RestrictPublicBuckets) in its public access block.",
    );
}
