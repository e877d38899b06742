//! RMP-AWS-0023: Security group allows ingress from the internet.

use rampart_model::Severity;

use super::*;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-AWS-0023",
    family: Family::Aws,
    service: "ec2",
    severity: Severity::Medium,
    title: r##"Security group allows ingress from the internet"##,
    description: r##"An ingress rule accepts traffic from 0.0.0.0/0 or ::/0 on ports other than HTTP/HTTPS. Public exposure should be deliberate and limited to web ports behind a load balancer."##,
    remediation: r##"Restrict the source CIDR, or expose the service through a load balancer on ports 80/443."##,
    references: &["https://docs.aws.amazon.com/vpc/latest/userguide/vpc-security-groups.html"],
    controls: &[],
    peers: &[],
    bad_example: r##"resource "aws_security_group" "web" {
  description = "web"
  ingress {
    description = "in"
    from_port   = 8080
    to_port     = 8080
    protocol    = "tcp"
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
    // Admin, database and all-port openings have their own checks.
    const OWN: &[i64] = &[22, 3389, 3306, 5432, 1433, 1521, 27017, 6379, 11211, 9200, 9042];
    public_sg_rules(&META, m, out, Direction::Ingress, |r, cidr| {
        if r.all_ports() || OWN.iter().any(|p| r.covers(*p)) {
            return None;
        }
        let web_only = matches!((r.from_port.get(), r.to_port.get()), (Some(f), Some(t)) if (*f == 80 || *f == 443) && f == t);
        let icmp = r.protocol.is("icmp") || r.protocol.is("icmpv6");
        (!web_only && !icmp && r.protocol.state == State::Known)
            .then(|| format!("Security group rule allows ingress from {cidr}."))
    });
}
