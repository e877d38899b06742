//! RMP-AWS-0017: CloudTrail logs bucket is publicly accessible.

use rampart_model::Severity;

use super::*;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-AWS-0017",
    family: Family::Aws,
    service: "cloudtrail",
    severity: Severity::Critical,
    title: r##"CloudTrail logs bucket is publicly accessible"##,
    description: r##"The bucket receiving a trail's logs has a public ACL: anyone can read the account's API activity."##,
    remediation: r##"Make the trail's bucket private (private ACL, public access block on)."##,
    references: &[
        "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-s3-bucket-policy-for-cloudtrail.html",
    ],
    controls: &[],
    peers: &["AWS-0161"],
    bad_example: r##"resource "aws_s3_bucket" "logs" {
  bucket = "trail-logs"
  acl    = "public-read"
}

resource "aws_cloudtrail" "main" {
  name                       = "main"
  s3_bucket_name             = aws_s3_bucket.logs.id
  is_multi_region_trail      = true
  enable_log_file_validation = true
}"##,
    good_example: r##"resource "aws_s3_bucket" "logs" {
  bucket = "trail-logs"
  acl    = "private"
}

resource "aws_cloudtrail" "main" {
  name                       = "main"
  s3_bucket_name             = aws_s3_bucket.logs.id
  is_multi_region_trail      = true
  enable_log_file_validation = true
}"##,
};

pub fn check(m: &Model, out: &mut Vec<Finding>) {
    for t in &m.trails {
        let Some(i) = trail_bucket(m, t) else { continue };
        let b = &m.buckets[i];
        if let Some(span) = b.public_acl() {
            out.push(report(
                &META,
                &b.meta,
                span,
                format!("Bucket receives the logs of trail {} and is public.", t.meta.name),
            ));
        }
    }
}
