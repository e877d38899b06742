//! RMP-AWS-0072: CloudTrail trail defines no SNS topic.

use rampart_model::Severity;

use super::*;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-AWS-0072",
    family: Family::Aws,
    service: "cloudtrail",
    severity: Severity::Low,
    title: r##"CloudTrail trail defines no SNS topic"##,
    description: r##"An SNS topic notifies subscribers when new log files are delivered."##,
    remediation: r##"Set sns_topic_name."##,
    references: &["https://docs.aws.amazon.com/awscloudtrail/latest/userguide/best-practices-security.html"],
    controls: &[],
    peers: &["CKV_AWS_252"],
    bad_example: r##"resource "aws_cloudtrail" "main" {
  name           = "main"
  s3_bucket_name = "trail-logs"
}"##,
    good_example: r##"resource "aws_cloudtrail" "main" {
  name           = "main"
  s3_bucket_name = "trail-logs"
  sns_topic_name = "trail-delivery"
}"##,
};

pub fn check(m: &Model, out: &mut Vec<Finding>) {
    empty_or_absent(
        &META,
        out,
        m.trails.iter().map(|x| (&x.meta, &x.sns_topic)),
        "Trail defines no SNS topic.",
    );
}
