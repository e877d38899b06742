//! RMP-K8S-0055: Binding to cluster-admin.

use rampart_model::Severity;

use crate::check::{CheckMeta, Family, Finding};
use crate::k8s::manifest::Object;
use crate::k8s::util::{self, Ctx};
use crate::value::Node;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-K8S-0055",
    family: Family::Kubernetes,
    service: "rbac",
    severity: Severity::High,
    title: "Binding to cluster-admin",
    description: "Binding `cluster-admin` gives its subjects every permission on every resource; binding the `admin` or `edit` ClusterRoles cluster-wide gives them near-full control of every namespace.",
    remediation: "Bind a Role with the permissions the subjects need instead.",
    references: &[
        "https://kubernetes.io/docs/concepts/security/rbac-good-practices/",
        "https://kubernetes.io/docs/reference/access-authn-authz/rbac/#user-facing-roles",
    ],
    controls: &["nsa-cisa-k8s/rbac", "cis-k8s-1.9/5.1.1"],
    peers: &["KSV-0111"],
    bad_example: r#"apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: app
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: cluster-admin
subjects:
  - kind: ServiceAccount
    name: ci
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
    let Some(role) = obj.node.at(&["roleRef", "name"]) else { return true };
    let kind = obj.node.at(&["roleRef", "kind"]).and_then(Node::as_str).unwrap_or("ClusterRole");
    let name = role.as_str().unwrap_or("");
    let admin = kind == "ClusterRole"
        && (name == "cluster-admin" || (obj.is("ClusterRoleBinding") && (name == "admin" || name == "edit")));
    if admin {
        let who: Vec<String> = subjects.iter().map(util::subject_name).collect();
        util::push(
            &META,
            obj,
            out,
            role.span,
            &format!("binds the '{name}' ClusterRole to {}", who.join(", ")),
        );
    }
    true
}
