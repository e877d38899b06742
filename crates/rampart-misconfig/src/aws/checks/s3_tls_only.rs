//! RMP-AWS-0011: S3 bucket policy does not deny requests over plain HTTP.

use rampart_model::Severity;

use super::*;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-AWS-0011",
    family: Family::Aws,
    service: "s3",
    severity: Severity::Medium,
    title: r##"S3 bucket policy does not deny requests over plain HTTP"##,
    description: r##"Without a Deny statement on aws:SecureTransport = false, clients may read and write objects over unencrypted HTTP."##,
    remediation: r##"Add a bucket policy statement that denies s3:* when the condition Bool aws:SecureTransport is false."##,
    references: &["https://docs.aws.amazon.com/AmazonS3/latest/userguide/security-best-practices.html"],
    controls: &["cis-aws-3.0/2.1.1"],
    peers: &["s3_bucket_secure_transport_policy"],
    bad_example: r##"resource "aws_s3_bucket" "data" {
  bucket = "data"
}"##,
    good_example: r##"resource "aws_s3_bucket" "data" {
  bucket = "data"
}

resource "aws_s3_bucket_policy" "data" {
  bucket = aws_s3_bucket.data.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Deny"
      Principal = "*"
      Action    = "s3:*"
      Resource  = ["arn:aws:s3:::data", "arn:aws:s3:::data/*"]
      Condition = { Bool = { "aws:SecureTransport" = "false" } }
    }]
  })
}"##,
};

pub fn check(m: &Model, out: &mut Vec<Finding>) {
    for b in m.buckets.iter().filter(|b| !b.policy_unknown) {
        let denies_http = b.policy.as_ref().is_some_and(|p| {
            p.statements.iter().any(|s| {
                !s.allow
                    && s.conditions.iter().any(|(op, key, values)| {
                        key.eq_ignore_ascii_case("aws:SecureTransport")
                            && op.starts_with("Bool")
                            && values.iter().any(|v| v.eq_ignore_ascii_case("false"))
                    })
            })
        });
        if !denies_http {
            out.push(report(
                &META,
                &b.meta,
                b.meta.span,
                "Bucket policy does not deny requests made without TLS (aws:SecureTransport).",
            ));
        }
    }
}
