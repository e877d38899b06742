//! RMP-K8S-0006: Capabilities added beyond the baseline set.

use rampart_model::Severity;

use crate::check::{CheckMeta, Family, Finding};
use crate::k8s::manifest::Object;
use crate::k8s::util::{self, Ctx, Which};

pub static META: CheckMeta = CheckMeta {
    id: "RMP-K8S-0006",
    family: Family::Kubernetes,
    service: "pod-security",
    severity: Severity::Medium,
    title: "Capabilities added beyond the baseline set",
    description: "Adding Linux capabilities beyond the container runtime's default set (AUDIT_WRITE, CHOWN, DAC_OVERRIDE, FOWNER, FSETID, KILL, MKNOD, NET_BIND_SERVICE, SETFCAP, SETGID, SETPCAP, SETUID, SYS_CHROOT) gives the container kernel privileges that can be used to escape it.",
    remediation: "Remove the extra entries from `securityContext.capabilities.add`.",
    references: &[
        "https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline",
        "https://man7.org/linux/man-pages/man7/capabilities.7.html",
    ],
    controls: &["pss-baseline/capabilities", "nsa-cisa-k8s/kernel-hardening", "cis-k8s-1.9/5.2.9"],
    peers: &["KSV-0022", "CKV_K8S_25"],
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
          add: [NET_ADMIN]
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
          add: [CHOWN]
"#,
};

/// The capabilities container runtimes grant by default, which the baseline allows adding.
const BASELINE: &[&str] = &[
    "AUDIT_WRITE",
    "CHOWN",
    "DAC_OVERRIDE",
    "FOWNER",
    "FSETID",
    "KILL",
    "MKNOD",
    "NET_BIND_SERVICE",
    "SETFCAP",
    "SETGID",
    "SETPCAP",
    "SETUID",
    "SYS_CHROOT",
];

pub fn run(_ctx: &Ctx<'_>, obj: &Object<'_>, out: &mut Vec<Finding>) -> bool {
    util::containers(&META, obj, out, Which::All, |_, c| {
        util::added_capabilities(c, "adds capabilities beyond the baseline set", |n| !BASELINE.contains(&n))
    })
}
