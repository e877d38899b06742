//! RMP-AWS-0056: EC2 instance block device is not encrypted.

use rampart_model::Severity;

use super::*;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-AWS-0056",
    family: Family::Aws,
    service: "ec2",
    severity: Severity::High,
    title: r##"EC2 instance block device is not encrypted"##,
    description: r##"Root or data block devices of an instance, launch template or launch configuration are not encrypted."##,
    remediation: r##"Set encrypted = true on root_block_device / ebs_block_device (CloudFormation: BlockDeviceMappings Ebs Encrypted), or turn on EBS encryption by default."##,
    references: &["https://docs.aws.amazon.com/ebs/latest/userguide/ebs-encryption.html"],
    controls: &["cis-aws-3.0/2.2.1"],
    peers: &["AWS-0131", "AWS-0008", "CKV_AWS_8"],
    bad_example: r##"resource "aws_instance" "web" {
  ami           = "ami-123"
  instance_type = "t3.micro"
  root_block_device {
    encrypted = false
  }
}"##,
    good_example: r##"resource "aws_instance" "web" {
  ami           = "ami-123"
  instance_type = "t3.micro"
  root_block_device {
    encrypted = true
  }
}"##,
};

pub fn check(m: &Model, out: &mut Vec<Finding>) {
    for i in &m.instances {
        if let Some(d) = i.block_devices.iter().find(|d| d.off_or_absent()) {
            out.push(report(&META, &i.meta, d.span, "Block device is not encrypted."));
        }
    }
}
