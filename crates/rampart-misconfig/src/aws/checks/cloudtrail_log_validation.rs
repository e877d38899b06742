//! RMP-AWS-0069: CloudTrail log file validation is disabled.

use rampart_model::Severity;

use super::*;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-AWS-0069",
    family: Family::Aws,
    service: "cloudtrail",
    severity: Severity::High,
    title: r##"CloudTrail log file validation is disabled"##,
    description: r##"Without log file validation, altered or deleted log files cannot be detected."##,
    remediation: r##"Set enable_log_file_validation = true."##,
    references: &["https://docs.aws.amazon.com/awscloudtrail/latest/userguide/best-practices-security.html"],
    controls: &["cis-aws-3.0/3.2"],
    peers: &["AWS-0016", "CKV_AWS_36"],
    bad_example: r##"resource "aws_cloudtrail" "main" {
  name           = "main"
  s3_bucket_name = "trail-logs"
  enable_log_file_validation = false
}"##,
    good_example: r##"resource "aws_cloudtrail" "main" {
  name           = "main"
  s3_bucket_name = "trail-logs"
  enable_log_file_validation = true
}"##,
};

pub fn check(m: &Model, out: &mut Vec<Finding>) {
    let attrs = m.trails.iter().map(|x| (&x.meta, &x.log_validation));
    off_or_absent(&META, out, attrs, "Trail log file validation is disabled.");
}
