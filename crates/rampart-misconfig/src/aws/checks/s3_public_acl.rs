//! RMP-AWS-0001: S3 bucket ACL grants public access.

use rampart_model::Severity;

use super::*;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-AWS-0001",
    family: Family::Aws,
    service: "s3",
    severity: Severity::High,
    title: r##"S3 bucket ACL grants public access"##,
    description: r##"The bucket's canned ACL (public-read, public-read-write, authenticated-read) or an ACL grant to the AllUsers/AuthenticatedUsers group lets anyone list or read (or write) its objects."##,
    remediation: r##"Use the private ACL (or no ACL with object ownership BucketOwnerEnforced) and grant access through IAM or bucket policies."##,
    references: &["https://docs.aws.amazon.com/AmazonS3/latest/userguide/acl-overview.html"],
    controls: &["cis-aws-3.0/2.1.4"],
    peers: &["AWS-0092", "CKV_AWS_20", "CKV_AWS_57"],
    bad_example: r##"resource "aws_s3_bucket" "data" {
  bucket = "data"
  acl    = "public-read"
}"##,
    good_example: r##"resource "aws_s3_bucket" "data" {
  bucket = "data"
  acl    = "private"
}"##,
};

pub fn check(m: &Model, out: &mut Vec<Finding>) {
    for b in &m.buckets {
        if let Some(span) = b.public_acl() {
            let acl = b.acl.get().map_or("a grant to everyone".to_string(), |a| format!("ACL '{a}'"));
            out.push(report(&META, &b.meta, span, format!("Bucket has {acl}, which gives public access.")));
        }
    }
}
