//! RMP-AWS-0048: IAM password policy does not require uppercase letters.

use rampart_model::Severity;

use super::*;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-AWS-0048",
    family: Family::Aws,
    service: "iam",
    severity: Severity::Medium,
    title: r##"IAM password policy does not require uppercase letters"##,
    description: r##"Passwords without uppercase letters have a smaller search space."##,
    remediation: r##"Set require_uppercase_characters = true."##,
    references: &[
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_passwords_account-policy.html",
    ],
    controls: &[],
    peers: &["AWS-0061", "CKV_AWS_15"],
    bad_example: r##"resource "aws_iam_account_password_policy" "strict" {
  require_uppercase_characters = false
}"##,
    good_example: r##"resource "aws_iam_account_password_policy" "strict" {
  require_uppercase_characters = true
}"##,
};

pub fn check(m: &Model, out: &mut Vec<Finding>) {
    let attrs = m.password_policies.iter().map(|p| (&p.meta, &p.require_uppercase));
    off_or_absent(&META, out, attrs, "Password policy does not require uppercase letters.");
}
