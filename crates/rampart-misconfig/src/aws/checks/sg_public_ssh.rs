//! RMP-AWS-0019: Security group allows SSH from the internet.

use rampart_model::Severity;

use super::*;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-AWS-0019",
    family: Family::Aws,
    service: "ec2",
    severity: Severity::Critical,
    title: r##"Security group allows SSH from the internet"##,
    description: r##"An ingress rule opens SSH (port 22) to 0.0.0.0/0 or ::/0: the service is reachable from the whole internet and exposed to brute force and exploits."##,
    remediation: r##"Allow port 22 only from known address ranges (a VPN, a bastion's security group), or use SSM Session Manager."##,
    references: &["https://docs.aws.amazon.com/vpc/latest/userguide/vpc-security-groups.html"],
    controls: &["cis-aws-3.0/5.2", "cis-aws-3.0/5.3"],
    peers: &["AWS-0107", "CKV_AWS_24"],
    bad_example: r##"resource "aws_security_group" "web" {
  description = "web"
  ingress {
    description = "in"
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}"##,
    good_example: r##"resource "aws_security_group" "web" {
  description = "web"
  ingress {
    description = "in"
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/8"]
  }
}"##,
};

pub fn check(m: &Model, out: &mut Vec<Finding>) {
    public_port(&META, m, out, 22, "SSH");
}
