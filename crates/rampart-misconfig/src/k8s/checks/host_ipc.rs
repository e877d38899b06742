//! RMP-K8S-0004: Pod shares the host IPC namespace.

use rampart_model::Severity;

use crate::check::{CheckMeta, Family, Finding};
use crate::k8s::manifest::Object;
use crate::k8s::util::{self, Ctx};

pub static META: CheckMeta = CheckMeta {
    id: "RMP-K8S-0004",
    family: Family::Kubernetes,
    service: "pod-security",
    severity: Severity::High,
    title: "Pod shares the host IPC namespace",
    description: "`hostIPC: true` puts the pod in the node's IPC namespace, so its containers can see and interfere with the host's shared memory and IPC objects, and those of every other host-IPC pod.",
    remediation: "Remove `hostIPC: true` from the pod spec.",
    references: &["https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline"],
    controls: &["pss-baseline/host-namespaces", "nsa-cisa-k8s/host-isolation", "cis-k8s-1.9/5.2.4"],
    peers: &["KSV-0008", "CKV_K8S_18"],
    bad_example: r#"apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: apps
spec:
  hostIPC: true
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
  hostIPC: false
  containers:
    - name: web
      image: registry.example.com/web:1.0
"#,
};

pub fn run(_ctx: &Ctx<'_>, obj: &Object<'_>, out: &mut Vec<Finding>) -> bool {
    util::pod_flag(&META, obj, out, "hostIPC", "shares the host IPC namespace (hostIPC: true)")
}
