//! RMP-AWS-0040: IAM role can be assumed by any principal.

use rampart_model::Severity;

use super::*;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-AWS-0040",
    family: Family::Aws,
    service: "iam",
    severity: Severity::Critical,
    title: r##"IAM role can be assumed by any principal"##,
    description: r##"The role's trust policy allows Principal "*" (or AWS "*") without conditions: any AWS account can assume the role."##,
    remediation: r##"Name the accounts, roles or services that may assume the role in its trust policy."##,
    references: &["https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_terms-and-concepts.html"],
    controls: &[],
    peers: &["CKV_AWS_60"],
    bad_example: r##"resource "aws_iam_role" "r" {
  name = "r"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { AWS = "*" }
    }]
  })
}"##,
    good_example: r##"resource "aws_iam_role" "r" {
  name = "r"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "ec2.amazonaws.com" }
    }]
  })
}"##,
};

pub fn check(m: &Model, out: &mut Vec<Finding>) {
    trust_statements(&META, m, out, |s| {
        (s.principal.everyone && s.conditions.is_empty())
            .then(|| "Role trust policy allows any principal to assume the role.".to_string())
    });
}
