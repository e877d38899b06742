//! RMP-AWS-0075: EKS secrets are not encrypted with KMS.

use rampart_model::Severity;

use super::*;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-AWS-0075",
    family: Family::Aws,
    service: "eks",
    severity: Severity::High,
    title: r##"EKS secrets are not encrypted with KMS"##,
    description: r##"Envelope encryption of Kubernetes secrets with a KMS key protects them in etcd."##,
    remediation: r##"Add encryption_config { resources = ["secrets"] provider { key_arn = ... } }."##,
    references: &["https://docs.aws.amazon.com/eks/latest/userguide/enable-kms.html"],
    controls: &[],
    peers: &["AWS-0039", "CKV_AWS_58"],
    bad_example: r##"resource "aws_eks_cluster" "main" {
  name     = "main"
  role_arn = "arn:aws:iam::123456789012:role/eks"
}"##,
    good_example: r##"resource "aws_eks_cluster" "main" {
  name     = "main"
  role_arn = "arn:aws:iam::123456789012:role/eks"
  encryption_config {
    resources = ["secrets"]
    provider {
      key_arn = "arn:aws:kms:us-east-1:123456789012:key/abc"
    }
  }
}"##,
};

pub fn check(m: &Model, out: &mut Vec<Finding>) {
    let attrs = m.eks_clusters.iter().map(|x| (&x.meta, &x.secrets_encryption));
    off_or_absent(&META, out, attrs, "Cluster secrets are not encrypted with a KMS key.");
}
