//! RMP-AWS-0003: S3 public access block does not block public policies.

use rampart_model::Severity;

use super::*;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-AWS-0003",
    family: Family::Aws,
    service: "s3",
    severity: Severity::High,
    title: r##"S3 public access block does not block public policies"##,
    description: r##"Without block_public_policy, a bucket policy granting public access can be attached."##,
    remediation: r##"Set block_public_policy = true in the bucket's aws_s3_bucket_public_access_block (BlockPublicPolicy: true in PublicAccessBlockConfiguration)."##,
    references: &[
        "https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html",
    ],
    controls: &["cis-aws-3.0/2.1.4"],
    peers: &["AWS-0087", "CKV_AWS_54"],
    bad_example: r##"resource "aws_s3_bucket" "data" {
  bucket = "data"
}

resource "aws_s3_bucket_public_access_block" "data" {
  bucket = aws_s3_bucket.data.id
  block_public_policy = false
}"##,
    good_example: r##"resource "aws_s3_bucket" "data" {
  bucket = "data"
}

resource "aws_s3_bucket_public_access_block" "data" {
  bucket = aws_s3_bucket.data.id
  block_public_policy = true
}"##,
};

pub fn check(m: &Model, out: &mut Vec<Finding>) {
    public_access_block_setting(
        &META,
        m,
        out,
        |p| &p.block_public_policy,
        "Bucket does not set block_public_policy (BlockPublicPolicy) in its public access block.",
    );
}
