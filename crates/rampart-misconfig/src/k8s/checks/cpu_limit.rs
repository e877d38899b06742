//! RMP-K8S-0021: CPU limit not set.

use rampart_model::Severity;

use crate::check::{CheckMeta, Family, Finding};
use crate::k8s::manifest::Object;
use crate::k8s::util::{self, Ctx};

pub static META: CheckMeta = CheckMeta {
    id: "RMP-K8S-0021",
    family: Family::Kubernetes,
    service: "resources",
    severity: Severity::Low,
    title: "CPU limit not set",
    description: "Without a limit one container can use all the node's cpu and starve the other pods (a denial of service, accidental or not).",
    remediation: "Set `resources.limits.cpu` on every container.",
    references: &["https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/"],
    controls: &["nsa-cisa-k8s/resource-policies"],
    peers: &["KSV-0011", "CKV_K8S_11"],
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
          cpu: 250m
"#,
};

pub fn run(_ctx: &Ctx<'_>, obj: &Object<'_>, out: &mut Vec<Finding>) -> bool {
    util::lacks_resource(&META, obj, out, "limits", "cpu")
}
