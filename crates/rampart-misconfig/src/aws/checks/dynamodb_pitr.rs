//! RMP-AWS-0085: DynamoDB point-in-time recovery is disabled.

use rampart_model::Severity;

use super::*;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-AWS-0085",
    family: Family::Aws,
    service: "dynamodb",
    severity: Severity::Medium,
    title: r##"DynamoDB point-in-time recovery is disabled"##,
    description: r##"Point-in-time recovery restores the table to any second of the last 35 days after a bad write or delete."##,
    remediation: r##"Add point_in_time_recovery { enabled = true }."##,
    references: &[
        "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/PointInTimeRecovery.html",
    ],
    controls: &[],
    peers: &["AWS-0024", "CKV_AWS_28"],
    bad_example: r##"resource "aws_dynamodb_table" "t" {
  name     = "t"
  hash_key = "id"
}"##,
    good_example: r##"resource "aws_dynamodb_table" "t" {
  name     = "t"
  hash_key = "id"
  point_in_time_recovery {
    enabled = true
  }
}"##,
};

pub fn check(m: &Model, out: &mut Vec<Finding>) {
    off_or_absent(
        &META,
        out,
        m.tables.iter().map(|x| (&x.meta, &x.pitr)),
        "Table has no point-in-time recovery.",
    );
}
