//! RMP-AWS-0031: IAM policy allows every action of a service.

use rampart_model::Severity;

use super::*;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-AWS-0031",
    family: Family::Aws,
    service: "iam",
    severity: Severity::Medium,
    title: r##"IAM policy allows every action of a service"##,
    description: r##"A statement allows a service-wide wildcard such as s3:* or iam:*, which includes destructive and permission-changing actions."##,
    remediation: r##"List the service's actions that are needed (s3:GetObject, s3:PutObject) instead of the wildcard."##,
    references: &["https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html"],
    controls: &[],
    peers: &["AWS-0057", "CKV_AWS_290"],
    bad_example: r##"resource "aws_iam_policy" "p" {
  name = "p"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "s3:*"
      Resource = "arn:aws:s3:::data/*"
    }]
  })
}"##,
    good_example: r##"resource "aws_iam_policy" "p" {
  name = "p"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["s3:GetObject", "s3:PutObject"]
      Resource = "arn:aws:s3:::data/*"
    }]
  })
}"##,
};

pub fn check(m: &Model, out: &mut Vec<Finding>) {
    allow_statements(&META, m, out, |s| {
        s.has_action(|a| a.len() > 2 && a.ends_with(":*"))
            .map(|a| format!("Policy allows every action of a service ({a})."))
    });
}
