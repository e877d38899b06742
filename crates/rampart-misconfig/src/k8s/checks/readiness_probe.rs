//! RMP-K8S-0026: Readiness probe not configured.

use rampart_model::Severity;

use crate::check::{CheckMeta, Family, Finding};
use crate::k8s::manifest::Object;
use crate::k8s::util::{self, Ctx};

pub static META: CheckMeta = CheckMeta {
    id: "RMP-K8S-0026",
    family: Family::Kubernetes,
    service: "reliability",
    severity: Severity::Low,
    title: "Readiness probe not configured",
    description: "Without a readiness probe traffic is sent to the container before it is ready and while it is unhealthy. Jobs and CronJobs are not checked.",
    remediation: "Add a `readinessProbe` to every container of long-running workloads.",
    references: &[
        "https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/",
    ],
    controls: &["nsa-cisa-k8s/health-monitoring"],
    peers: &["CKV_K8S_9"],
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
      readinessProbe:
        httpGet: {path: /healthz, port: 8080}
"#,
};

pub fn run(_ctx: &Ctx<'_>, obj: &Object<'_>, out: &mut Vec<Finding>) -> bool {
    util::lacks_probe(&META, obj, out, "readinessProbe")
}
