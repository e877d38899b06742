//! RMP-K8S-0010: Custom SELinux options.

use rampart_model::Severity;

use crate::check::{CheckMeta, Family, Finding};
use crate::k8s::manifest::Object;
use crate::k8s::util::{self, Ctx, Which};
use crate::value::Span;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-K8S-0010",
    family: Family::Kubernetes,
    service: "pod-security",
    severity: Severity::Medium,
    title: "Custom SELinux options",
    description: "Setting a custom SELinux user or role, or a type other than the container types, can give the container a less confined SELinux context than the runtime's default.",
    remediation: "Remove `seLinuxOptions.user` and `seLinuxOptions.role`, and leave `seLinuxOptions.type` unset or one of container_t, container_init_t, container_kvm_t, container_engine_t.",
    references: &["https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline"],
    controls: &["pss-baseline/selinux", "nsa-cisa-k8s/kernel-hardening"],
    peers: &["KSV-0025"],
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
        seLinuxOptions:
          type: spc_t
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
        seLinuxOptions:
          level: "s0:c123,c456"
"#,
};

const TYPES: &[&str] = &["container_t", "container_init_t", "container_kvm_t", "container_engine_t"];

pub fn run(_ctx: &Ctx<'_>, obj: &Object<'_>, out: &mut Vec<Finding>) -> bool {
    util::containers(&META, obj, out, Which::All, |p, c| {
        let opts = p.effective(c, "seLinuxOptions")?;
        let mut bad = Vec::new();
        let mut span = Span::UNKNOWN;
        for key in ["type", "user", "role"] {
            let Some(n) = opts.get(key) else { continue };
            let v = n.to_text().unwrap_or_default();
            if v.is_empty() || (key == "type" && TYPES.contains(&v.as_str())) {
                continue;
            }
            bad.push(format!("{key} '{v}'"));
            span = span.join(n.span);
        }
        (!bad.is_empty()).then(|| (span, format!("sets custom SELinux options: {}", bad.join(", "))))
    })
}
