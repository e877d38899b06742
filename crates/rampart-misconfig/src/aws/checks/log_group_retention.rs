//! RMP-AWS-0090: CloudWatch log group keeps logs for less than a year.

use rampart_model::Severity;

use super::*;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-AWS-0090",
    family: Family::Aws,
    service: "cloudwatch",
    severity: Severity::Low,
    title: r##"CloudWatch log group keeps logs for less than a year"##,
    description: r##"Logs kept for less than 365 days (or forever, the default, without a decision) may be gone when an incident is investigated, or kept without limit."##,
    remediation: r##"Set retention_in_days to 365 or more."##,
    references: &[
        "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/Working-with-log-groups-and-streams.html",
    ],
    controls: &[],
    peers: &["CKV_AWS_338"],
    bad_example: r##"resource "aws_cloudwatch_log_group" "app" {
  name = "app"
  retention_in_days = 7
}"##,
    good_example: r##"resource "aws_cloudwatch_log_group" "app" {
  name = "app"
  retention_in_days = 365
}"##,
};

pub fn check(m: &Model, out: &mut Vec<Finding>) {
    for x in &m.log_groups {
        let a = &x.retention_days;
        if a.is_absent() || a.get().is_some_and(|d| *d > 0 && *d < 365) {
            out.push(report(&META, &x.meta, a.span, "Log group retention is not set to a year or more."));
        }
    }
}
