//! RMP-AWS-0030: IAM policy statement allows every action.

use rampart_model::Severity;

use super::*;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-AWS-0030",
    family: Family::Aws,
    service: "iam",
    severity: Severity::High,
    title: r##"IAM policy statement allows every action"##,
    description: r##"A statement allows Action "*" (or uses NotAction with Allow), granting every action of every service on its resources."##,
    remediation: r##"List the actions needed instead of "*"."##,
    references: &["https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html"],
    controls: &[],
    peers: &["AWS-0057", "CKV_AWS_63", "CKV_AWS_49"],
    bad_example: r##"resource "aws_iam_policy" "p" {
  name = "p"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "*"
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
      Action   = ["s3:GetObject"]
      Resource = "arn:aws:s3:::data/*"
    }]
  })
}"##,
};

pub fn check(m: &Model, out: &mut Vec<Finding>) {
    allow_statements(&META, m, out, |s| {
        s.has_action(|a| a == "*" || a == "*:*")
            .map(|_| "Policy statement allows every action (\"*\").".to_string())
            .or_else(|| {
                (!s.not_actions.is_empty())
                    .then(|| "Policy statement allows every action except its NotAction list.".to_string())
            })
    });
}
