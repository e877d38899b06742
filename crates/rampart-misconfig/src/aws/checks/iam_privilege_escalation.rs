//! RMP-AWS-0033: IAM policy allows privilege escalation.

use rampart_model::Severity;

use super::*;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-AWS-0033",
    family: Family::Aws,
    service: "iam",
    severity: Severity::High,
    title: r##"IAM policy allows privilege escalation"##,
    description: r##"A statement allows, on any resource and without conditions, an action that lets the holder grant itself more permissions (iam:CreatePolicyVersion, iam:Attach*Policy, iam:Put*Policy, iam:CreateAccessKey, iam:UpdateAssumeRolePolicy, lambda:UpdateFunctionCode, ...)."##,
    remediation: r##"Remove privilege-escalation actions, or limit them to specific resources with conditions."##,
    references: &["https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html"],
    controls: &[],
    peers: &["CKV_AWS_286", "CKV_AWS_110"],
    bad_example: r##"resource "aws_iam_policy" "p" {
  name = "p"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "iam:AttachUserPolicy"
      Resource = "*"
    }]
  })
}"##,
    good_example: r##"resource "aws_iam_policy" "p" {
  name = "p"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "iam:GetUser"
      Resource = "*"
    }]
  })
}"##,
};

pub fn check(m: &Model, out: &mut Vec<Finding>) {
    const ACTIONS: &[&str] = &[
        "iam:CreatePolicyVersion",
        "iam:SetDefaultPolicyVersion",
        "iam:CreateAccessKey",
        "iam:CreateLoginProfile",
        "iam:UpdateLoginProfile",
        "iam:AttachUserPolicy",
        "iam:AttachGroupPolicy",
        "iam:AttachRolePolicy",
        "iam:PutUserPolicy",
        "iam:PutGroupPolicy",
        "iam:PutRolePolicy",
        "iam:AddUserToGroup",
        "iam:UpdateAssumeRolePolicy",
        "lambda:UpdateFunctionCode",
        "glue:UpdateDevEndpoint",
        "iam:PassRole",
    ];
    unconstrained_actions(&META, m, out, ACTIONS, "privilege escalation");
}
