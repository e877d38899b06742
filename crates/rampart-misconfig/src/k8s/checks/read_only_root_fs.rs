//! RMP-K8S-0031: Root filesystem is writable.

use rampart_model::Severity;

use crate::check::{CheckMeta, Family, Finding};
use crate::k8s::manifest::Object;
use crate::k8s::util::{self, Ctx, Which};

pub static META: CheckMeta = CheckMeta {
    id: "RMP-K8S-0031",
    family: Family::Kubernetes,
    service: "pod-security",
    severity: Severity::Low,
    title: "Root filesystem is writable",
    description: "A writable root filesystem lets an attacker who gets code execution modify binaries and drop tools in the container.",
    remediation: "Set `securityContext.readOnlyRootFilesystem: true` and mount emptyDir volumes where the application must write.",
    references: &["https://kubernetes.io/docs/tasks/configure-pod-container/security-context/"],
    controls: &["nsa-cisa-k8s/immutable-filesystems"],
    peers: &["KSV-0014", "CKV_K8S_22"],
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
      securityContext:
        readOnlyRootFilesystem: true
"#,
};

pub fn run(_ctx: &Ctx<'_>, obj: &Object<'_>, out: &mut Vec<Finding>) -> bool {
    util::containers(&META, obj, out, Which::Run, |_, c| {
        util::expect_bool(
            c.sc("readOnlyRootFilesystem"),
            true,
            util::item_span(c),
            "has a writable root filesystem (readOnlyRootFilesystem is not true)",
            "does not set readOnlyRootFilesystem to true",
        )
    })
}
