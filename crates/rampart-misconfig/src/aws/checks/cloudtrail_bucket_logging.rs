//! RMP-AWS-0018: CloudTrail logs bucket has no access logging.

use rampart_model::Severity;

use super::*;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-AWS-0018",
    family: Family::Aws,
    service: "cloudtrail",
    severity: Severity::Low,
    title: r##"CloudTrail logs bucket has no access logging"##,
    description: r##"Access logging on the trail's bucket records who read or deleted the audit logs."##,
    remediation: r##"Enable server access logging on the bucket that receives the trail's logs."##,
    references: &["https://docs.aws.amazon.com/awscloudtrail/latest/userguide/best-practices-security.html"],
    controls: &["cis-aws-3.0/3.4"],
    peers: &["AWS-0163"],
    bad_example: r##"resource "aws_s3_bucket" "logs" {
  bucket = "trail-logs"
}

resource "aws_cloudtrail" "main" {
  name           = "main"
  s3_bucket_name = aws_s3_bucket.logs.id
}"##,
    good_example: r##"resource "aws_s3_bucket" "logs" {
  bucket = "trail-logs"
}

resource "aws_s3_bucket_logging" "logs" {
  bucket        = aws_s3_bucket.logs.id
  target_bucket = "access-logs"
}

resource "aws_cloudtrail" "main" {
  name           = "main"
  s3_bucket_name = aws_s3_bucket.logs.id
}"##,
};

pub fn check(m: &Model, out: &mut Vec<Finding>) {
    for t in &m.trails {
        let Some(i) = trail_bucket(m, t) else { continue };
        let b = &m.buckets[i];
        if b.logging.off_or_absent() {
            out.push(report(
                &META,
                &b.meta,
                b.logging.span,
                format!("Bucket receives the logs of trail {} and has no access logging.", t.meta.name),
            ));
        }
    }
}
