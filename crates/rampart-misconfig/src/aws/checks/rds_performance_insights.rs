//! RMP-AWS-0063: RDS Performance Insights is not enabled with a customer managed key.

use rampart_model::Severity;

use super::*;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-AWS-0063",
    family: Family::Aws,
    service: "rds",
    severity: Severity::Low,
    title: r##"RDS Performance Insights is not enabled with a customer managed key"##,
    description: r##"Performance Insights helps find performance problems; its data (which includes query text) should be encrypted with a customer managed key."##,
    remediation: r##"Set performance_insights_enabled = true and performance_insights_kms_key_id."##,
    references: &["https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/CHAP_BestPractices.Security.html"],
    controls: &[],
    peers: &["AWS-0133", "AWS-0078", "CKV_AWS_354"],
    bad_example: r##"resource "aws_db_instance" "db" {
  engine         = "postgres"
  instance_class = "db.t3.micro"
  performance_insights_enabled = false
}"##,
    good_example: r##"resource "aws_db_instance" "db" {
  engine         = "postgres"
  instance_class = "db.t3.micro"
  performance_insights_enabled    = true
  performance_insights_kms_key_id = "arn:aws:kms:us-east-1:123456789012:key/abc"
}"##,
};

pub fn check(m: &Model, out: &mut Vec<Finding>) {
    for x in m.databases.iter().filter(|x| !x.cluster) {
        let a = &x.performance_insights;
        if a.off_or_absent() || (a.is_true() && x.performance_insights_kms.is_absent()) {
            out.push(report(
                &META,
                &x.meta,
                a.span,
                "Database has no Performance Insights encrypted with a customer managed key.",
            ));
        }
    }
}
