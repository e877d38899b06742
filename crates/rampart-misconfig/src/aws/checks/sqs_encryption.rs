//! RMP-AWS-0083: SQS queue is not encrypted.

use rampart_model::Severity;

use super::*;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-AWS-0083",
    family: Family::Aws,
    service: "sqs",
    severity: Severity::High,
    title: r##"SQS queue is not encrypted"##,
    description: r##"Messages in the queue are not encrypted at rest with SSE-SQS or a KMS key."##,
    remediation: r##"Set kms_master_key_id or sqs_managed_sse_enabled = true (CloudFormation: KmsMasterKeyId / SqsManagedSseEnabled)."##,
    references: &[
        "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-server-side-encryption.html",
    ],
    controls: &[],
    peers: &["AWS-0096", "CKV_AWS_27"],
    bad_example: r##"resource "aws_sqs_queue" "this" {
  name = "jobs"
}"##,
    good_example: r##"resource "aws_sqs_queue" "this" {
  name              = "jobs"
  kms_master_key_id = "alias/sqs"
}"##,
};

pub fn check(m: &Model, out: &mut Vec<Finding>) {
    for x in &m.queues {
        let a = &x.kms_key;
        if a.is_empty_or_absent() && !x.managed_sse.is_true() && x.managed_sse.state != State::Unknown {
            out.push(report(&META, &x.meta, a.span, "Queue is not encrypted at rest."));
        }
    }
}
