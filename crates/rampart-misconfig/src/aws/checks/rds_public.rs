//! RMP-AWS-0058: RDS instance is publicly accessible.

use rampart_model::Severity;

use super::*;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-AWS-0058",
    family: Family::Aws,
    service: "rds",
    severity: Severity::Critical,
    title: r##"RDS instance is publicly accessible"##,
    description: r##"A publicly accessible database gets a public DNS name and IP address reachable from the internet."##,
    remediation: r##"Set publicly_accessible = false and connect from inside the VPC."##,
    references: &["https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/CHAP_BestPractices.Security.html"],
    controls: &["cis-aws-3.0/2.3.3"],
    peers: &["AWS-0180", "CKV_AWS_17"],
    bad_example: r##"resource "aws_db_instance" "db" {
  engine         = "postgres"
  instance_class = "db.t3.micro"
  publicly_accessible = true
}"##,
    good_example: r##"resource "aws_db_instance" "db" {
  engine         = "postgres"
  instance_class = "db.t3.micro"
  publicly_accessible = false
}"##,
};

pub fn check(m: &Model, out: &mut Vec<Finding>) {
    let attrs = m.databases.iter().map(|x| (&x.meta, &x.publicly_accessible));
    turned_on(&META, out, attrs, "Database is publicly accessible.");
}
