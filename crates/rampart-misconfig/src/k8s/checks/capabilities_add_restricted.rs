//! RMP-K8S-0020: Capability other than NET_BIND_SERVICE added.

use rampart_model::Severity;

use crate::check::{CheckMeta, Family, Finding};
use crate::k8s::manifest::Object;
use crate::k8s::util::{self, Ctx, Which};

pub static META: CheckMeta = CheckMeta {
    id: "RMP-K8S-0020",
    family: Family::Kubernetes,
    service: "pod-security",
    severity: Severity::Medium,
    title: "Capability other than NET_BIND_SERVICE added",
    description: "The restricted profile allows adding back only NET_BIND_SERVICE after dropping ALL; any other added capability widens what a compromised process can do to the kernel.",
    remediation: "Remove every entry but NET_BIND_SERVICE from `securityContext.capabilities.add`.",
    references: &["https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted"],
    controls: &["pss-restricted/capabilities", "nsa-cisa-k8s/kernel-hardening", "cis-k8s-1.9/5.2.9"],
    peers: &["KSV-0106", "KSV-0022"],
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
          drop: [ALL]
          add: [CHOWN]
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
          add: [NET_BIND_SERVICE]
"#,
};

pub fn run(_ctx: &Ctx<'_>, obj: &Object<'_>, out: &mut Vec<Finding>) -> bool {
    util::linux_containers(&META, obj, out, Which::All, |_, c| {
        util::added_capabilities(c, "adds capabilities other than NET_BIND_SERVICE", |n| {
            n != "NET_BIND_SERVICE"
        })
    })
}
