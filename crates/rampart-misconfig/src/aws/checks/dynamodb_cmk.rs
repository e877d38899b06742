//! RMP-AWS-0086: DynamoDB table is not encrypted with a customer managed key.

use rampart_model::Severity;

use super::*;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-AWS-0086",
    family: Family::Aws,
    service: "dynamodb",
    severity: Severity::Low,
    title: r##"DynamoDB table is not encrypted with a customer managed key"##,
    description: r##"Tables are encrypted with an AWS owned key unless server-side encryption names a customer managed KMS key."##,
    remediation: r##"Add server_side_encryption { enabled = true, kms_key_arn = ... }."##,
    references: &["https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/EncryptionAtRest.html"],
    controls: &[],
    peers: &["AWS-0025", "CKV_AWS_119"],
    bad_example: r##"resource "aws_dynamodb_table" "t" {
  name     = "t"
  hash_key = "id"
}"##,
    good_example: r##"resource "aws_dynamodb_table" "t" {
  name     = "t"
  hash_key = "id"
  server_side_encryption {
    enabled     = true
    kms_key_arn = "arn:aws:kms:us-east-1:123456789012:key/abc"
  }
}"##,
};

pub fn check(m: &Model, out: &mut Vec<Finding>) {
    for x in &m.tables {
        let a = &x.sse_enabled;
        if a.off_or_absent()
            || (a.is_true() && x.kms_key.is_absent() && x.meta.source != ConfigType::CloudFormation)
        {
            out.push(report(
                &META,
                &x.meta,
                a.span,
                "Table is not encrypted with a customer managed KMS key.",
            ));
        }
    }
}
