//! RMP-AWS-0027: Default security group allows traffic.

use rampart_model::Severity;

use super::*;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-AWS-0027",
    family: Family::Aws,
    service: "ec2",
    severity: Severity::Medium,
    title: r##"Default security group allows traffic"##,
    description: r##"The VPC's default security group is used by every resource launched without one; it should have no rules so such resources get no access."##,
    remediation: r##"Declare aws_default_security_group without ingress or egress blocks."##,
    references: &["https://docs.aws.amazon.com/vpc/latest/userguide/vpc-security-groups.html"],
    controls: &["cis-aws-3.0/5.4"],
    peers: &["CKV2_AWS_12", "AWS-0173"],
    bad_example: r##"resource "aws_default_security_group" "default" {
  vpc_id = "vpc-123"
  ingress {
    protocol  = "-1"
    self      = true
    from_port = 0
    to_port   = 0
  }
}"##,
    good_example: r##"resource "aws_default_security_group" "default" {
  vpc_id = "vpc-123"
}"##,
};

pub fn check(m: &Model, out: &mut Vec<Finding>) {
    for g in m.security_groups.iter().filter(|g| g.default) {
        if let Some(span) = g.rule_spans.first() {
            out.push(report(&META, &g.meta, *span, "Default security group has rules."));
        }
    }
}
