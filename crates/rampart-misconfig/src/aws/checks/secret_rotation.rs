//! RMP-AWS-0091: Secrets Manager secret is not rotated.

use rampart_model::Severity;

use super::*;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-AWS-0091",
    family: Family::Aws,
    service: "secretsmanager",
    severity: Severity::Medium,
    title: r##"Secrets Manager secret is not rotated"##,
    description: r##"Secrets that never rotate stay valid forever after a leak."##,
    remediation: r##"Add an aws_secretsmanager_secret_rotation (CloudFormation: AWS::SecretsManager::RotationSchedule) for the secret."##,
    references: &["https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotating-secrets.html"],
    controls: &[],
    peers: &["CKV2_AWS_57"],
    bad_example: r##"resource "aws_secretsmanager_secret" "db" {
  name = "db"
}
"##,
    good_example: r##"resource "aws_secretsmanager_secret" "db" {
  name = "db"
}

resource "aws_secretsmanager_secret_rotation" "db" {
  secret_id           = aws_secretsmanager_secret.db.id
  rotation_lambda_arn = "arn:aws:lambda:us-east-1:123456789012:function:rotate"
  rotation_rules {
    automatically_after_days = 30
  }
}
"##,
};

pub fn check(m: &Model, out: &mut Vec<Finding>) {
    lacking(&META, out, m.secrets.iter().map(|x| (&x.meta, x.rotation)), "Secret has no rotation.");
}
