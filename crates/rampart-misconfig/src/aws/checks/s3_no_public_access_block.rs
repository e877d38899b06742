//! RMP-AWS-0006: S3 bucket has no public access block.

use rampart_model::Severity;

use super::*;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-AWS-0006",
    family: Family::Aws,
    service: "s3",
    severity: Severity::Medium,
    title: r##"S3 bucket has no public access block"##,
    description: r##"Each bucket should have its own public access block so that a later ACL or policy change cannot make it public."##,
    remediation: r##"Add an aws_s3_bucket_public_access_block for the bucket (CloudFormation: PublicAccessBlockConfiguration) with all four settings true."##,
    references: &[
        "https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html",
    ],
    controls: &["cis-aws-3.0/2.1.4"],
    peers: &["AWS-0094", "CKV2_AWS_6"],
    bad_example: r##"resource "aws_s3_bucket" "data" {
  bucket = "data"
}"##,
    good_example: r##"resource "aws_s3_bucket" "data" {
  bucket = "data"
}

resource "aws_s3_bucket_public_access_block" "data" {
  bucket                  = aws_s3_bucket.data.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}"##,
};

pub fn check(m: &Model, out: &mut Vec<Finding>) {
    let buckets = m.buckets.iter().map(|b| (&b.meta, b.public_access_block.is_some()));
    lacking(&META, out, buckets, "Bucket has no public access block.");
}
