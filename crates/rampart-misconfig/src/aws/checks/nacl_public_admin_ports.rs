//! RMP-AWS-0028: Network ACL allows admin ports from the internet.

use rampart_model::Severity;

use super::*;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-AWS-0028",
    family: Family::Aws,
    service: "ec2",
    severity: Severity::High,
    title: r##"Network ACL allows admin ports from the internet"##,
    description: r##"A network ACL entry allows ingress from 0.0.0.0/0 or ::/0 to SSH (22) or RDP (3389), or to all ports."##,
    remediation: r##"Allow remote administration ports only from known address ranges in network ACLs."##,
    references: &["https://docs.aws.amazon.com/vpc/latest/userguide/vpc-network-acls.html"],
    controls: &["cis-aws-3.0/5.1"],
    peers: &["AWS-0105", "CKV_AWS_231", "CKV_AWS_232"],
    bad_example: r##"resource "aws_network_acl_rule" "ssh" {
  network_acl_id = "acl-123"
  rule_number    = 100
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
  from_port      = 22
  to_port        = 22
}"##,
    good_example: r##"resource "aws_network_acl_rule" "ssh" {
  network_acl_id = "acl-123"
  rule_number    = 100
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.0.0/8"
  from_port      = 22
  to_port        = 22
}"##,
};

pub fn check(m: &Model, out: &mut Vec<Finding>) {
    for r in m.nacl_rules.iter().filter(|r| !r.egress && r.allow) {
        if !r.cidr.get().is_some_and(|c| is_public_cidr(c)) {
            continue;
        }
        let all = r.protocol.is("-1");
        let port = [22, 3389]
            .into_iter()
            .find(|p| matches!((r.from_port.get(), r.to_port.get()), (Some(f), Some(t)) if f <= p && p <= t));
        if all || port.is_some() {
            let what = port.map_or("all ports".to_string(), |p| format!("port {p}"));
            out.push(report(
                &META,
                &r.meta,
                r.cidr.span,
                format!("Network ACL rule allows {what} from the internet."),
            ));
        }
    }
}
