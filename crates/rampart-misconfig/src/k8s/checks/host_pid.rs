//! RMP-K8S-0003: Pod shares the host process ID namespace.

use rampart_model::Severity;

use crate::check::{CheckMeta, Family, Finding};
use crate::k8s::manifest::Object;
use crate::k8s::util::{self, Ctx};

pub static META: CheckMeta = CheckMeta {
    id: "RMP-K8S-0003",
    family: Family::Kubernetes,
    service: "pod-security",
    severity: Severity::High,
    title: "Pod shares the host process ID namespace",
    description: "`hostPID: true` puts the pod in the node's process ID namespace, so its containers can see and interfere with the host's processes, read their environment and signal or trace them.",
    remediation: "Remove `hostPID: true` from the pod spec.",
    references: &["https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline"],
    controls: &["pss-baseline/host-namespaces", "nsa-cisa-k8s/host-isolation", "cis-k8s-1.9/5.2.3"],
    peers: &["KSV-0010", "CKV_K8S_17"],
    bad_example: r#"apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: apps
spec:
  hostPID: true
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
  hostPID: false
  containers:
    - name: web
      image: registry.example.com/web:1.0
"#,
};

pub fn run(_ctx: &Ctx<'_>, obj: &Object<'_>, out: &mut Vec<Finding>) -> bool {
    util::pod_flag(&META, obj, out, "hostPID", "shares the host process ID namespace (hostPID: true)")
}
