//! RMP-AWS-0078: Lambda function can be invoked by anyone.

use rampart_model::Severity;

use super::*;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-AWS-0078",
    family: Family::Aws,
    service: "lambda",
    severity: Severity::High,
    title: r##"Lambda function can be invoked by anyone"##,
    description: r##"A permission with principal "*" and no source ARN, or a function URL with authorization type NONE, lets anyone invoke the function."##,
    remediation: r##"Name the principal (a service with source_arn, an account) or use AWS_IAM authorization for function URLs."##,
    references: &["https://docs.aws.amazon.com/lambda/latest/dg/access-control-resource-based.html"],
    controls: &[],
    peers: &["AWS-0067", "CKV_AWS_258", "CKV_AWS_301"],
    bad_example: r##"resource "aws_lambda_permission" "any" {
  action        = "lambda:InvokeFunction"
  function_name = "fn"
  principal     = "*"
}"##,
    good_example: r##"resource "aws_lambda_permission" "s3" {
  action        = "lambda:InvokeFunction"
  function_name = "fn"
  principal     = "s3.amazonaws.com"
  source_arn    = "arn:aws:s3:::data"
}"##,
};

pub fn check(m: &Model, out: &mut Vec<Finding>) {
    for p in &m.lambda_permissions {
        if let Some(auth) = &p.url_auth {
            if auth.is("NONE") {
                out.push(report(&META, &p.meta, auth.span, "Function URL has no authorization."));
            }
        } else if p.principal.is("*") && p.source_arn.is_absent() {
            out.push(report(
                &META,
                &p.meta,
                p.principal.span,
                "Lambda permission lets any principal invoke the function.",
            ));
        }
    }
}
