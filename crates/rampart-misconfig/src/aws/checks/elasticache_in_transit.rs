//! RMP-AWS-0094: ElastiCache replication group is not encrypted in transit.

use rampart_model::Severity;

use super::*;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-AWS-0094",
    family: Family::Aws,
    service: "elasticache",
    severity: Severity::High,
    title: r##"ElastiCache replication group is not encrypted in transit"##,
    description: r##"Traffic between clients and the cache, and between nodes, is not encrypted."##,
    remediation: r##"Set transit_encryption_enabled = true."##,
    references: &["https://docs.aws.amazon.com/AmazonElastiCache/latest/red-ug/in-transit-encryption.html"],
    controls: &[],
    peers: &["AWS-0051", "CKV_AWS_30"],
    bad_example: r##"resource "aws_elasticache_replication_group" "redis" {
  replication_group_id = "redis"
  description          = "cache"
}"##,
    good_example: r##"resource "aws_elasticache_replication_group" "redis" {
  replication_group_id = "redis"
  description          = "cache"
  transit_encryption_enabled = true
}"##,
};

pub fn check(m: &Model, out: &mut Vec<Finding>) {
    off_or_absent(
        &META,
        out,
        m.caches.iter().map(|x| (&x.meta, &x.in_transit)),
        "Replication group is not encrypted in transit.",
    );
}
