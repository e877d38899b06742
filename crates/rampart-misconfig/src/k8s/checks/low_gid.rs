//! RMP-K8S-0033: Container GID not above 10000.

use rampart_model::Severity;

use crate::check::{CheckMeta, Family, Finding};
use crate::k8s::manifest::Object;
use crate::k8s::util::{self, Ctx};

pub static META: CheckMeta = CheckMeta {
    id: "RMP-K8S-0033",
    family: Family::Kubernetes,
    service: "pod-security",
    severity: Severity::Low,
    title: "Container GID not above 10000",
    description: "GIDs up to 10000 are commonly used by host users and services; a container process with such a GID that escapes shares the identity of a host account. Running with a GID above 10000 (set on the pod or container) avoids the overlap.",
    remediation: "Set `securityContext.runAsGroup` to a value above 10000.",
    references: &["https://kubernetes.io/docs/tasks/configure-pod-container/security-context/"],
    controls: &["nsa-cisa-k8s/non-root-containers"],
    peers: &["KSV-0021"],
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
        runAsGroup: 1000
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
        runAsGroup: 10001
"#,
};

pub fn run(_ctx: &Ctx<'_>, obj: &Object<'_>, out: &mut Vec<Finding>) -> bool {
    util::id_above_10000(&META, obj, out, "runAsGroup")
}
