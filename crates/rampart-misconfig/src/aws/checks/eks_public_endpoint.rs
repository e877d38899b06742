//! RMP-AWS-0074: EKS API endpoint is public to the whole internet.

use rampart_model::Severity;

use super::*;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-AWS-0074",
    family: Family::Aws,
    service: "eks",
    severity: Severity::High,
    title: r##"EKS API endpoint is public to the whole internet"##,
    description: r##"The cluster's Kubernetes API endpoint is public (the default) and open to 0.0.0.0/0."##,
    remediation: r##"Set endpoint_public_access = false, or limit public_access_cidrs to known ranges."##,
    references: &["https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html"],
    controls: &[],
    peers: &["AWS-0040", "AWS-0041", "CKV_AWS_38", "CKV_AWS_39"],
    bad_example: r##"resource "aws_eks_cluster" "main" {
  name     = "main"
  role_arn = "arn:aws:iam::123456789012:role/eks"
  vpc_config {
    subnet_ids = ["subnet-1", "subnet-2"]
  }
}"##,
    good_example: r##"resource "aws_eks_cluster" "main" {
  name     = "main"
  role_arn = "arn:aws:iam::123456789012:role/eks"
  vpc_config {
    subnet_ids              = ["subnet-1", "subnet-2"]
    endpoint_public_access  = false
    endpoint_private_access = true
  }
}"##,
};

pub fn check(m: &Model, out: &mut Vec<Finding>) {
    for e in &m.eks_clusters {
        if e.public_access.is_false()
            || e.public_access.state == State::Unknown
            || e.public_cidrs.state == State::Unknown
        {
            continue;
        }
        let open = e.public_cidrs.get().is_none_or(|c| c.iter().any(|c| is_public_cidr(c)));
        if open {
            let span = if e.public_cidrs.is_set() { e.public_cidrs.span } else { e.public_access.span };
            out.push(report(&META, &e.meta, span, "Cluster API endpoint is public and open to 0.0.0.0/0."));
        }
    }
}
