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
    util::each_subject(&META, obj, out, |s| {
        let default_sa = util::str_field(s, "kind") == Some("ServiceAccount")
            && util::str_field(s, "name") == Some("default");
        default_sa.then(|| {
            let ns = s.get("namespace").and_then(Node::to_text).or_else(|| obj.namespace.clone());
            format!("binds a role to the default service account of namespace '{}'", ns.unwrap_or_default())
        })
    })
}
