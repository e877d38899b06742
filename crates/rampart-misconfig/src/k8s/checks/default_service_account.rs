//! RMP-K8S-0038: Workload uses the default service account.

use rampart_model::Severity;

use crate::check::{CheckMeta, Family, Finding};
use crate::k8s::manifest::Object;
use crate::k8s::util::{self, Ctx};

pub static META: CheckMeta = CheckMeta {
    id: "RMP-K8S-0038",
    family: Family::Kubernetes,
    service: "service-accounts",
    severity: Severity::Low,
    title: "Workload uses the default service account",
    description: "Pods without `serviceAccountName` run as the namespace's `default` service account, which is shared by every such pod; permissions granted to one workload leak to all of them.",
    remediation: "Create a dedicated ServiceAccount per workload and set `serviceAccountName`.",
    references: &["https://kubernetes.io/docs/concepts/security/service-accounts/"],
    controls: &["nsa-cisa-k8s/service-account-tokens", "cis-k8s-1.9/5.1.5"],
    peers: &[],
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
  serviceAccountName: web
  containers:
    - name: web
      image: registry.example.com/web:1.0
"#,
};

pub fn run(_ctx: &Ctx<'_>, obj: &Object<'_>, out: &mut Vec<Finding>) -> bool {
    util::pod(&META, obj, out, |p| {
        match p.spec.get("serviceAccountName").or_else(|| p.spec.get("serviceAccount")) {
            Some(n) if n.as_str().is_some_and(|s| s != "default" && !s.is_empty()) => Vec::new(),
            Some(n) if n.is_unknown() => Vec::new(),
            Some(n) => vec![(n.span, "runs as the default service account".to_string())],
            None => {
                vec![(p.span(), "runs as the default service account (no serviceAccountName)".to_string())]
            }
        }
    })
}
