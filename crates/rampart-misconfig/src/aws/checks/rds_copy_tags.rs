//! RMP-AWS-0067: RDS snapshots do not copy tags.

use rampart_model::Severity;

use super::*;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-AWS-0067",
    family: Family::Aws,
    service: "rds",
    severity: Severity::Low,
    title: r##"RDS snapshots do not copy tags"##,
    description: r##"Tags (owner, data classification) should follow data into snapshots."##,
    remediation: r##"Set copy_tags_to_snapshot = true."##,
    references: &["https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/CHAP_BestPractices.Security.html"],
    controls: &[],
    peers: &["CKV2_AWS_60", "CKV_AWS_313"],
    bad_example: r##"resource "aws_db_instance" "db" {
  engine         = "postgres"
  instance_class = "db.t3.micro"
  copy_tags_to_snapshot = false
}"##,
    good_example: r##"resource "aws_db_instance" "db" {
  engine         = "postgres"
  instance_class = "db.t3.micro"
  copy_tags_to_snapshot = true
}"##,
};

pub fn check(m: &Model, out: &mut Vec<Finding>) {
    let attrs = m.databases.iter().filter(|x| !x.aurora_instance).map(|x| (&x.meta, &x.copy_tags));
    off_or_absent(&META, out, attrs, "Database snapshots do not copy tags.");
}
