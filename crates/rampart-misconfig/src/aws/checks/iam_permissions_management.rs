//! RMP-AWS-0036: IAM policy allows permissions management without constraints.

use rampart_model::Severity;

use super::*;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-AWS-0036",
    family: Family::Aws,
    service: "iam",
    severity: Severity::High,
    title: r##"IAM policy allows permissions management without constraints"##,
    description: r##"A statement allows, on any resource and without conditions, actions that change who can access what (IAM policy attachment, bucket policies and ACLs, KMS grants, resource policies)."##,
    remediation: r##"Limit permissions-management actions to specific resources and add conditions."##,
    references: &["https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html"],
    controls: &[],
    peers: &["CKV_AWS_289", "CKV_AWS_109"],
    bad_example: r##"resource "aws_iam_policy" "p" {
  name = "p"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "s3:PutBucketPolicy"
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
      Action   = "s3:PutBucketPolicy"
      Resource = "arn:aws:s3:::data"
    }]
  })
}"##,
};

pub fn check(m: &Model, out: &mut Vec<Finding>) {
    const ACTIONS: &[&str] = &[
        "iam:AttachRolePolicy",
        "iam:AttachUserPolicy",
        "iam:AttachGroupPolicy",
        "iam:PutRolePolicy",
        "iam:PutUserPolicy",
        "iam:PutGroupPolicy",
        "iam:CreatePolicy",
        "iam:CreatePolicyVersion",
        "iam:DeletePolicy",
        "iam:UpdateAssumeRolePolicy",
        "s3:PutBucketPolicy",
        "s3:PutBucketAcl",
        "s3:PutObjectAcl",
        "s3:DeleteBucketPolicy",
        "kms:CreateGrant",
        "kms:PutKeyPolicy",
        "lambda:AddPermission",
        "sns:AddPermission",
        "sqs:AddPermission",
        "ecr:SetRepositoryPolicy",
        "secretsmanager:PutResourcePolicy",
    ];
    unconstrained_actions(&META, m, out, ACTIONS, "permissions management");
}
