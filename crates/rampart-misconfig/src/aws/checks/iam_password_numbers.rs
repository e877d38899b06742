//! RMP-AWS-0047: IAM password policy does not require numbers.

use rampart_model::Severity;

use super::*;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-AWS-0047",
    family: Family::Aws,
    service: "iam",
    severity: Severity::Medium,
    title: r##"IAM password policy does not require numbers"##,
    description: r##"Passwords without numbers have a smaller search space."##,
    remediation: r##"Set require_numbers = true."##,
    references: &[
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_passwords_account-policy.html",
    ],
    controls: &[],
    peers: &["AWS-0059", "CKV_AWS_12"],
    bad_example: r##"resource "aws_iam_account_password_policy" "strict" {
  require_numbers = false
}"##,
    good_example: r##"resource "aws_iam_account_password_policy" "strict" {
  require_numbers = true
}"##,
};

pub fn check(m: &Model, out: &mut Vec<Finding>) {
    let attrs = m.password_policies.iter().map(|p| (&p.meta, &p.require_numbers));
    off_or_absent(&META, out, attrs, "Password policy does not require numbers.");
}
