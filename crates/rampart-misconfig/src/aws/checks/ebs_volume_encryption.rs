//! RMP-AWS-0051: EBS volume is not encrypted.

use rampart_model::Severity;

use super::*;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-AWS-0051",
    family: Family::Aws,
    service: "ec2",
    severity: Severity::High,
    title: r##"EBS volume is not encrypted"##,
    description: r##"Unencrypted EBS volumes and their snapshots expose data to anyone who can copy or share them."##,
    remediation: r##"Set encrypted = true (CloudFormation: Encrypted), preferably with a customer managed kms_key_id."##,
    references: &["https://docs.aws.amazon.com/ebs/latest/userguide/ebs-encryption.html"],
    controls: &["cis-aws-3.0/2.2.1"],
    peers: &["AWS-0026", "CKV_AWS_3"],
    bad_example: r##"resource "aws_ebs_volume" "this" {
  availability_zone = "us-east-1a"
  size              = 40
}"##,
    good_example: r##"resource "aws_ebs_volume" "this" {
  availability_zone = "us-east-1a"
  size              = 40
  encrypted         = true
}"##,
};

pub fn check(m: &Model, out: &mut Vec<Finding>) {
    let attrs = m.volumes.iter().map(|x| (&x.meta, &x.encrypted));
    off_or_absent(&META, out, attrs, "EBS volume is not encrypted.");
}
