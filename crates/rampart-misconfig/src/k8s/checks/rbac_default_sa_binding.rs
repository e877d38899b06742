//! RMP-K8S-0057: Role bound to a default service account.

use rampart_model::Severity;

use crate::check::{CheckMeta, Family, Finding};
use crate::k8s::manifest::Object;
use crate::k8s::util::{self, Ctx};
use crate::value::Node;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-K8S-0057",
    family: Family::Kubernetes,
    service: "rbac",
    severity: Severity::Medium,
    title: "Role bound to a default service account",
    description: "Every pod without `serviceAccountName` runs as its namespace's `default` service account; a role bound to it is granted to all of them.",
    remediation: "Bind the role to a dedicated ServiceAccount used only by the workload that needs it.",
    references: &["https://kubernetes.io/docs/concepts/security/service-accounts/"],
    controls: &["nsa-cisa-k8s/rbac", "nsa-cisa-k8s/service-account-tokens", "cis-k8s-1.9/5.1.5"],
    peers: &["CKV_K8S_42"],
    bad_example: r#"apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: app
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: view
subjects:
  - kind: ServiceAccount
    name: default
    namespace: apps
"#,
    good_example: r#"apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: app
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: view
subjects:
  - kind: ServiceAccount
    name: ci
    namespace: apps
"#,
};

pub fn run(_ctx: &Ctx<'_>, obj: &Object<'_>, out: &mut Vec<Finding>) -> bool {
    let Some(subjects) = util::subjects(obj) else { return false };
    for s in subjects {
        if s.get("kind").and_then(Node::as_str) == Some("ServiceAccount")
            && s.get("name").and_then(Node::as_str) == Some("default")
        {
            util::push(
                &META,
                obj,
                out,
                s.span,
                &format!(
                    "binds a role to the default service account of namespace '{}'",
                    s.get("namespace")
                        .and_then(Node::to_text)
                        .or_else(|| obj.namespace.clone())
                        .unwrap_or_default()
                ),
            );
        }
    }
    true
}
