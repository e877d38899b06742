//! RMP-AWS-0066: RDS logs are not exported to CloudWatch.

use rampart_model::Severity;

use super::*;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-AWS-0066",
    family: Family::Aws,
    service: "rds",
    severity: Severity::Low,
    title: r##"RDS logs are not exported to CloudWatch"##,
    description: r##"Database logs (audit, error, general, slow query, postgresql) exported to CloudWatch Logs can be kept and alerted on."##,
    remediation: r##"Set enabled_cloudwatch_logs_exports (CloudFormation: EnableCloudwatchLogsExports)."##,
    references: &["https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/CHAP_BestPractices.Security.html"],
    controls: &[],
    peers: &["CKV_AWS_129", "CKV_AWS_324"],
    bad_example: r##"resource "aws_db_instance" "db" {
  engine         = "postgres"
  instance_class = "db.t3.micro"
  enabled_cloudwatch_logs_exports = []
}"##,
    good_example: r##"resource "aws_db_instance" "db" {
  engine         = "postgres"
  instance_class = "db.t3.micro"
  enabled_cloudwatch_logs_exports = ["postgresql"]
}"##,
};

pub fn check(m: &Model, out: &mut Vec<Finding>) {
    for x in m.databases.iter().filter(|x| !x.aurora_instance) {
        let a = &x.log_exports;
        if a.is_absent() || a.get().is_some_and(|v| v.is_empty()) {
            out.push(report(&META, &x.meta, a.span, "Database exports no logs to CloudWatch."));
        }
    }
}
