//! RMP-K8S-0001: Privileged container.

use rampart_model::Severity;

use crate::check::{CheckMeta, Family, Finding};
use crate::k8s::manifest::Object;
use crate::k8s::util::{self, Ctx, Which};

pub static META: CheckMeta = CheckMeta {
    id: "RMP-K8S-0001",
    family: Family::Kubernetes,
    service: "pod-security",
    severity: Severity::High,
    title: "Privileged container",
    description: "A privileged container has every capability and access to all host devices, which disables almost all container isolation: a compromise of the container is a compromise of the node.",
    remediation: "Remove `securityContext.privileged: true` (or set it to false); grant only the specific capabilities the workload needs.",
    references: &[
        "https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline",
        "https://kubernetes.io/docs/tasks/configure-pod-container/security-context/",
    ],
    controls: &[
        "pss-baseline/privileged-containers",
        "nsa-cisa-k8s/privileged-containers",
        "cis-k8s-1.9/5.2.2",
    ],
    peers: &["KSV-0017", "CKV_K8S_16"],
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
        privileged: true
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
        privileged: false
"#,
};

pub fn run(_ctx: &Ctx<'_>, obj: &Object<'_>, out: &mut Vec<Finding>) -> bool {
    util::containers(&META, obj, out, Which::All, |_, c| {
        let n = c.sc("privileged")?;
        (n.as_bool() == Some(true)).then(|| (n.span, "runs privileged".to_string()))
    })
}
