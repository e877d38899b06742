//! RMP-AWS-0098: Redshift cluster is not encrypted.

use rampart_model::Severity;

use super::*;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-AWS-0098",
    family: Family::Aws,
    service: "redshift",
    severity: Severity::High,
    title: r##"Redshift cluster is not encrypted"##,
    description: r##"The cluster's data blocks, metadata and snapshots are not encrypted at rest."##,
    remediation: r##"Set encrypted = true, preferably with kms_key_id."##,
    references: &["https://docs.aws.amazon.com/redshift/latest/mgmt/working-with-db-encryption.html"],
    controls: &[],
    peers: &["AWS-0084", "CKV_AWS_64"],
    bad_example: r##"resource "aws_redshift_cluster" "this" {
  cluster_identifier = "dw"
  node_type          = "ra3.xlplus"
}"##,
    good_example: r##"resource "aws_redshift_cluster" "this" {
  cluster_identifier = "dw"
  node_type          = "ra3.xlplus"
  encrypted          = true
}"##,
};

pub fn check(m: &Model, out: &mut Vec<Finding>) {
    let attrs = m.redshift_clusters.iter().map(|x| (&x.meta, &x.encrypted));
    off_or_absent(&META, out, attrs, "Cluster is not encrypted.");
}
