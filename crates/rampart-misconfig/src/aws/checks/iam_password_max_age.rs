//! RMP-AWS-0050: IAM password policy lets passwords live longer than 90 days.

use rampart_model::Severity;

use super::*;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-AWS-0050",
    family: Family::Aws,
    service: "iam",
    severity: Severity::Medium,
    title: r##"IAM password policy lets passwords live longer than 90 days"##,
    description: r##"Passwords that never expire stay valid after they leak."##,
    remediation: r##"Set max_password_age = 90 or less."##,
    references: &[
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_passwords_account-policy.html",
    ],
    controls: &[],
    peers: &["AWS-0062", "CKV_AWS_9"],
    bad_example: r##"resource "aws_iam_account_password_policy" "strict" {
  max_password_age = 365
}"##,
    good_example: r##"resource "aws_iam_account_password_policy" "strict" {
  max_password_age = 90
}"##,
};

pub fn check(m: &Model, out: &mut Vec<Finding>) {
    let attrs = m.password_policies.iter().map(|p| (&p.meta, &p.max_age));
    absent_or(
        &META,
        out,
        attrs,
        |n| *n <= 0 || *n > 90,
        "Password policy lets passwords live longer than 90 days.",
    );
}
