//! RMP-AWS-0057: RDS storage is not encrypted.

use rampart_model::Severity;

use super::*;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-AWS-0057",
    family: Family::Aws,
    service: "rds",
    severity: Severity::High,
    title: r##"RDS storage is not encrypted"##,
    description: r##"The database's storage, backups and snapshots are not encrypted at rest."##,
    remediation: r##"Set storage_encrypted = true (CloudFormation: StorageEncrypted) when creating the database."##,
    references: &["https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/CHAP_BestPractices.Security.html"],
    controls: &["cis-aws-3.0/2.3.1"],
    peers: &["AWS-0080", "AWS-0079", "CKV_AWS_16"],
    bad_example: r##"resource "aws_db_instance" "db" {
  engine         = "postgres"
  instance_class = "db.t3.micro"
  storage_encrypted = false
}"##,
    good_example: r##"resource "aws_db_instance" "db" {
  engine         = "postgres"
  instance_class = "db.t3.micro"
  storage_encrypted = true
}"##,
};

pub fn check(m: &Model, out: &mut Vec<Finding>) {
    let attrs = m.databases.iter().filter(|x| !x.aurora_instance).map(|x| (&x.meta, &x.storage_encrypted));
    off_or_absent(&META, out, attrs, "Database storage is not encrypted.");
}
