//! RMP-AWS-0093: ElastiCache replication group is not encrypted at rest.

use rampart_model::Severity;

use super::*;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-AWS-0093",
    family: Family::Aws,
    service: "elasticache",
    severity: Severity::High,
    title: r##"ElastiCache replication group is not encrypted at rest"##,
    description: r##"Cache data and backups on disk are not encrypted."##,
    remediation: r##"Set at_rest_encryption_enabled = true."##,
    references: &["https://docs.aws.amazon.com/AmazonElastiCache/latest/red-ug/at-rest-encryption.html"],
    controls: &[],
    peers: &["AWS-0045", "CKV_AWS_29"],
    bad_example: r##"resource "aws_elasticache_replication_group" "redis" {
  replication_group_id = "redis"
  description          = "cache"
}"##,
    good_example: r##"resource "aws_elasticache_replication_group" "redis" {
  replication_group_id = "redis"
  description          = "cache"
  at_rest_encryption_enabled = true
}"##,
};

pub fn check(m: &Model, out: &mut Vec<Finding>) {
    off_or_absent(
        &META,
        out,
        m.caches.iter().map(|x| (&x.meta, &x.at_rest)),
        "Replication group is not encrypted at rest.",
    );
}
