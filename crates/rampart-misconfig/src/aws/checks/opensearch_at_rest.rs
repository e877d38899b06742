//! RMP-AWS-0095: OpenSearch domain is not encrypted at rest.

use rampart_model::Severity;

use super::*;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-AWS-0095",
    family: Family::Aws,
    service: "opensearch",
    severity: Severity::High,
    title: r##"OpenSearch domain is not encrypted at rest"##,
    description: r##"Indices, logs and snapshots of the domain are not encrypted."##,
    remediation: r##"Add encrypt_at_rest { enabled = true }."##,
    references: &[
        "https://docs.aws.amazon.com/opensearch-service/latest/developerguide/encryption-at-rest.html",
    ],
    controls: &[],
    peers: &["AWS-0048", "CKV_AWS_5"],
    bad_example: r##"resource "aws_opensearch_domain" "search" {
  domain_name = "search"
}"##,
    good_example: r##"resource "aws_opensearch_domain" "search" {
  domain_name = "search"
  encrypt_at_rest {
    enabled = true
  }
}"##,
};

pub fn check(m: &Model, out: &mut Vec<Finding>) {
    let attrs = m.search_domains.iter().map(|x| (&x.meta, &x.at_rest));
    off_or_absent(&META, out, attrs, "Domain is not encrypted at rest.");
}
