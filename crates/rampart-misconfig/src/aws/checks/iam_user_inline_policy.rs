//! RMP-AWS-0043: IAM user has an inline policy.

use rampart_model::Severity;

use super::*;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-AWS-0043",
    family: Family::Aws,
    service: "iam",
    severity: Severity::Low,
    title: r##"IAM user has an inline policy"##,
    description: r##"Inline policies on users scatter permissions across identities and cannot be reused or audited centrally."##,
    remediation: r##"Move the permissions to a managed policy attached to a group."##,
    references: &["https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_managed-vs-inline.html"],
    controls: &["cis-aws-3.0/1.15"],
    peers: &["CKV_AWS_40"],
    bad_example: r##"resource "aws_iam_user_policy" "p" {
  user = "alice"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "s3:ListAllMyBuckets", Resource = "*" }]
  })
}"##,
    good_example: r##"resource "aws_iam_group_policy" "p" {
  group = "readers"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "s3:ListAllMyBuckets", Resource = "*" }]
  })
}"##,
};

pub fn check(m: &Model, out: &mut Vec<Finding>) {
    for p in m.policies.iter().filter(|p| p.owner == PolicyOwner::User) {
        out.push(report(&META, &p.meta, p.meta.span, "IAM user has an inline policy."));
    }
}
