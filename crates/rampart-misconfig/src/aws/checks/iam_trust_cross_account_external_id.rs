//! RMP-AWS-0041: IAM role trusts another account without an external ID.

use rampart_model::Severity;

use super::*;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-AWS-0041",
    family: Family::Aws,
    service: "iam",
    severity: Severity::Medium,
    title: r##"IAM role trusts another account without an external ID"##,
    description: r##"A role trusted by another AWS account should require sts:ExternalId (or an organisation condition) to prevent the confused-deputy problem."##,
    remediation: r##"Add a Condition StringEquals sts:ExternalId (or aws:PrincipalOrgID) to the trust statement."##,
    references: &["https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html"],
    controls: &[],
    peers: &[],
    bad_example: r##"resource "aws_iam_role" "r" {
  name = "r"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { AWS = "arn:aws:iam::210987654321:root" }
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
      Principal = { AWS = "arn:aws:iam::210987654321:root" }
      Condition = { StringEquals = { "sts:ExternalId" = "secret-id" } }
    }]
  })
}"##,
};

pub fn check(m: &Model, out: &mut Vec<Finding>) {
    trust_statements(&META, m, out, |s| {
        if s.principal.everyone {
            return None;
        }
        let account = s.principal.aws.iter().find(|p| {
            p.contains("arn:aws:iam::") || (p.len() == 12 && p.bytes().all(|b| b.is_ascii_digit()))
        })?;
        let guarded =
            ["sts:ExternalId", "aws:PrincipalOrgID", "aws:PrincipalArn", "aws:MultiFactorAuthPresent"]
                .iter()
                .any(|k| s.condition_key(k));
        (!guarded).then(|| format!("Role trusts {account} without an sts:ExternalId condition."))
    });
}
