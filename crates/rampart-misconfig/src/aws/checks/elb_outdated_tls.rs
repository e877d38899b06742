//! RMP-AWS-0080: Load balancer listener uses an outdated TLS policy.

use rampart_model::Severity;

use super::*;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-AWS-0080",
    family: Family::Aws,
    service: "elb",
    severity: Severity::High,
    title: r##"Load balancer listener uses an outdated TLS policy"##,
    description: r##"The listener's SSL policy allows TLS 1.0 or 1.1 (or is not a TLS 1.2+ policy)."##,
    remediation: r##"Use ELBSecurityPolicy-TLS13-1-2-2021-06 or another TLS 1.2+ policy."##,
    references: &[
        "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/describe-ssl-policies.html",
    ],
    controls: &[],
    peers: &["AWS-0047", "CKV_AWS_103"],
    bad_example: r##"resource "aws_lb_listener" "web" {
  load_balancer_arn = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/web/1"
  port            = 443
  protocol        = "HTTPS"
  ssl_policy      = "ELBSecurityPolicy-2016-08"
  certificate_arn = "arn:aws:acm:us-east-1:123456789012:certificate/abc"
  default_action {
    type             = "forward"
    target_group_arn = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/1"
  }
}"##,
    good_example: r##"resource "aws_lb_listener" "web" {
  load_balancer_arn = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/web/1"
  port            = 443
  protocol        = "HTTPS"
  ssl_policy      = "ELBSecurityPolicy-TLS13-1-2-2021-06"
  certificate_arn = "arn:aws:acm:us-east-1:123456789012:certificate/abc"
  default_action {
    type             = "forward"
    target_group_arn = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/1"
  }
}"##,
};

pub fn check(m: &Model, out: &mut Vec<Finding>) {
    for l in &m.listeners {
        if !(l.protocol.is("HTTPS") || l.protocol.is("TLS")) || l.ssl_policy.state == State::Unknown {
            continue;
        }
        let modern = l
            .ssl_policy
            .get()
            .is_some_and(|p| p.contains("TLS13") || p.contains("TLS-1-2") || p.contains("FS-1-2"));
        if !modern {
            let policy = l.ssl_policy.get().map_or("the default policy".to_string(), |p| p.clone());
            out.push(report(
                &META,
                &l.meta,
                l.ssl_policy.span,
                format!("Listener uses {policy}, which allows TLS versions before 1.2."),
            ));
        }
    }
}
