//! RMP-K8S-0030: Image from an untrusted registry.

use rampart_model::Severity;

use crate::check::{CheckMeta, Family, Finding};
use crate::k8s::manifest::Object;
use crate::k8s::util::{self, Ctx};

pub static META: CheckMeta = CheckMeta {
    id: "RMP-K8S-0030",
    family: Family::Kubernetes,
    service: "images",
    severity: Severity::Medium,
    title: "Image from an untrusted registry",
    description: "Images pulled from a registry host that is not a known trusted registry (the default list is Trivy's: Azure Container Registry, Amazon ECR, Google Container Registry) may not be scanned, signed or controlled by the organisation. Images without a registry host (Docker Hub short names) are not flagged.",
    remediation: "Pull images from the organisation's trusted registry (mirror third-party images there).",
    references: &[
        "https://kubernetes.io/docs/concepts/containers/images/",
        "https://cloud.google.com/container-registry/docs/overview#registries",
    ],
    controls: &["nsa-cisa-k8s/secure-images", "cis-k8s-1.9/5.5.1"],
    peers: &["KSV-0125"],
    bad_example: r#"apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: apps
spec:
  containers:
    - name: web
      image: quay.example.org/team/web:1.0
"#,
    good_example: r#"apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: apps
spec:
  containers:
    - name: web
      image: 123456789012.dkr.ecr.eu-west-1.amazonaws.com/web:1.0
"#,
};

/// Trusted registry hosts (a registry is trusted when its host ends with one of these), as in
/// Trivy's KSV-0125 defaults.
const TRUSTED: &[&str] = &["azurecr.io", "gcr.io"];

/// Amazon ECR: `<account>.dkr.ecr.<region>.amazonaws.com` (or `.amazonaws.com.cn`).
fn is_ecr(host: &str) -> bool {
    let host = host.strip_suffix(".cn").unwrap_or(host);
    host.strip_suffix(".amazonaws.com").and_then(|h| h.rsplit_once(".ecr.")).is_some_and(
        |(account, region)| account.ends_with(".dkr") && !region.is_empty() && !region.contains('.'),
    )
}

fn trusted(registry: &str) -> bool {
    let host = registry.split(':').next().unwrap_or(registry).to_ascii_lowercase();
    TRUSTED.iter().any(|t| host == *t || host.ends_with(&format!(".{t}"))) || is_ecr(&host)
}

pub fn run(_ctx: &Ctx<'_>, obj: &Object<'_>, out: &mut Vec<Finding>) -> bool {
    util::images(&META, obj, out, |image, r| {
        let registry = r.registry?;
        (!trusted(registry))
            .then(|| format!("uses the image '{image}' from the untrusted registry '{registry}'"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registries() {
        assert!(trusted("myreg.azurecr.io"));
        assert!(trusted("gcr.io") && trusted("eu.gcr.io"));
        assert!(trusted("123456789012.dkr.ecr.us-east-1.amazonaws.com"));
        assert!(!trusted("localhost") && !trusted("docker.io") && !trusted("evilgcr.io"));
    }
}
