//! RMP-K8S-0011: Unmasked /proc mount.

use rampart_model::Severity;

use crate::check::{CheckMeta, Family, Finding};
use crate::k8s::manifest::Object;
use crate::k8s::util::{self, Ctx, Which};

pub static META: CheckMeta = CheckMeta {
    id: "RMP-K8S-0011",
    family: Family::Kubernetes,
    service: "pod-security",
    severity: Severity::Medium,
    title: "Unmasked /proc mount",
    description: "`procMount: Unmasked` removes the runtime's masks on sensitive /proc paths, exposing host kernel information and interfaces to the container.",
    remediation: "Remove `securityContext.procMount` or set it to `Default`.",
    references: &["https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline"],
    controls: &["pss-baseline/proc-mount-type", "nsa-cisa-k8s/kernel-hardening"],
    peers: &["KSV-0027"],
    bad_example: r#"apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: apps
spec:
  containers:
    - name: web
      image: registry.example.com/web:1.0
      securityContext:
        procMount: Unmasked
"#,
    good_example: r#"apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: apps
spec:
  containers:
    - name: web
      image: registry.example.com/web:1.0
      securityContext:
        procMount: Default
"#,
};

pub fn run(_ctx: &Ctx<'_>, obj: &Object<'_>, out: &mut Vec<Finding>) -> bool {
    util::containers(&META, obj, out, Which::All, |_, c| {
        let n = c.sc("procMount")?;
        let v = n.to_text().unwrap_or_default();
        (v != "Default").then(|| (n.span, format!("sets procMount to '{v}'")))
    })
}
