//! RMP-K8S-0019: Capabilities not dropped.

use rampart_model::Severity;

use crate::check::{CheckMeta, Family, Finding};
use crate::k8s::manifest::Object;
use crate::k8s::util::{self, Ctx, Which};

pub static META: CheckMeta = CheckMeta {
    id: "RMP-K8S-0019",
    family: Family::Kubernetes,
    service: "pod-security",
    severity: Severity::Low,
    title: "Capabilities not dropped",
    description: "Containers start with the runtime's default capability set (NET_RAW, CHOWN, SETUID, ...), most of which they never need; the restricted profile requires dropping ALL and adding back only what is needed.",
    remediation: "Set `securityContext.capabilities.drop: [ALL]` on every container.",
    references: &[
        "https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted",
        "https://kubernetes.io/docs/tasks/configure-pod-container/security-context/",
    ],
    controls: &["pss-restricted/capabilities", "nsa-cisa-k8s/kernel-hardening", "cis-k8s-1.9/5.2.10"],
    peers: &["KSV-0003", "KSV-0004", "KSV-0106", "CKV_K8S_37"],
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
        capabilities:
          drop: [NET_RAW]
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
        capabilities:
          drop: [ALL]
"#,
};

pub fn run(_ctx: &Ctx<'_>, obj: &Object<'_>, out: &mut Vec<Finding>) -> bool {
    util::linux_containers(&META, obj, out, Which::All, |_, c| {
        let drop = util::capabilities(c, "drop");
        if drop.iter().any(|(n, _)| n == "ALL") {
            return None;
        }
        let phrase =
            if drop.is_empty() { "does not drop any capabilities" } else { "does not drop ALL capabilities" };
        Some((util::capabilities_span(c, "drop"), phrase.to_string()))
    })
}
