//! RMP-AWS-0079: Load balancer listener serves plain HTTP.

use rampart_model::Severity;

use super::*;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-AWS-0079",
    family: Family::Aws,
    service: "elb",
    severity: Severity::High,
    title: r##"Load balancer listener serves plain HTTP"##,
    description: r##"An HTTP listener that forwards traffic (instead of redirecting to HTTPS) carries requests and cookies unencrypted."##,
    remediation: r##"Use an HTTPS listener, and make port 80 listeners redirect to HTTPS."##,
    references: &[
        "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-listeners.html",
    ],
    controls: &[],
    peers: &["AWS-0054", "CKV_AWS_2"],
    bad_example: r##"resource "aws_lb_listener" "web" {
  load_balancer_arn = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/web/1"
  port     = 80
  protocol = "HTTP"
  default_action {
    type             = "forward"
    target_group_arn = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/1"
  }
}"##,
    good_example: r##"resource "aws_lb_listener" "web" {
  load_balancer_arn = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/web/1"
  port     = 80
  protocol = "HTTP"
  default_action {
    type = "redirect"
    redirect {
      port        = "443"
      protocol    = "HTTPS"
      status_code = "HTTP_301"
    }
  }
}"##,
};

pub fn check(m: &Model, out: &mut Vec<Finding>) {
    for l in &m.listeners {
        if l.protocol.is("HTTP") && l.redirects_to_https == Some(false) {
            out.push(report(
                &META,
                &l.meta,
                l.protocol.span,
                "Listener serves plain HTTP without redirecting to HTTPS.",
            ));
        }
    }
}
