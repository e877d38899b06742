//! RMP-AWS-0012: S3 bucket policy allows actions to any principal.

use rampart_model::Severity;

use super::*;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-AWS-0012",
    family: Family::Aws,
    service: "s3",
    severity: Severity::High,
    title: r##"S3 bucket policy allows actions to any principal"##,
    description: r##"A bucket policy statement with Effect Allow and Principal "*" (without a restricting condition) grants the actions to anyone on the internet."##,
    remediation: r##"Name the principals (accounts, roles) that need access, or add conditions such as aws:PrincipalOrgID or aws:SourceVpce."##,
    references: &["https://docs.aws.amazon.com/AmazonS3/latest/userguide/example-bucket-policies.html"],
    controls: &["cis-aws-3.0/2.1.4"],
    peers: &["CKV_AWS_70"],
    bad_example: r##"resource "aws_s3_bucket" "data" {
  bucket = "data"
}

resource "aws_s3_bucket_policy" "data" {
  bucket = aws_s3_bucket.data.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = "*"
      Action    = "s3:GetObject"
      Resource  = "arn:aws:s3:::data/*"
    }]
  })
}"##,
    good_example: r##"resource "aws_s3_bucket" "data" {
  bucket = "data"
}

resource "aws_s3_bucket_policy" "data" {
  bucket = aws_s3_bucket.data.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::123456789012:root" }
      Action    = "s3:GetObject"
      Resource  = "arn:aws:s3:::data/*"
    }]
  })
}"##,
};

pub fn check(m: &Model, out: &mut Vec<Finding>) {
    for b in &m.buckets {
        let Some(policy) = &b.policy else { continue };
        for s in &policy.statements {
            if s.allow && s.principal.everyone && s.conditions.is_empty() {
                let actions = s.actions.join(", ");
                out.push(report_doc(
                    &META,
                    &b.meta,
                    policy,
                    s.span,
                    format!("Bucket policy allows {actions} to any principal."),
                ));
            }
        }
    }
}
