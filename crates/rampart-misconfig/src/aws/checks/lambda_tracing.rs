//! RMP-AWS-0077: Lambda function has no X-Ray tracing.

use rampart_model::Severity;

use super::*;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-AWS-0077",
    family: Family::Aws,
    service: "lambda",
    severity: Severity::Low,
    title: r##"Lambda function has no X-Ray tracing"##,
    description: r##"Active tracing records requests through the function for debugging and incident analysis."##,
    remediation: r##"Add tracing_config { mode = "Active" }."##,
    references: &["https://docs.aws.amazon.com/lambda/latest/dg/services-xray.html"],
    controls: &[],
    peers: &["AWS-0066", "CKV_AWS_50"],
    bad_example: r##"resource "aws_lambda_function" "fn" {
  function_name = "fn"
  role          = "arn:aws:iam::123456789012:role/fn"
  runtime       = "python3.12"
  handler       = "main.handler"
}"##,
    good_example: r##"resource "aws_lambda_function" "fn" {
  function_name = "fn"
  role          = "arn:aws:iam::123456789012:role/fn"
  runtime       = "python3.12"
  handler       = "main.handler"
  tracing_config {
    mode = "Active"
  }
}"##,
};

pub fn check(m: &Model, out: &mut Vec<Finding>) {
    for x in &m.functions {
        let a = &x.tracing_mode;
        if !a.is("Active") && a.state != State::Unknown {
            out.push(report(&META, &x.meta, a.span, "Function has no active X-Ray tracing."));
        }
    }
}
