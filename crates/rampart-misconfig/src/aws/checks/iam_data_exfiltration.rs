//! RMP-AWS-0035: IAM policy allows data exfiltration.

use rampart_model::Severity;

use super::*;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-AWS-0035",
    family: Family::Aws,
    service: "iam",
    severity: Severity::Medium,
    title: r##"IAM policy allows data exfiltration"##,
    description: r##"A statement allows, on any resource and without conditions, actions that read data or secrets anywhere in the account (s3:GetObject, ssm:GetParameter*, secretsmanager:GetSecretValue, kms:Decrypt)."##,
    remediation: r##"Limit data-reading actions to the buckets, parameters and secrets the workload owns."##,
    references: &["https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html"],
    controls: &[],
    peers: &["CKV_AWS_288", "CKV_AWS_108"],
    bad_example: r##"resource "aws_iam_policy" "p" {
  name = "p"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "secretsmanager:GetSecretValue"
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
      Action   = "secretsmanager:GetSecretValue"
      Resource = "arn:aws:secretsmanager:us-east-1:123456789012:secret:app-*"
    }]
  })
}"##,
};

pub fn check(m: &Model, out: &mut Vec<Finding>) {
    const ACTIONS: &[&str] = &[
        "s3:GetObject",
        "ssm:GetParameter",
        "ssm:GetParameters",
        "ssm:GetParametersByPath",
        "secretsmanager:GetSecretValue",
        "kms:Decrypt",
    ];
    unconstrained_actions(&META, m, out, ACTIONS, "data exfiltration");
}
