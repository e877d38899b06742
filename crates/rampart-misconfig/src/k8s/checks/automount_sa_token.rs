//! RMP-K8S-0037: Service account token mounted.

use rampart_model::Severity;

use crate::check::{CheckMeta, Family, Finding};
use crate::k8s::manifest::Object;
use crate::k8s::util::{self, Ctx};
use crate::value::Node;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-K8S-0037",
    family: Family::Kubernetes,
    service: "service-accounts",
    severity: Severity::Medium,
    title: "Service account token mounted",
    description: "Unless `automountServiceAccountToken` is false (on the pod, or on its ServiceAccount in the same scan), every container gets a Kubernetes API token; an attacker in the container can use it against the API server.",
    remediation: "Set `automountServiceAccountToken: false` on the pod spec (or its ServiceAccount) unless the workload calls the Kubernetes API.",
    references: &[
        "https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/#opt-out-of-api-credential-automounting",
    ],
    controls: &["nsa-cisa-k8s/service-account-tokens", "cis-k8s-1.9/5.1.6"],
    peers: &["CKV_K8S_38", "KSV-0036"],
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
  automountServiceAccountToken: false
  containers:
    - name: web
      image: registry.example.com/web:1.0
"#,
};

pub fn run(ctx: &Ctx<'_>, obj: &Object<'_>, out: &mut Vec<Finding>) -> bool {
    util::pod(&META, obj, out, |p| {
        if let Some(n) = p.spec.get("automountServiceAccountToken") {
            return match n.as_bool() {
                Some(false) => Vec::new(),
                _ if n.is_unknown() => Vec::new(),
                _ => vec![(
                    n.span,
                    "mounts a service account token (automountServiceAccountToken is not false)".to_string(),
                )],
            };
        }
        let sa = p
            .spec
            .get("serviceAccountName")
            .or_else(|| p.spec.get("serviceAccount"))
            .and_then(Node::as_str)
            .unwrap_or("default");
        if ctx.token_opt_out.contains(&(obj.namespace.as_deref().unwrap_or("default"), sa)) {
            return Vec::new();
        }
        vec![(p.span(), "does not set automountServiceAccountToken to false".to_string())]
    })
}
