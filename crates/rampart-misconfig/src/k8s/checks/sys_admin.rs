//! RMP-K8S-0035: SYS_ADMIN capability added.

use rampart_model::Severity;

use crate::check::{CheckMeta, Family, Finding};
use crate::k8s::manifest::Object;
use crate::k8s::util::{self, Ctx, Which};

pub static META: CheckMeta = CheckMeta {
    id: "RMP-K8S-0035",
    family: Family::Kubernetes,
    service: "pod-security",
    severity: Severity::High,
    title: "SYS_ADMIN capability added",
    description: "CAP_SYS_ADMIN is close to full root on the node: it allows mounting filesystems, many namespace operations and a long list of known container escapes.",
    remediation: "Remove SYS_ADMIN from `securityContext.capabilities.add`.",
    references: &[
        "https://kubernetes.io/docs/tasks/configure-pod-container/security-context/",
        "https://man7.org/linux/man-pages/man7/capabilities.7.html",
    ],
    controls: &["pss-baseline/capabilities", "nsa-cisa-k8s/privileged-containers", "cis-k8s-1.9/5.2.9"],
    peers: &["KSV-0005", "CKV_K8S_39"],
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
          add: [SYS_ADMIN]
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
    util::containers(&META, obj, out, Which::All, |_, c| {
        let n = util::adds_capability(c, "SYS_ADMIN")?;
        Some((n.span, "adds the SYS_ADMIN capability".to_string()))
    })
}
