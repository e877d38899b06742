//! RMP-AWS-0044: IAM password policy allows passwords shorter than 14 characters.

use rampart_model::Severity;

use super::*;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-AWS-0044",
    family: Family::Aws,
    service: "iam",
    severity: Severity::Medium,
    title: r##"IAM password policy allows passwords shorter than 14 characters"##,
    description: r##"Short passwords are easier to guess or brute-force."##,
    remediation: r##"Set minimum_password_length = 14 or more."##,
    references: &[
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_passwords_account-policy.html",
    ],
    controls: &["cis-aws-3.0/1.8"],
    peers: &["AWS-0063", "CKV_AWS_10"],
    bad_example: r##"resource "aws_iam_account_password_policy" "strict" {
  minimum_password_length = 8
}"##,
    good_example: r##"resource "aws_iam_account_password_policy" "strict" {
  minimum_password_length = 14
}"##,
};

pub fn check(m: &Model, out: &mut Vec<Finding>) {
    let attrs = m.password_policies.iter().map(|p| (&p.meta, &p.minimum_length));
    absent_or(&META, out, attrs, |n| *n < 14, "Password policy minimum length is below 14.");
}
