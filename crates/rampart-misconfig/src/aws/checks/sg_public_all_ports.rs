//! RMP-AWS-0021: Security group allows all traffic from the internet.

use rampart_model::Severity;

use super::*;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-AWS-0021",
    family: Family::Aws,
    service: "ec2",
    severity: Severity::Critical,
    title: r##"Security group allows all traffic from the internet"##,
    description: r##"An ingress rule with protocol -1 (all) or ports 0-65535 open to 0.0.0.0/0 or ::/0 exposes every service of the attached resources."##,
    remediation: r##"Open only the ports the service needs, from the address ranges that need them."##,
    references: &["https://docs.aws.amazon.com/vpc/latest/userguide/vpc-security-groups.html"],
    controls: &["cis-aws-3.0/5.2", "cis-aws-3.0/5.3"],
    peers: &["CKV_AWS_277"],
    bad_example: r##"resource "aws_security_group" "web" {
  description = "web"
  ingress {
    description = "in"
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}"##,
    good_example: r##"resource "aws_security_group" "web" {
  description = "web"
  ingress {
    description = "in"
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}"##,
};

pub fn check(m: &Model, out: &mut Vec<Finding>) {
    public_sg_rules(&META, m, out, Direction::Ingress, |r, cidr| {
        r.all_ports().then(|| format!("Security group rule allows all ports and protocols from {cidr}."))
    });
}
