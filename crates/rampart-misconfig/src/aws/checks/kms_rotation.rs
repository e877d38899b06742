//! RMP-AWS-0073: KMS key rotation is disabled.

use rampart_model::Severity;

use super::*;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-AWS-0073",
    family: Family::Aws,
    service: "kms",
    severity: Severity::Medium,
    title: r##"KMS key rotation is disabled"##,
    description: r##"Symmetric customer managed keys should rotate their key material yearly (or more often)."##,
    remediation: r##"Set enable_key_rotation = true (CloudFormation: EnableKeyRotation)."##,
    references: &["https://docs.aws.amazon.com/kms/latest/developerguide/rotate-keys.html"],
    controls: &["cis-aws-3.0/3.6"],
    peers: &["AWS-0065", "CKV_AWS_7"],
    bad_example: r##"resource "aws_kms_key" "this" {
  description = "app"
}"##,
    good_example: r##"resource "aws_kms_key" "this" {
  description         = "app"
  enable_key_rotation = true
}"##,
};

pub fn check(m: &Model, out: &mut Vec<Finding>) {
    let attrs = m.kms_keys.iter().filter(|x| x.symmetric).map(|x| (&x.meta, &x.rotation));
    off_or_absent(&META, out, attrs, "KMS key rotation is disabled.");
}
