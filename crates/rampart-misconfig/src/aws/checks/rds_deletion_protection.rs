//! RMP-AWS-0060: RDS deletion protection is disabled.

use rampart_model::Severity;

use super::*;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-AWS-0060",
    family: Family::Aws,
    service: "rds",
    severity: Severity::Medium,
    title: r##"RDS deletion protection is disabled"##,
    description: r##"Without deletion protection the database can be deleted by one API call or an unintended plan."##,
    remediation: r##"Set deletion_protection = true."##,
    references: &["https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/CHAP_BestPractices.Security.html"],
    controls: &[],
    peers: &["AWS-0177", "CKV_AWS_293", "CKV_AWS_139"],
    bad_example: r##"resource "aws_db_instance" "db" {
  engine         = "postgres"
  instance_class = "db.t3.micro"
  deletion_protection = false
}"##,
    good_example: r##"resource "aws_db_instance" "db" {
  engine         = "postgres"
  instance_class = "db.t3.micro"
  deletion_protection = true
}"##,
};

pub fn check(m: &Model, out: &mut Vec<Finding>) {
    let attrs = m.databases.iter().filter(|x| !x.aurora_instance).map(|x| (&x.meta, &x.deletion_protection));
    off_or_absent(&META, out, attrs, "Database has no deletion protection.");
}
