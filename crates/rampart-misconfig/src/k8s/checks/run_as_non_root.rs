//! RMP-K8S-0016: Container may run as root.

use rampart_model::Severity;

use crate::check::{CheckMeta, Family, Finding};
use crate::k8s::manifest::Object;
use crate::k8s::util::{self, Ctx, Which};

pub static META: CheckMeta = CheckMeta {
    id: "RMP-K8S-0016",
    family: Family::Kubernetes,
    service: "pod-security",
    severity: Severity::Medium,
    title: "Container may run as root",
    description: "Without `runAsNonRoot: true` (on the pod or the container) nothing prevents the container from running as UID 0, which makes a container escape far more damaging.",
    remediation: "Set `securityContext.runAsNonRoot: true` on the pod (or on every container) and build images that run as a non-root user.",
    references: &[
        "https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted",
        "https://kubernetes.io/docs/tasks/configure-pod-container/security-context/",
    ],
    controls: &[
        "pss-restricted/running-as-non-root",
        "nsa-cisa-k8s/non-root-containers",
        "cis-k8s-1.9/5.2.7",
    ],
    peers: &["KSV-0012", "CKV_K8S_23"],
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
  securityContext:
    runAsNonRoot: true
  containers:
    - name: web
      image: registry.example.com/web:1.0
"#,
};

pub fn run(_ctx: &Ctx<'_>, obj: &Object<'_>, out: &mut Vec<Finding>) -> bool {
    util::containers(&META, obj, out, Which::All, |p, c| {
        util::expect_bool(
            p.effective(c, "runAsNonRoot"),
            true,
            util::item_span(c),
            "sets runAsNonRoot to false",
            "does not set runAsNonRoot to true",
        )
    })
}
