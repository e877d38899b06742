//! RMP-AWS-0037: IAM policy allows write access without constraints.

use rampart_model::Severity;

use super::*;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-AWS-0037",
    family: Family::Aws,
    service: "iam",
    severity: Severity::Medium,
    title: r##"IAM policy allows write access without constraints"##,
    description: r##"A statement allows write actions (Create*, Put*, Update*, Delete*, or a wildcard) on any resource without conditions."##,
    remediation: r##"Limit write actions to specific resource ARNs or add conditions."##,
    references: &["https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html"],
    controls: &[],
    peers: &["CKV_AWS_290", "CKV_AWS_111"],
    bad_example: r##"resource "aws_iam_policy" "p" {
  name = "p"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "dynamodb:PutItem"
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
      Action   = "dynamodb:PutItem"
      Resource = "arn:aws:dynamodb:us-east-1:123456789012:table/app"
    }]
  })
}"##,
};

pub fn check(m: &Model, out: &mut Vec<Finding>) {
    allow_statements(&META, m, out, |s| {
        (s.any_resource() && s.conditions.is_empty())
            .then(|| s.has_action(is_write_action))
            .flatten()
            .map(|a| format!("Policy allows write action {a} on any resource."))
    });
}
