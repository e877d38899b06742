//! RMP-K8S-0025: Liveness probe not configured.

use rampart_model::Severity;

use crate::check::{CheckMeta, Family, Finding};
use crate::k8s::manifest::Object;
use crate::k8s::util::{self, Ctx};

pub static META: CheckMeta = CheckMeta {
    id: "RMP-K8S-0025",
    family: Family::Kubernetes,
    service: "reliability",
    severity: Severity::Low,
    title: "Liveness probe not configured",
    description: "Without a liveness probe a hung container keeps running and serving errors until someone notices. Jobs and CronJobs are not checked.",
    remediation: "Add a `livenessProbe` to every container of long-running workloads.",
    references: &[
        "https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/",
    ],
    controls: &["nsa-cisa-k8s/health-monitoring"],
    peers: &["CKV_K8S_8"],
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
      livenessProbe:
        httpGet: {path: /healthz, port: 8080}
"#,
};

pub fn run(_ctx: &Ctx<'_>, obj: &Object<'_>, out: &mut Vec<Finding>) -> bool {
    util::lacks_probe(&META, obj, out, "livenessProbe")
}
