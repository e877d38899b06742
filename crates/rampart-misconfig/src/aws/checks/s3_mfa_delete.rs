//! RMP-AWS-0013: S3 bucket versioning does not require MFA delete.

use rampart_model::Severity;

use super::*;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-AWS-0013",
    family: Family::Aws,
    service: "s3",
    severity: Severity::Low,
    title: r##"S3 bucket versioning does not require MFA delete"##,
    description: r##"With MFA delete, changing the versioning state or permanently deleting an object version needs the root user's MFA code."##,
    remediation: r##"Set mfa_delete = "Enabled" in the bucket's versioning configuration (it can only be enabled by the root user with MFA; CloudFormation cannot set it)."##,
    references: &[
        "https://docs.aws.amazon.com/AmazonS3/latest/userguide/MultiFactorAuthenticationDelete.html",
    ],
    controls: &["cis-aws-3.0/2.1.2"],
    peers: &[],
    bad_example: r##"resource "aws_s3_bucket" "data" {
  bucket = "data"
}

resource "aws_s3_bucket_versioning" "data" {
  bucket = aws_s3_bucket.data.id
  versioning_configuration {
    status = "Enabled"
  }
}"##,
    good_example: r##"resource "aws_s3_bucket" "data" {
  bucket = "data"
}

resource "aws_s3_bucket_versioning" "data" {
  bucket = aws_s3_bucket.data.id
  mfa    = "arn:aws:iam::123456789012:mfa/root 123456"
  versioning_configuration {
    status     = "Enabled"
    mfa_delete = "Enabled"
  }
}"##,
};

pub fn check(m: &Model, out: &mut Vec<Finding>) {
    for b in &m.buckets {
        if b.versioning.is_true() && b.mfa_delete.off_or_absent() {
            out.push(report(
                &META,
                &b.meta,
                b.mfa_delete.span,
                "Bucket versioning does not require MFA delete.",
            ));
        }
    }
}
