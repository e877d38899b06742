//! RMP-AWS-0004: S3 public access block does not ignore public ACLs.

use rampart_model::Severity;

use super::*;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-AWS-0004",
    family: Family::Aws,
    service: "s3",
    severity: Severity::High,
    title: r##"S3 public access block does not ignore public ACLs"##,
    description: r##"Without ignore_public_acls, public ACLs already on the bucket or its objects stay in effect."##,
    remediation: r##"Set ignore_public_acls = true in the bucket's aws_s3_bucket_public_access_block (IgnorePublicAcls: true in PublicAccessBlockConfiguration)."##,
    references: &[
        "https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html",
    ],
    controls: &["cis-aws-3.0/2.1.4"],
    peers: &["AWS-0091", "CKV_AWS_55"],
    bad_example: r##"resource "aws_s3_bucket" "data" {
  bucket = "data"
}

resource "aws_s3_bucket_public_access_block" "data" {
  bucket = aws_s3_bucket.data.id
  ignore_public_acls = false
}"##,
    good_example: r##"resource "aws_s3_bucket" "data" {
  bucket = "data"
}

resource "aws_s3_bucket_public_access_block" "data" {
  bucket = aws_s3_bucket.data.id
  ignore_public_acls = true
}"##,
};

pub fn check(m: &Model, out: &mut Vec<Finding>) {
    public_access_block_setting(
        &META,
        m,
        out,
        |p| &p.ignore_public_acls,
        "Bucket does not set ignore_public_acls (IgnorePublicAcls) in its public access block.",
    );
}
