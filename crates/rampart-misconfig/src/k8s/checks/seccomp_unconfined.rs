//! RMP-K8S-0012: Seccomp profile set to Unconfined.

use rampart_model::Severity;

use crate::check::{CheckMeta, Family, Finding};
use crate::k8s::manifest::Object;
use crate::k8s::util::{self, Ctx, Which};

pub static META: CheckMeta = CheckMeta {
    id: "RMP-K8S-0012",
    family: Family::Kubernetes,
    service: "pod-security",
    severity: Severity::Medium,
    title: "Seccomp profile set to Unconfined",
    description: "An `Unconfined` seccomp profile lets the container make every system call, including the rarely needed ones most kernel exploits rely on.",
    remediation: "Set `securityContext.seccompProfile.type` to `RuntimeDefault` (or `Localhost` with a reviewed profile).",
    references: &[
        "https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline",
        "https://kubernetes.io/docs/tutorials/security/seccomp/",
    ],
    controls: &["pss-baseline/seccomp", "nsa-cisa-k8s/kernel-hardening"],
    peers: &["KSV-0104"],
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
        seccompProfile:
          type: Unconfined
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
        seccompProfile:
          type: RuntimeDefault
"#,
};

pub fn run(_ctx: &Ctx<'_>, obj: &Object<'_>, out: &mut Vec<Finding>) -> bool {
    util::containers(&META, obj, out, Which::All, |p, c| {
        if let Some(t) = util::seccomp_type(p, c) {
            let v = t.to_text().unwrap_or_default();
            return v
                .eq_ignore_ascii_case("unconfined")
                .then(|| (t.span, "sets the seccomp profile to Unconfined".to_string()));
        }
        let a = util::seccomp_annotation(p, c)?;
        (a.as_str() == Some("unconfined"))
            .then(|| (a.span, "has the seccomp annotation set to unconfined".to_string()))
    })
}
