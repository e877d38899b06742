//! RMP-AWS-0097: OpenSearch domain does not enforce HTTPS.

use rampart_model::Severity;

use super::*;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-AWS-0097",
    family: Family::Aws,
    service: "opensearch",
    severity: Severity::High,
    title: r##"OpenSearch domain does not enforce HTTPS"##,
    description: r##"Without enforce_https, clients can send queries and credentials over plain HTTP."##,
    remediation: r##"Add domain_endpoint_options { enforce_https = true }."##,
    references: &[
        "https://docs.aws.amazon.com/opensearch-service/latest/developerguide/infrastructure-security.html",
    ],
    controls: &[],
    peers: &["AWS-0046", "CKV_AWS_83"],
    bad_example: r##"resource "aws_opensearch_domain" "search" {
  domain_name = "search"
}"##,
    good_example: r##"resource "aws_opensearch_domain" "search" {
  domain_name = "search"
  domain_endpoint_options {
    enforce_https = true
  }
}"##,
};

pub fn check(m: &Model, out: &mut Vec<Finding>) {
    let attrs = m.search_domains.iter().map(|x| (&x.meta, &x.enforce_https));
    off_or_absent(&META, out, attrs, "Domain does not enforce HTTPS.");
}
