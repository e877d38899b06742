//! RMP-AWS-0022: Security group allows a database port from the internet.

use rampart_model::Severity;

use super::*;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-AWS-0022",
    family: Family::Aws,
    service: "ec2",
    severity: Severity::High,
    title: r##"Security group allows a database port from the internet"##,
    description: r##"An ingress rule opens a database or cache port (MySQL 3306, PostgreSQL 5432, SQL Server 1433, Oracle 1521, MongoDB 27017, Redis 6379, Memcached 11211, Elasticsearch 9200, Cassandra 9042) to 0.0.0.0/0 or ::/0."##,
    remediation: r##"Allow database ports only from the application's security group or private address ranges."##,
    references: &["https://docs.aws.amazon.com/vpc/latest/userguide/vpc-security-groups.html"],
    controls: &["cis-aws-3.0/5.2", "cis-aws-3.0/5.3"],
    peers: &[],
    bad_example: r##"resource "aws_security_group" "web" {
  description = "web"
  ingress {
    description = "in"
    from_port   = 5432
    to_port     = 5432
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}"##,
    good_example: r##"resource "aws_security_group" "web" {
  description = "web"
  ingress {
    description = "in"
    from_port   = 5432
    to_port     = 5432
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/16"]
  }
}"##,
};

pub fn check(m: &Model, out: &mut Vec<Finding>) {
    const PORTS: &[i64] = &[3306, 5432, 1433, 1521, 27017, 6379, 11211, 9200, 9042];
    public_sg_rules(&META, m, out, Direction::Ingress, |r, cidr| {
        if r.all_ports() {
            return None;
        }
        let port = PORTS.iter().find(|p| r.covers(**p))?;
        Some(format!("Security group rule allows database port {port} from {cidr}."))
    });
}
