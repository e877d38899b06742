//! RMP-K8S-0017: Container runs as UID 0.

use rampart_model::Severity;

use crate::check::{CheckMeta, Family, Finding};
use crate::k8s::manifest::Object;
use crate::k8s::util::{self, Ctx, Which};

pub static META: CheckMeta = CheckMeta {
    id: "RMP-K8S-0017",
    family: Family::Kubernetes,
    service: "pod-security",
    severity: Severity::High,
    title: "Container runs as UID 0",
    description: "`runAsUser: 0` runs the container's processes as root, which makes a container escape far more damaging.",
    remediation: "Set `securityContext.runAsUser` to a non-zero UID (and `runAsNonRoot: true`).",
    references: &[
        "https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted",
        "https://kubernetes.io/docs/tasks/configure-pod-container/security-context/",
    ],
    controls: &[
        "pss-restricted/running-as-non-root-user",
        "nsa-cisa-k8s/non-root-containers",
        "cis-k8s-1.9/5.2.7",
    ],
    peers: &["KSV-0105"],
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
        runAsUser: 0
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
        runAsUser: 10001
"#,
};

pub fn run(_ctx: &Ctx<'_>, obj: &Object<'_>, out: &mut Vec<Finding>) -> bool {
    util::containers(&META, obj, out, Which::All, |p, c| {
        let n = p.effective(c, "runAsUser")?;
        (n.as_i64() == Some(0)).then(|| (n.span, "runs as root (runAsUser: 0)".to_string()))
    })
}
