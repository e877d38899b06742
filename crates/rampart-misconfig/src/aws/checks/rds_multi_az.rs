//! RMP-AWS-0064: RDS instance is not Multi-AZ.

use rampart_model::Severity;

use super::*;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-AWS-0064",
    family: Family::Aws,
    service: "rds",
    severity: Severity::Low,
    title: r##"RDS instance is not Multi-AZ"##,
    description: r##"A single-AZ database goes down with its availability zone."##,
    remediation: r##"Set multi_az = true."##,
    references: &["https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/CHAP_BestPractices.Security.html"],
    controls: &[],
    peers: &["CKV_AWS_157"],
    bad_example: r##"resource "aws_db_instance" "db" {
  engine         = "postgres"
  instance_class = "db.t3.micro"
  multi_az = false
}"##,
    good_example: r##"resource "aws_db_instance" "db" {
  engine         = "postgres"
  instance_class = "db.t3.micro"
  multi_az = true
}"##,
};

pub fn check(m: &Model, out: &mut Vec<Finding>) {
    let attrs =
        m.databases.iter().filter(|x| !x.cluster && !x.aurora_instance).map(|x| (&x.meta, &x.multi_az));
    off_or_absent(&META, out, attrs, "Database is not deployed in several availability zones.");
}
