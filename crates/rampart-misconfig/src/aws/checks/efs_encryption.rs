//! RMP-AWS-0099: EFS file system is not encrypted.

use rampart_model::Severity;

use super::*;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-AWS-0099",
    family: Family::Aws,
    service: "efs",
    severity: Severity::High,
    title: r##"EFS file system is not encrypted"##,
    description: r##"Files stored in the file system are not encrypted at rest."##,
    remediation: r##"Set encrypted = true (CloudFormation: Encrypted)."##,
    references: &["https://docs.aws.amazon.com/efs/latest/ug/encryption-at-rest.html"],
    controls: &["cis-aws-3.0/2.4.1"],
    peers: &["AWS-0037", "CKV_AWS_42"],
    bad_example: r##"resource "aws_efs_file_system" "this" {
  creation_token = "shared"
}"##,
    good_example: r##"resource "aws_efs_file_system" "this" {
  creation_token = "shared"
  encrypted      = true
}"##,
};

pub fn check(m: &Model, out: &mut Vec<Finding>) {
    let attrs = m.file_systems.iter().map(|x| (&x.meta, &x.encrypted));
    off_or_absent(&META, out, attrs, "File system is not encrypted.");
}
