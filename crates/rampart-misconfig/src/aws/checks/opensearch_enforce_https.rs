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
    for x in &m.search_domains {
        let a = &x.enforce_https;
        if a.off_or_absent() {
            out.push(report(&META, &x.meta, a.span, "Domain does not enforce HTTPS."));
        }
    }
}
