//! RMP-AWS-0020: Security group allows RDP from the internet.

use rampart_model::Severity;

use super::*;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-AWS-0020",
    family: Family::Aws,
    service: "ec2",
    severity: Severity::Critical,
    title: r##"Security group allows RDP from the internet"##,
    description: r##"An ingress rule opens RDP (port 3389) to 0.0.0.0/0 or ::/0: the service is reachable from the whole internet and exposed to brute force and exploits."##,
    remediation: r##"Allow port 3389 only from known address ranges (a VPN, a bastion's security group), or use SSM Session Manager."##,
    references: &["https://docs.aws.amazon.com/vpc/latest/userguide/vpc-security-groups.html"],
    controls: &["cis-aws-3.0/5.2", "cis-aws-3.0/5.3"],
    peers: &["AWS-0107", "CKV_AWS_25"],
    bad_example: r##"resource "aws_security_group" "web" {
  description = "web"
  ingress {
    description = "in"
    from_port   = 3389
    to_port     = 3389
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}"##,
    good_example: r##"resource "aws_security_group" "web" {
  description = "web"
  ingress {
    description = "in"
    from_port   = 3389
    to_port     = 3389
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/8"]
  }
}"##,
};

pub fn check(m: &Model, out: &mut Vec<Finding>) {
    public_port(&META, m, out, 3389, "RDP");
}
