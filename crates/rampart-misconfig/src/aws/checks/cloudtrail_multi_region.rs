//! RMP-AWS-0068: CloudTrail trail is not multi-region.

use rampart_model::Severity;

use super::*;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-AWS-0068",
    family: Family::Aws,
    service: "cloudtrail",
    severity: Severity::High,
    title: r##"CloudTrail trail is not multi-region"##,
    description: r##"A single-region trail misses API activity in every other region, where an attacker can work unseen."##,
    remediation: r##"Set is_multi_region_trail = true."##,
    references: &["https://docs.aws.amazon.com/awscloudtrail/latest/userguide/best-practices-security.html"],
    controls: &["cis-aws-3.0/3.1"],
    peers: &["AWS-0014", "CKV_AWS_67"],
    bad_example: r##"resource "aws_cloudtrail" "main" {
  name           = "main"
  s3_bucket_name = "trail-logs"
  is_multi_region_trail = false
}"##,
    good_example: r##"resource "aws_cloudtrail" "main" {
  name           = "main"
  s3_bucket_name = "trail-logs"
  is_multi_region_trail = true
}"##,
};

pub fn check(m: &Model, out: &mut Vec<Finding>) {
    let attrs = m.trails.iter().map(|x| (&x.meta, &x.multi_region));
    off_or_absent(&META, out, attrs, "Trail records only one region.");
}
