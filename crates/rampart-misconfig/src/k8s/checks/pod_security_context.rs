//! RMP-K8S-0043: Pod security context missing.

use rampart_model::Severity;

use crate::check::{CheckMeta, Family, Finding};
use crate::k8s::manifest::Object;
use crate::k8s::util::{self, Ctx};

pub static META: CheckMeta = CheckMeta {
    id: "RMP-K8S-0043",
    family: Family::Kubernetes,
    service: "pod-security",
    severity: Severity::Medium,
    title: "Pod security context missing",
    description: "A pod without a `securityContext` runs with the runtime's defaults: as the image's user (often root), without a seccomp profile, with no fsGroup or supplemental group settings.",
    remediation: "Set `spec.securityContext` (runAsNonRoot, runAsUser, runAsGroup, fsGroup, seccompProfile) on the pod.",
    references: &["https://kubernetes.io/docs/tasks/configure-pod-container/security-context/"],
    controls: &["nsa-cisa-k8s/non-root-containers", "cis-k8s-1.9/5.7.3"],
    peers: &["KSV-0118", "CKV_K8S_29"],
    bad_example: r#"apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: apps
spec:
  containers:
    - name: web
      image: registry.example.com/web:1.0
"#,
    good_example: r#"apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: apps
spec:
  securityContext:
    runAsNonRoot: true
  containers:
    - name: web
      image: registry.example.com/web:1.0
"#,
};

pub fn run(_ctx: &Ctx<'_>, obj: &Object<'_>, out: &mut Vec<Finding>) -> bool {
    util::pod(&META, obj, out, |p| match p.spec.get("securityContext") {
        Some(n) if !n.entries().is_empty() || n.is_unknown() => Vec::new(),
        Some(n) => vec![(n.span, "has an empty pod securityContext".to_string())],
        None => vec![(p.span(), "has no pod securityContext".to_string())],
    })
}
