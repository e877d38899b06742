//! RMP-AWS-0096: OpenSearch domain does not encrypt traffic between nodes.

use rampart_model::Severity;

use super::*;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-AWS-0096",
    family: Family::Aws,
    service: "opensearch",
    severity: Severity::High,
    title: r##"OpenSearch domain does not encrypt traffic between nodes"##,
    description: r##"Node-to-node encryption protects data moving inside the cluster."##,
    remediation: r##"Add node_to_node_encryption { enabled = true }."##,
    references: &["https://docs.aws.amazon.com/opensearch-service/latest/developerguide/ntn.html"],
    controls: &[],
    peers: &["AWS-0043", "CKV_AWS_6"],
    bad_example: r##"resource "aws_opensearch_domain" "search" {
  domain_name = "search"
}"##,
    good_example: r##"resource "aws_opensearch_domain" "search" {
  domain_name = "search"
  node_to_node_encryption {
    enabled = true
  }
}"##,
};

pub fn check(m: &Model, out: &mut Vec<Finding>) {
    let attrs = m.search_domains.iter().map(|x| (&x.meta, &x.node_to_node));
    off_or_absent(&META, out, attrs, "Domain does not encrypt node-to-node traffic.");
}
