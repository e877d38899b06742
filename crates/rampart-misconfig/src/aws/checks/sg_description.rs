//! RMP-AWS-0026: Security group has no description.

use rampart_model::Severity;

use super::*;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-AWS-0026",
    family: Family::Aws,
    service: "ec2",
    severity: Severity::Low,
    title: r##"Security group has no description"##,
    description: r##"A security group's description says what it is for."##,
    remediation: r##"Set description (CloudFormation: GroupDescription)."##,
    references: &["https://docs.aws.amazon.com/vpc/latest/userguide/vpc-security-groups.html"],
    controls: &[],
    peers: &["AWS-0099", "CKV_AWS_23"],
    bad_example: r##"resource "aws_security_group" "web" {
  name = "web"
}"##,
    good_example: r##"resource "aws_security_group" "web" {
  name        = "web"
  description = "Web servers"
}"##,
};

pub fn check(m: &Model, out: &mut Vec<Finding>) {
    for g in m.security_groups.iter().filter(|g| !g.default) {
        if g.description.is_empty_or_absent() || g.description.is("Managed by Terraform") {
            out.push(report(&META, &g.meta, g.description.span, "Security group has no description."));
        }
    }
}
