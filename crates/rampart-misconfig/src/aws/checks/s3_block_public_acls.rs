//! RMP-AWS-0002: S3 public access block does not block public ACLs.

use rampart_model::Severity;

use super::*;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-AWS-0002",
    family: Family::Aws,
    service: "s3",
    severity: Severity::High,
    title: r##"S3 public access block does not block public ACLs"##,
    description: r##"Without block_public_acls, new public ACLs can be put on the bucket and its objects."##,
    remediation: r##"Set block_public_acls = true in the bucket's aws_s3_bucket_public_access_block (BlockPublicAcls: true in PublicAccessBlockConfiguration)."##,
    references: &[
        "https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html",
    ],
    controls: &["cis-aws-3.0/2.1.4"],
    peers: &["AWS-0086", "CKV_AWS_53"],
    bad_example: r##"resource "aws_s3_bucket" "data" {
  bucket = "data"
}

resource "aws_s3_bucket_public_access_block" "data" {
  bucket = aws_s3_bucket.data.id
  block_public_acls = false
}"##,
    good_example: r##"resource "aws_s3_bucket" "data" {
  bucket = "data"
}

resource "aws_s3_bucket_public_access_block" "data" {
  bucket = aws_s3_bucket.data.id
  block_public_acls = true
}"##,
};

pub fn check(m: &Model, out: &mut Vec<Finding>) {
    public_access_block_setting(
        &META,
        m,
        out,
        |p| &p.block_public_acls,
        "Bucket does not set block_public_acls (BlockPublicAcls) in its public access block.",
    );
}
