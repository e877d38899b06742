//! RMP-K8S-0008: Container binds a host port.

use rampart_model::Severity;

use crate::check::{CheckMeta, Family, Finding};
use crate::k8s::manifest::Object;
use crate::k8s::util::{self, Ctx, Which};
use crate::value::{Node, Span};

pub static META: CheckMeta = CheckMeta {
    id: "RMP-K8S-0008",
    family: Family::Kubernetes,
    service: "pod-security",
    severity: Severity::Medium,
    title: "Container binds a host port",
    description: "A `hostPort` binds the container port on the node's network interfaces, exposing the container outside the pod network and its policies and limiting scheduling.",
    remediation: "Remove `hostPort` and expose the container through a Service.",
    references: &["https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline"],
    controls: &["pss-baseline/host-ports", "nsa-cisa-k8s/host-isolation", "cis-k8s-1.9/5.2.13"],
    peers: &["KSV-0024", "CKV_K8S_26"],
    bad_example: r#"apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: apps
spec:
  containers:
    - name: web
      image: registry.example.com/web:1.0
      ports:
        - containerPort: 8080
          hostPort: 8080
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
      ports:
        - containerPort: 8080
"#,
};

pub fn run(_ctx: &Ctx<'_>, obj: &Object<'_>, out: &mut Vec<Finding>) -> bool {
    util::containers(&META, obj, out, Which::All, |_, c| {
        let ports = c.node.get("ports").map(Node::items).unwrap_or_default();
        let bound: Vec<(Span, i64)> = ports
            .iter()
            .filter_map(|p| p.get("hostPort").and_then(|h| Some((h.span, h.as_i64()?))))
            .filter(|(_, n)| *n != 0)
            .collect();
        let span = bound.iter().fold(Span::UNKNOWN, |s, (b, _)| s.join(*b));
        let list: Vec<String> = bound.iter().map(|(_, n)| n.to_string()).collect();
        (!bound.is_empty()).then(|| (span, format!("binds host port {}", list.join(", "))))
    })
}
