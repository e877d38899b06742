//! RMP-K8S-0005: Windows HostProcess container.

use rampart_model::Severity;

use crate::check::{CheckMeta, Family, Finding};
use crate::k8s::manifest::Object;
use crate::k8s::util::{self, Ctx, Which};

pub static META: CheckMeta = CheckMeta {
    id: "RMP-K8S-0005",
    family: Family::Kubernetes,
    service: "pod-security",
    severity: Severity::High,
    title: "Windows HostProcess container",
    description: "A Windows HostProcess container runs directly on the node with the privileges of a host process; it has no isolation from the node.",
    remediation: "Remove `securityContext.windowsOptions.hostProcess: true` from the pod and its containers.",
    references: &[
        "https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline",
        "https://kubernetes.io/docs/tasks/configure-pod-container/create-hostprocess-pod/",
    ],
    controls: &["pss-baseline/host-process", "nsa-cisa-k8s/host-isolation", "cis-k8s-1.9/5.2.11"],
    peers: &["KSV-0103"],
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
        windowsOptions:
          hostProcess: true
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
        windowsOptions:
          hostProcess: false
"#,
};

pub fn run(_ctx: &Ctx<'_>, obj: &Object<'_>, out: &mut Vec<Finding>) -> bool {
    util::containers(&META, obj, out, Which::All, |p, c| {
        let n = p.effective(c, "windowsOptions")?.get("hostProcess")?;
        (n.as_bool() == Some(true)).then(|| (n.span, "runs as a Windows HostProcess container".to_string()))
    })
}
