//! RMP-AWS-0024: Security group allows egress to the internet on all ports.

use rampart_model::Severity;

use super::*;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-AWS-0024",
    family: Family::Aws,
    service: "ec2",
    severity: Severity::Low,
    title: r##"Security group allows egress to the internet on all ports"##,
    description: r##"An egress rule to 0.0.0.0/0 or ::/0 on all protocols lets a compromised workload send data anywhere."##,
    remediation: r##"Restrict egress to the destinations and ports the workload needs."##,
    references: &["https://docs.aws.amazon.com/vpc/latest/userguide/vpc-security-groups.html"],
    controls: &[],
    peers: &["AWS-0104", "CKV_AWS_382"],
    bad_example: r##"resource "aws_security_group" "web" {
  description = "web"
  egress {
    description = "out"
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}"##,
    good_example: r##"resource "aws_security_group" "web" {
  description = "web"
  egress {
    description = "out"
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/8"]
  }
}"##,
};

pub fn check(m: &Model, out: &mut Vec<Finding>) {
    public_sg_rules(&META, m, out, Direction::Egress, |r, cidr| {
        r.all_ports().then(|| format!("Security group rule allows all egress to {cidr}."))
    });
}
