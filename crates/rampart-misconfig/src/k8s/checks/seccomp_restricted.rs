//! RMP-K8S-0018: Seccomp profile not RuntimeDefault or Localhost.

use rampart_model::Severity;

use crate::check::{CheckMeta, Family, Finding};
use crate::k8s::manifest::Object;
use crate::k8s::util::{self, Ctx, Which};
use crate::value::Node;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-K8S-0018",
    family: Family::Kubernetes,
    service: "pod-security",
    severity: Severity::Medium,
    title: "Seccomp profile not RuntimeDefault or Localhost",
    description: "Without a seccomp profile the container can make every system call (the default is Unconfined on most clusters); the restricted profile requires `RuntimeDefault` or a `Localhost` profile.",
    remediation: "Set `securityContext.seccompProfile.type: RuntimeDefault` on the pod (or on every container).",
    references: &[
        "https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted",
        "https://kubernetes.io/docs/tutorials/security/seccomp/",
    ],
    controls: &["pss-restricted/seccomp", "nsa-cisa-k8s/kernel-hardening", "cis-k8s-1.9/5.7.2"],
    peers: &["KSV-0030", "KSV-0104", "CKV_K8S_31"],
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
    seccompProfile:
      type: RuntimeDefault
  containers:
    - name: web
      image: registry.example.com/web:1.0
"#,
};

pub fn run(_ctx: &Ctx<'_>, obj: &Object<'_>, out: &mut Vec<Finding>) -> bool {
    util::linux_containers(&META, obj, out, Which::All, |p, c| {
        if let Some(t) = util::seccomp_type(p, c) {
            let v = t.to_text().unwrap_or_default();
            return (v != "RuntimeDefault" && v != "Localhost").then(|| {
                (t.span, format!("sets the seccomp profile to '{v}' instead of RuntimeDefault or Localhost"))
            });
        }
        let annotated = util::seccomp_annotation(p, c)
            .and_then(Node::as_str)
            .is_some_and(|v| v == "runtime/default" || v == "docker/default" || v.starts_with("localhost/"));
        (!annotated).then(|| {
            (util::item_span(c), "does not set a RuntimeDefault or Localhost seccomp profile".to_string())
        })
    })
}
