//! RMP-AWS-0061: RDS IAM database authentication is disabled.

use rampart_model::Severity;

use super::*;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-AWS-0061",
    family: Family::Aws,
    service: "rds",
    severity: Severity::Medium,
    title: r##"RDS IAM database authentication is disabled"##,
    description: r##"IAM authentication replaces long-lived database passwords with short-lived tokens tied to IAM identities."##,
    remediation: r##"Set iam_database_authentication_enabled = true."##,
    references: &["https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/CHAP_BestPractices.Security.html"],
    controls: &[],
    peers: &["AWS-0176", "CKV_AWS_161", "CKV_AWS_162"],
    bad_example: r##"resource "aws_db_instance" "db" {
  engine         = "postgres"
  instance_class = "db.t3.micro"
  iam_database_authentication_enabled = false
}"##,
    good_example: r##"resource "aws_db_instance" "db" {
  engine         = "postgres"
  instance_class = "db.t3.micro"
  iam_database_authentication_enabled = true
}"##,
};

pub fn check(m: &Model, out: &mut Vec<Finding>) {
    let attrs = m.databases.iter().filter(|x| !x.aurora_instance).map(|x| (&x.meta, &x.iam_auth));
    off_or_absent(&META, out, attrs, "Database does not use IAM authentication.");
}
