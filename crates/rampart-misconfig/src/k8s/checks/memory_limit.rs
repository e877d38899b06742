//! RMP-K8S-0023: Memory limit not set.

use rampart_model::Severity;

use crate::check::{CheckMeta, Family, Finding};
use crate::k8s::manifest::Object;
use crate::k8s::util::{self, Ctx};

pub static META: CheckMeta = CheckMeta {
    id: "RMP-K8S-0023",
    family: Family::Kubernetes,
    service: "resources",
    severity: Severity::Low,
    title: "Memory limit not set",
    description: "Without a limit one container can use all the node's memory and starve the other pods (a denial of service, accidental or not).",
    remediation: "Set `resources.limits.memory` on every container.",
    references: &["https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/"],
    controls: &["nsa-cisa-k8s/resource-policies"],
    peers: &["KSV-0018", "CKV_K8S_13"],
    bad_example: r#"apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: apps
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
      resources:
        limits:
          memory: 128Mi
"#,
};

pub fn run(_ctx: &Ctx<'_>, obj: &Object<'_>, out: &mut Vec<Finding>) -> bool {
    util::lacks_resource(&META, obj, out, "limits", "memory")
}
