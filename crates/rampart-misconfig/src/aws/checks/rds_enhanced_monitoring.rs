//! RMP-AWS-0065: RDS enhanced monitoring is disabled.

use rampart_model::Severity;

use super::*;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-AWS-0065",
    family: Family::Aws,
    service: "rds",
    severity: Severity::Low,
    title: r##"RDS enhanced monitoring is disabled"##,
    description: r##"Enhanced monitoring gives operating-system metrics of the database host."##,
    remediation: r##"Set monitoring_interval to 1-60 seconds with a monitoring_role_arn."##,
    references: &["https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/CHAP_BestPractices.Security.html"],
    controls: &[],
    peers: &["CKV_AWS_118"],
    bad_example: r##"resource "aws_db_instance" "db" {
  engine         = "postgres"
  instance_class = "db.t3.micro"
  monitoring_interval = 0
}"##,
    good_example: r##"resource "aws_db_instance" "db" {
  engine         = "postgres"
  instance_class = "db.t3.micro"
  monitoring_interval = 30
  monitoring_role_arn = "arn:aws:iam::123456789012:role/rds-monitoring"
}"##,
};

pub fn check(m: &Model, out: &mut Vec<Finding>) {
    let attrs = m.databases.iter().filter(|x| !x.cluster).map(|x| (&x.meta, &x.monitoring_interval));
    absent_or(&META, out, attrs, |n| *n <= 0, "Database has no enhanced monitoring.");
}
