//! RMP-AWS-0076: EKS control plane logging is incomplete.

use rampart_model::Severity;

use super::*;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-AWS-0076",
    family: Family::Aws,
    service: "eks",
    severity: Severity::Medium,
    title: r##"EKS control plane logging is incomplete"##,
    description: r##"The api, audit, authenticator, controllerManager and scheduler logs should all be sent to CloudWatch."##,
    remediation: r##"Set enabled_cluster_log_types = ["api", "audit", "authenticator", "controllerManager", "scheduler"]."##,
    references: &["https://docs.aws.amazon.com/eks/latest/userguide/control-plane-logs.html"],
    controls: &[],
    peers: &["AWS-0038", "CKV_AWS_37"],
    bad_example: r##"resource "aws_eks_cluster" "main" {
  name     = "main"
  role_arn = "arn:aws:iam::123456789012:role/eks"
  enabled_cluster_log_types = ["api"]
}"##,
    good_example: r##"resource "aws_eks_cluster" "main" {
  name     = "main"
  role_arn = "arn:aws:iam::123456789012:role/eks"
  enabled_cluster_log_types = ["api", "audit", "authenticator", "controllerManager", "scheduler"]
}"##,
};

pub fn check(m: &Model, out: &mut Vec<Finding>) {
    for x in &m.eks_clusters {
        let a = &x.log_types;
        if a.is_absent()
            || a.get().is_some_and(|t| {
                ["api", "audit", "authenticator", "controllerManager", "scheduler"]
                    .iter()
                    .any(|k| !t.iter().any(|x| x == k))
            })
        {
            out.push(report(&META, &x.meta, a.span, "Cluster does not log every control plane component."));
        }
    }
}
