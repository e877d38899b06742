//! RMP-AWS-0015: S3 bucket has no event notifications.

use rampart_model::Severity;

use super::*;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-AWS-0015",
    family: Family::Aws,
    service: "s3",
    severity: Severity::Low,
    title: r##"S3 bucket has no event notifications"##,
    description: r##"Event notifications let you react to object changes (audit, malware scanning, replication checks)."##,
    remediation: r##"Add an aws_s3_bucket_notification (CloudFormation: NotificationConfiguration)."##,
    references: &["https://docs.aws.amazon.com/AmazonS3/latest/userguide/EventNotifications.html"],
    controls: &[],
    peers: &["CKV2_AWS_62"],
    bad_example: r##"resource "aws_s3_bucket" "data" {
  bucket = "data"
}"##,
    good_example: r##"resource "aws_s3_bucket" "data" {
  bucket = "data"
}

resource "aws_s3_bucket_notification" "data" {
  bucket      = aws_s3_bucket.data.id
  eventbridge = true
}"##,
};

pub fn check(m: &Model, out: &mut Vec<Finding>) {
    let buckets = m.buckets.iter().map(|b| (&b.meta, b.notifications));
    lacking(&META, out, buckets, "Bucket has no event notifications.");
}
