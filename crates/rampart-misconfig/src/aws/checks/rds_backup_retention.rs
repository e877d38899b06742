//! RMP-AWS-0059: RDS backup retention is too short.

use rampart_model::Severity;

use super::*;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-AWS-0059",
    family: Family::Aws,
    service: "rds",
    severity: Severity::Medium,
    title: r##"RDS backup retention is too short"##,
    description: r##"Automated backups kept for a day or less (the default is 1) leave little time to notice and recover from a problem."##,
    remediation: r##"Set backup_retention_period to 7 days or more."##,
    references: &["https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/CHAP_BestPractices.Security.html"],
    controls: &[],
    peers: &["AWS-0077", "CKV_AWS_133"],
    bad_example: r##"resource "aws_db_instance" "db" {
  engine         = "postgres"
  instance_class = "db.t3.micro"
  backup_retention_period = 1
}"##,
    good_example: r##"resource "aws_db_instance" "db" {
  engine         = "postgres"
  instance_class = "db.t3.micro"
  backup_retention_period = 7
}"##,
};

pub fn check(m: &Model, out: &mut Vec<Finding>) {
    let attrs = m.databases.iter().filter(|x| !x.aurora_instance).map(|x| (&x.meta, &x.backup_retention));
    absent_or(&META, out, attrs, |n| *n < 2, "Database keeps automated backups for less than 2 days.");
}
