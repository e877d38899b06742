//! RMP-AWS-0092: Secrets Manager secret is not encrypted with a customer managed key.

use rampart_model::Severity;

use super::*;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-AWS-0092",
    family: Family::Aws,
    service: "secretsmanager",
    severity: Severity::Low,
    title: r##"Secrets Manager secret is not encrypted with a customer managed key"##,
    description: r##"Secrets are encrypted with the aws/secretsmanager key unless kms_key_id names a customer managed key, which allows key policies and cross-account control."##,
    remediation: r##"Set kms_key_id (CloudFormation: KmsKeyId)."##,
    references: &["https://docs.aws.amazon.com/secretsmanager/latest/userguide/security-encryption.html"],
    controls: &[],
    peers: &["AWS-0098", "CKV_AWS_149"],
    bad_example: r##"resource "aws_secretsmanager_secret" "db" {
  name = "db"
}
"##,
    good_example: r##"resource "aws_secretsmanager_secret" "db" {
  name = "db"
  kms_key_id = "arn:aws:kms:us-east-1:123456789012:key/abc"
}
"##,
};

pub fn check(m: &Model, out: &mut Vec<Finding>) {
    empty_or_absent(
        &META,
        out,
        m.secrets.iter().map(|x| (&x.meta, &x.kms_key)),
        "Secret is not encrypted with a customer managed KMS key.",
    );
}
