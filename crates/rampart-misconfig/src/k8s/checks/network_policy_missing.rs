//! RMP-K8S-0062: No NetworkPolicy selects the workload.

use rampart_model::Severity;

use crate::check::{CheckMeta, Family, Finding};
use crate::k8s::manifest::Object;
use crate::k8s::util::{self, Ctx};
use crate::value::Node;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-K8S-0062",
    family: Family::Kubernetes,
    service: "network",
    severity: Severity::Medium,
    title: "No NetworkPolicy selects the workload",
    description: "Pods not selected by any NetworkPolicy accept traffic from, and send traffic to, every pod of the cluster: one compromised pod can reach them all. The check looks for a NetworkPolicy of the workload's namespace, in the scanned files, whose podSelector matches the pod labels.",
    remediation: "Add a NetworkPolicy to the namespace (a default-deny policy with `podSelector: {}` and explicit allow rules).",
    references: &["https://kubernetes.io/docs/concepts/services-networking/network-policies/"],
    controls: &["nsa-cisa-k8s/network-policies", "cis-k8s-1.9/5.3.2"],
    peers: &["CKV2_K8S_6"],
    bad_example: r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: apps
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: registry.example.com/web:1.0
"#,
    good_example: r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: apps
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: registry.example.com/web:1.0
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: default-deny
  namespace: apps
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]
"#,
};

pub fn run(ctx: &Ctx<'_>, obj: &Object<'_>, out: &mut Vec<Finding>) -> bool {
    let Some(pod) = obj.pod() else { return false };
    let ns = obj.namespace.as_deref().unwrap_or("default");
    let labels = pod.meta.and_then(|m| m.get("labels"));
    let selected =
        ctx.network_policies.get(ns).is_some_and(|selectors| selectors.iter().any(|s| selects(s, labels)));
    if !selected {
        let span = pod.meta.map_or(obj.span, |m| m.span);
        util::push(
            &META,
            obj,
            out,
            span,
            &format!("has no NetworkPolicy selecting its pods in namespace '{ns}'"),
        );
    }
    true
}

/// True when a NetworkPolicy `podSelector` may select pods with `labels`: every `matchLabels`
/// entry is among them (expressions are assumed to match, so they never cause a finding).
fn selects(selector: &Node, labels: Option<&Node>) -> bool {
    selector
        .get("matchLabels")
        .map(Node::entries)
        .unwrap_or_default()
        .iter()
        .all(|(k, v)| labels.and_then(|l| l.get(k)).and_then(Node::to_text) == v.to_text())
}
