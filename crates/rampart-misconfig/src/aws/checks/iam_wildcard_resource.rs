//! RMP-AWS-0038: IAM policy uses "*" as the resource of restrictable actions.

use rampart_model::Severity;

use super::*;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-AWS-0038",
    family: Family::Aws,
    service: "iam",
    severity: Severity::Medium,
    title: r##"IAM policy uses "*" as the resource of restrictable actions"##,
    description: r##"A statement allows actions that support resource-level permissions on Resource "*" instead of the resources they are meant for."##,
    remediation: r##"Replace "*" with the ARNs of the resources the actions apply to (read-only List/Describe/Get actions excepted)."##,
    references: &["https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html"],
    controls: &[],
    peers: &["CKV_AWS_355"],
    bad_example: r##"resource "aws_iam_policy" "p" {
  name = "p"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "s3:DeleteObject"
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
      Action   = "s3:DeleteObject"
      Resource = "arn:aws:s3:::data/*"
    }]
  })
}"##,
};

pub fn check(m: &Model, out: &mut Vec<Finding>) {
    allow_statements(&META, m, out, |s| {
        s.resources
            .iter()
            .any(|r| r == "*")
            .then(|| s.has_action(|a| !is_read_action(a)))
            .flatten()
            .map(|a| format!("Policy allows {a} on resource \"*\"."))
    });
}
