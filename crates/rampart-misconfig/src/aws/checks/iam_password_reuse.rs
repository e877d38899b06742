//! RMP-AWS-0045: IAM password policy allows password reuse.

use rampart_model::Severity;

use super::*;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-AWS-0045",
    family: Family::Aws,
    service: "iam",
    severity: Severity::Medium,
    title: r##"IAM password policy allows password reuse"##,
    description: r##"Users can go back to one of their last 24 passwords."##,
    remediation: r##"Set password_reuse_prevention = 24."##,
    references: &[
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_passwords_account-policy.html",
    ],
    controls: &["cis-aws-3.0/1.9"],
    peers: &["AWS-0056", "CKV_AWS_13"],
    bad_example: r##"resource "aws_iam_account_password_policy" "strict" {
  password_reuse_prevention = 1
}"##,
    good_example: r##"resource "aws_iam_account_password_policy" "strict" {
  password_reuse_prevention = 24
}"##,
};

pub fn check(m: &Model, out: &mut Vec<Finding>) {
    let attrs = m.password_policies.iter().map(|p| (&p.meta, &p.reuse_prevention));
    absent_or(&META, out, attrs, |n| *n < 24, "Password policy remembers fewer than 24 passwords.");
}
