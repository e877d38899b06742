//! RMP-AWS-0081: Application load balancer does not drop invalid HTTP headers.

use rampart_model::Severity;

use super::*;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-AWS-0081",
    family: Family::Aws,
    service: "elb",
    severity: Severity::High,
    title: r##"Application load balancer does not drop invalid HTTP headers"##,
    description: r##"Passing invalid header fields to targets enables HTTP desync and request smuggling attacks."##,
    remediation: r##"Set drop_invalid_header_fields = true (CloudFormation: routing.http.drop_invalid_header_fields.enabled)."##,
    references: &[
        "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/application-load-balancers.html#load-balancer-attributes",
    ],
    controls: &[],
    peers: &["AWS-0052", "CKV_AWS_131"],
    bad_example: r##"resource "aws_lb" "web" {
  name               = "web"
  load_balancer_type = "application"
  internal           = true
}"##,
    good_example: r##"resource "aws_lb" "web" {
  name               = "web"
  load_balancer_type = "application"
  internal           = true
  drop_invalid_header_fields = true
}"##,
};

pub fn check(m: &Model, out: &mut Vec<Finding>) {
    let attrs = m
        .load_balancers
        .iter()
        .filter(|x| x.lb_type == "application")
        .map(|x| (&x.meta, &x.drop_invalid_headers));
    off_or_absent(&META, out, attrs, "Load balancer does not drop invalid header fields.");
}
