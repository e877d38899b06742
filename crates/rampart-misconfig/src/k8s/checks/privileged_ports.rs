//! RMP-K8S-0045: Container port below 1024.

use rampart_model::Severity;

use crate::check::{CheckMeta, Family, Finding};
use crate::k8s::manifest::Object;
use crate::k8s::util::{self, Ctx, Which};

pub static META: CheckMeta = CheckMeta {
    id: "RMP-K8S-0045",
    family: Family::Kubernetes,
    service: "pod-security",
    severity: Severity::Low,
    title: "Container port below 1024",
    description: "Listening on a port below 1024 needs root or NET_BIND_SERVICE inside the container; applications that can use unprivileged ports should, so they can run without either.",
    remediation: "Use a container port of 1024 or above and map the public port in the Service.",
    references: &["https://kubernetes.io/docs/concepts/security/pod-security-standards/"],
    controls: &["nsa-cisa-k8s/non-root-containers"],
    peers: &["KSV-0117"],
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
        - containerPort: 80
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
    util::containers(&META, obj, out, Which::Run, |_, c| {
        util::ports(c, "containerPort", "listens on privileged port", |n| (1..1024).contains(&n))
    })
}
