//! RMP-K8S-0008: Container binds a host port.

use rampart_model::Severity;

use crate::check::{CheckMeta, Family, Finding};
use crate::k8s::manifest::Object;
use crate::k8s::util::{self, Ctx, Which};

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
        util::ports(c, "hostPort", "binds host port", |n| n != 0)
    })
}
