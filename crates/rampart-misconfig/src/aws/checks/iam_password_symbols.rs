//! RMP-AWS-0046: IAM password policy does not require symbols.

use rampart_model::Severity;

use super::*;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-AWS-0046",
    family: Family::Aws,
    service: "iam",
    severity: Severity::Medium,
    title: r##"IAM password policy does not require symbols"##,
    description: r##"Passwords without symbols have a smaller search space."##,
    remediation: r##"Set require_symbols = true."##,
    references: &[
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_passwords_account-policy.html",
    ],
    controls: &[],
    peers: &["AWS-0060", "CKV_AWS_14"],
    bad_example: r##"resource "aws_iam_account_password_policy" "strict" {
  require_symbols = false
}"##,
    good_example: r##"resource "aws_iam_account_password_policy" "strict" {
  require_symbols = true
}"##,
};

pub fn check(m: &Model, out: &mut Vec<Finding>) {
    let attrs = m.password_policies.iter().map(|p| (&p.meta, &p.require_symbols));
    off_or_absent(&META, out, attrs, "Password policy does not require symbols.");
}
