//! RMP-K8S-0015: Privilege escalation allowed.

use rampart_model::Severity;

use crate::check::{CheckMeta, Family, Finding};
use crate::k8s::manifest::Object;
use crate::k8s::util::{self, Ctx, Which};

pub static META: CheckMeta = CheckMeta {
    id: "RMP-K8S-0015",
    family: Family::Kubernetes,
    service: "pod-security",
    severity: Severity::Medium,
    title: "Privilege escalation allowed",
    description: "Unless `allowPrivilegeEscalation` is false, a process in the container can gain more privileges than its parent (through setuid binaries or file capabilities).",
    remediation: "Set `securityContext.allowPrivilegeEscalation: false` on every container.",
    references: &[
        "https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted",
        "https://kubernetes.io/docs/tasks/configure-pod-container/security-context/",
    ],
    controls: &[
        "pss-restricted/privilege-escalation",
        "nsa-cisa-k8s/privileged-containers",
        "cis-k8s-1.9/5.2.6",
    ],
    peers: &["KSV-0001", "CKV_K8S_20"],
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
        allowPrivilegeEscalation: true
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
        allowPrivilegeEscalation: false
"#,
};

pub fn run(_ctx: &Ctx<'_>, obj: &Object<'_>, out: &mut Vec<Finding>) -> bool {
    util::linux_containers(&META, obj, out, Which::All, |_, c| {
        util::expect_bool(
            c.sc("allowPrivilegeEscalation"),
            false,
            util::item_span(c),
            "allows privilege escalation (allowPrivilegeEscalation is not false)",
            "does not set allowPrivilegeEscalation to false",
        )
    })
}
