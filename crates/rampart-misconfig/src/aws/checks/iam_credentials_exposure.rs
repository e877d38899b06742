//! RMP-AWS-0034: IAM policy allows credentials exposure.

use rampart_model::Severity;

use super::*;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-AWS-0034",
    family: Family::Aws,
    service: "iam",
    severity: Severity::High,
    title: r##"IAM policy allows credentials exposure"##,
    description: r##"A statement allows, on any resource and without conditions, actions that return credentials or secrets (iam:CreateAccessKey, ec2:GetPasswordData, sts:GetFederationToken, redshift:GetClusterCredentials, ...)."##,
    remediation: r##"Grant credential-returning actions only on specific resources, with conditions."##,
    references: &["https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html"],
    controls: &[],
    peers: &["CKV_AWS_287", "CKV_AWS_107"],
    bad_example: r##"resource "aws_iam_policy" "p" {
  name = "p"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "ec2:GetPasswordData"
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
      Action   = "ec2:DescribeInstances"
      Resource = "*"
    }]
  })
}"##,
};

pub fn check(m: &Model, out: &mut Vec<Finding>) {
    const ACTIONS: &[&str] = &[
        "iam:CreateAccessKey",
        "iam:UpdateAccessKey",
        "iam:CreateServiceSpecificCredential",
        "iam:ResetServiceSpecificCredential",
        "ec2:GetPasswordData",
        "ecr:GetAuthorizationToken",
        "redshift:GetClusterCredentials",
        "rds-db:Connect",
        "sso:GetRoleCredentials",
        "sts:GetFederationToken",
        "sts:GetSessionToken",
        "sts:AssumeRole",
        "cognito-identity:GetCredentialsForIdentity",
        "lightsail:GetInstanceAccessDetails",
    ];
    unconstrained_actions(&META, m, out, ACTIONS, "credentials exposure");
}
