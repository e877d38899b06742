//! RMP-K8S-0022: CPU request not set.

use rampart_model::Severity;

use crate::check::{CheckMeta, Family, Finding};
use crate::k8s::manifest::Object;
use crate::k8s::util::{self, Ctx};

pub static META: CheckMeta = CheckMeta {
    id: "RMP-K8S-0022",
    family: Family::Kubernetes,
    service: "resources",
    severity: Severity::Low,
    title: "CPU request not set",
    description: "Without a request the scheduler cannot place the pod sensibly and the container is the first to be throttled or evicted under pressure.",
    remediation: "Set `resources.requests.cpu` on every container.",
    references: &["https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/"],
    controls: &["nsa-cisa-k8s/resource-policies"],
    peers: &["KSV-0015", "CKV_K8S_10"],
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
        requests:
          cpu: 250m
"#,
};

pub fn run(_ctx: &Ctx<'_>, obj: &Object<'_>, out: &mut Vec<Finding>) -> bool {
    util::lacks_resource(&META, obj, out, "requests", "cpu")
}
