//! RMP-AWS-0084: SNS topic is not encrypted.

use rampart_model::Severity;

use super::*;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-AWS-0084",
    family: Family::Aws,
    service: "sns",
    severity: Severity::High,
    title: r##"SNS topic is not encrypted"##,
    description: r##"Messages published to the topic are not encrypted at rest with a KMS key."##,
    remediation: r##"Set kms_master_key_id (CloudFormation: KmsMasterKeyId)."##,
    references: &["https://docs.aws.amazon.com/sns/latest/dg/sns-server-side-encryption.html"],
    controls: &[],
    peers: &["AWS-0095", "CKV_AWS_26"],
    bad_example: r##"resource "aws_sns_topic" "this" {
  name = "events"
}"##,
    good_example: r##"resource "aws_sns_topic" "this" {
  name              = "events"
  kms_master_key_id = "alias/sns"
}"##,
};

pub fn check(m: &Model, out: &mut Vec<Finding>) {
    let attrs = m.topics.iter().map(|x| (&x.meta, &x.kms_key));
    empty_or_absent(&META, out, attrs, "Topic is not encrypted at rest.");
}
