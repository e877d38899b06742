//! RMP-K8S-0039: Resource in the default namespace.

use rampart_model::Severity;

use crate::check::{CheckMeta, Family, Finding};
use crate::k8s::manifest::Object;
use crate::k8s::util::{self, Ctx};

pub static META: CheckMeta = CheckMeta {
    id: "RMP-K8S-0039",
    family: Family::Kubernetes,
    service: "namespaces",
    severity: Severity::Low,
    title: "Resource in the default namespace",
    description: "Resources in the `default` namespace share it with everything deployed without thought; namespaces are the unit of RBAC, network policies and quotas, so workloads belong in their own.",
    remediation: "Set `metadata.namespace` to a dedicated namespace.",
    references: &["https://kubernetes.io/docs/concepts/overview/working-with-objects/namespaces/"],
    controls: &["nsa-cisa-k8s/namespaces", "cis-k8s-1.9/5.7.4"],
    peers: &["KSV-0110", "CKV_K8S_21"],
    bad_example: r#"apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: default
spec:
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
  containers:
    - name: web
      image: registry.example.com/web:1.0
"#,
};

const KINDS: &[&str] = &[
    "Pod",
    "Deployment",
    "DaemonSet",
    "StatefulSet",
    "ReplicaSet",
    "ReplicationController",
    "Job",
    "CronJob",
    "Service",
    "Secret",
    "ServiceAccount",
    "Role",
    "RoleBinding",
    "ConfigMap",
    "Ingress",
];

pub fn run(_ctx: &Ctx<'_>, obj: &Object<'_>, out: &mut Vec<Finding>) -> bool {
    if !KINDS.contains(&obj.kind.as_str()) {
        return false;
    }
    if (obj.is("ServiceAccount") && obj.name == "default") || (obj.is("Service") && obj.name == "kubernetes")
    {
        return true;
    }
    if obj.namespace.as_deref() != Some("default") {
        return true;
    }
    let meta = obj.metadata();
    let span = meta.and_then(|m| m.get("namespace")).or(meta).map_or(obj.span, |n| n.span);
    let phrase = if obj.namespace_set {
        "is in the default namespace"
    } else {
        "has no namespace (the default namespace)"
    };
    util::push(&META, obj, out, span, phrase);
    true
}
