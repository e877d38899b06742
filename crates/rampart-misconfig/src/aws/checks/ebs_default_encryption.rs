//! RMP-AWS-0052: EBS encryption by default is disabled.

use rampart_model::Severity;

use super::*;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-AWS-0052",
    family: Family::Aws,
    service: "ec2",
    severity: Severity::Medium,
    title: r##"EBS encryption by default is disabled"##,
    description: r##"With EBS encryption by default on, every new volume and snapshot copy in the region is encrypted."##,
    remediation: r##"Set enabled = true on aws_ebs_encryption_by_default."##,
    references: &["https://docs.aws.amazon.com/ebs/latest/userguide/encryption-by-default.html"],
    controls: &["cis-aws-3.0/2.2.1"],
    peers: &["CKV_AWS_106"],
    bad_example: r##"resource "aws_ebs_encryption_by_default" "this" {
  enabled = false
}"##,
    good_example: r##"resource "aws_ebs_encryption_by_default" "this" {
  enabled = true
}"##,
};

pub fn check(m: &Model, out: &mut Vec<Finding>) {
    for x in &m.ebs_defaults {
        let a = &x.enabled;
        if a.is_false() {
            out.push(report(&META, &x.meta, a.span, "EBS encryption by default is disabled."));
        }
    }
}
