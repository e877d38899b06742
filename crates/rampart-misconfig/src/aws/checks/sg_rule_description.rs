//! RMP-AWS-0025: Security group rule has no description.

use rampart_model::Severity;

use super::*;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-AWS-0025",
    family: Family::Aws,
    service: "ec2",
    severity: Severity::Low,
    title: r##"Security group rule has no description"##,
    description: r##"Rule descriptions say why a port is open; without them reviews and clean-ups are guesswork."##,
    remediation: r##"Add a description to every ingress and egress rule."##,
    references: &["https://docs.aws.amazon.com/vpc/latest/userguide/vpc-security-groups.html"],
    controls: &[],
    peers: &["AWS-0124", "CKV_AWS_23"],
    bad_example: r##"resource "aws_security_group" "web" {
  description = "web"
  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/8"]
  }
}"##,
    good_example: r##"resource "aws_security_group" "web" {
  description = "web"
  ingress {
    description = "HTTPS from the VPC"
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/8"]
  }
}"##,
};

pub fn check(m: &Model, out: &mut Vec<Finding>) {
    for r in &m.sg_rules {
        if r.description.is_empty_or_absent() {
            out.push(report(&META, &r.meta, r.span, "Security group rule has no description."));
        }
    }
}
