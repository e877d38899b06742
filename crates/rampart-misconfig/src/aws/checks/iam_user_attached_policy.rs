//! RMP-AWS-0042: IAM policy is attached directly to a user.

use rampart_model::Severity;

use super::*;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-AWS-0042",
    family: Family::Aws,
    service: "iam",
    severity: Severity::Low,
    title: r##"IAM policy is attached directly to a user"##,
    description: r##"Permissions should be granted to groups or roles, not to individual users, so they are managed in one place."##,
    remediation: r##"Attach the policy to a group and add the user to the group."##,
    references: &[
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#use-groups-for-permissions",
    ],
    controls: &["cis-aws-3.0/1.15"],
    peers: &["CKV_AWS_40"],
    bad_example: r##"resource "aws_iam_user_policy_attachment" "a" {
  user       = "alice"
  policy_arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"
}"##,
    good_example: r##"resource "aws_iam_group_policy_attachment" "a" {
  group      = "readers"
  policy_arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"
}"##,
};

pub fn check(m: &Model, out: &mut Vec<Finding>) {
    for a in &m.user_attachments {
        out.push(report(&META, a, a.span, "Managed policy is attached directly to an IAM user."));
    }
}
