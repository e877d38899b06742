//! RMP-AWS-0039: IAM policy allows full IAM privileges.

use rampart_model::Severity;

use super::*;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-AWS-0039",
    family: Family::Aws,
    service: "iam",
    severity: Severity::High,
    title: r##"IAM policy allows full IAM privileges"##,
    description: r##"A statement allows iam:* (or *) on any resource: the holder can create users and attach any policy."##,
    remediation: r##"Grant the specific IAM actions needed on specific resources."##,
    references: &["https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html"],
    controls: &[],
    peers: &["CKV2_AWS_40"],
    bad_example: r##"resource "aws_iam_policy" "p" {
  name = "p"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "iam:*"
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
      Action   = ["iam:GetRole", "iam:ListRoles"]
      Resource = "*"
    }]
  })
}"##,
};

pub fn check(m: &Model, out: &mut Vec<Finding>) {
    allow_statements(&META, m, out, |s| {
        (s.has_action(|a| a == "*" || a.eq_ignore_ascii_case("iam:*")).is_some() && s.any_resource())
            .then(|| "Policy allows every IAM action on any resource.".to_string())
    });
}
