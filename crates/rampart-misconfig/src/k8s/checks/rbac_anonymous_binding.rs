//! RMP-K8S-0056: Binding to anonymous or all users.

use rampart_model::Severity;

use crate::check::{CheckMeta, Family, Finding};
use crate::k8s::manifest::Object;
use crate::k8s::util::{self, Ctx};

pub static META: CheckMeta = CheckMeta {
    id: "RMP-K8S-0056",
    family: Family::Kubernetes,
    service: "rbac",
    severity: Severity::Critical,
    title: "Binding to anonymous or all users",
    description: "Subjects `system:anonymous` and `system:unauthenticated` are anyone who can reach the API server; `system:authenticated` is every account of the cluster. Roles bound to them are granted to the world.",
    remediation: "Remove these subjects from the binding.",
    references: &[
        "https://kubernetes.io/docs/concepts/security/rbac-good-practices/",
        "https://kubernetes.io/docs/reference/access-authn-authz/rbac/#default-roles-and-role-bindings",
    ],
    controls: &["nsa-cisa-k8s/rbac"],
    peers: &["KSV-0122", "KSV-01011"],
    bad_example: r#"apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: app
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: view
subjects:
  - kind: Group
    name: system:unauthenticated
    apiGroup: rbac.authorization.k8s.io
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

const PUBLIC: &[&str] = &["system:anonymous", "system:unauthenticated", "system:authenticated"];

pub fn run(_ctx: &Ctx<'_>, obj: &Object<'_>, out: &mut Vec<Finding>) -> bool {
    util::each_subject(&META, obj, out, |s| {
        let name = util::str_field(s, "name").filter(|name| PUBLIC.contains(name))?;
        Some(format!("binds a role to '{name}'"))
    })
}
