//! RMP-AWS-0029: IAM policy grants full administrative privileges.

use rampart_model::Severity;

use super::*;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-AWS-0029",
    family: Family::Aws,
    service: "iam",
    severity: Severity::High,
    title: r##"IAM policy grants full administrative privileges"##,
    description: r##"A statement allows Action "*" on Resource "*": whoever holds the policy can do anything in the account."##,
    remediation: r##"Grant only the actions and resources needed; keep administrator access to a few break-glass roles using the AWS managed AdministratorAccess policy."##,
    references: &["https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html"],
    controls: &["cis-aws-3.0/1.16"],
    peers: &["CKV_AWS_62", "CKV_AWS_1"],
    bad_example: r##"resource "aws_iam_policy" "p" {
  name = "p"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "*"
      Resource = "*"
    }]
  })
}"##,
    good_example: r##"resource "aws_iam_policy" "p" {
  name = "p"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["s3:GetObject"]
      Resource = "arn:aws:s3:::data/*"
    }]
  })
}"##,
};

pub fn check(m: &Model, out: &mut Vec<Finding>) {
    allow_statements(&META, m, out, |s| {
        (s.has_action(|a| a == "*" || a == "*:*").is_some() && s.resources.iter().any(|r| r == "*"))
            .then(|| "Policy allows \"*\" on \"*\" (full administrator access).".to_string())
    });
}
