//! RMP-AWS-0016: S3 bucket has no cross-region replication.

use rampart_model::Severity;

use super::*;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-AWS-0016",
    family: Family::Aws,
    service: "s3",
    severity: Severity::Low,
    title: r##"S3 bucket has no cross-region replication"##,
    description: r##"Replication keeps a copy of the data in another region for disaster recovery."##,
    remediation: r##"Add an aws_s3_bucket_replication_configuration (CloudFormation: ReplicationConfiguration) to a bucket in another region."##,
    references: &["https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication.html"],
    controls: &[],
    peers: &["CKV_AWS_144"],
    bad_example: r##"resource "aws_s3_bucket" "data" {
  bucket = "data"
}"##,
    good_example: r##"resource "aws_s3_bucket" "data" {
  bucket = "data"
}

resource "aws_s3_bucket_replication_configuration" "data" {
  bucket = aws_s3_bucket.data.id
  role   = "arn:aws:iam::123456789012:role/replication"
  rule {
    status = "Enabled"
    destination {
      bucket = "arn:aws:s3:::data-replica"
    }
  }
}"##,
};

pub fn check(m: &Model, out: &mut Vec<Finding>) {
    let buckets = m.buckets.iter().map(|b| (&b.meta, b.replication));
    lacking(&META, out, buckets, "Bucket has no cross-region replication.");
}
