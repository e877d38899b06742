//! RMP-AWS-0032: IAM policy allows iam:PassRole on any role.

use rampart_model::Severity;

use super::*;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-AWS-0032",
    family: Family::Aws,
    service: "iam",
    severity: Severity::High,
    title: r##"IAM policy allows iam:PassRole on any role"##,
    description: r##"iam:PassRole on Resource "*" lets the holder give any role (including administrator roles) to a service it controls, escalating its privileges."##,
    remediation: r##"Limit iam:PassRole to the ARNs of the roles the service needs, with an iam:PassedToService condition."##,
    references: &["https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html"],
    controls: &[],
    peers: &["CKV_AWS_286", "CKV_AWS_110"],
    bad_example: r##"resource "aws_iam_policy" "p" {
  name = "p"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "iam:PassRole"
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
      Action   = "iam:PassRole"
      Resource = "arn:aws:iam::123456789012:role/app"
    }]
  })
}"##,
};

pub fn check(m: &Model, out: &mut Vec<Finding>) {
    allow_statements(&META, m, out, |s| {
        (s.allows("iam:PassRole") && s.any_resource())
            .then(|| "Policy allows iam:PassRole on any role.".to_string())
    });
}
