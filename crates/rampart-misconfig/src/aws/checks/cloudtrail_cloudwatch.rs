//! RMP-AWS-0071: CloudTrail trail does not send logs to CloudWatch Logs.

use rampart_model::Severity;

use super::*;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-AWS-0071",
    family: Family::Aws,
    service: "cloudtrail",
    severity: Severity::Low,
    title: r##"CloudTrail trail does not send logs to CloudWatch Logs"##,
    description: r##"Sending the trail to CloudWatch Logs allows metric filters and alarms on API activity."##,
    remediation: r##"Set cloud_watch_logs_group_arn and cloud_watch_logs_role_arn."##,
    references: &["https://docs.aws.amazon.com/awscloudtrail/latest/userguide/best-practices-security.html"],
    controls: &[],
    peers: &["AWS-0162", "CKV2_AWS_10"],
    bad_example: r##"resource "aws_cloudtrail" "main" {
  name           = "main"
  s3_bucket_name = "trail-logs"
}"##,
    good_example: r##"resource "aws_cloudtrail" "main" {
  name           = "main"
  s3_bucket_name = "trail-logs"
  cloud_watch_logs_group_arn = "arn:aws:logs:us-east-1:123456789012:log-group:trail:*"
  cloud_watch_logs_role_arn  = "arn:aws:iam::123456789012:role/trail"
}"##,
};

pub fn check(m: &Model, out: &mut Vec<Finding>) {
    empty_or_absent(
        &META,
        out,
        m.trails.iter().map(|x| (&x.meta, &x.cloudwatch_logs)),
        "Trail does not send logs to CloudWatch Logs.",
    );
}
