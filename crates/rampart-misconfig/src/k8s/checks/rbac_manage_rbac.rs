//! RMP-K8S-0054: Role can manage RBAC.

use rampart_model::Severity;

use crate::check::{CheckMeta, Family, Finding};
use crate::k8s::manifest::Object;
use crate::k8s::util::{self, Ctx};

pub static META: CheckMeta = CheckMeta {
    id: "RMP-K8S-0054",
    family: Family::Kubernetes,
    service: "rbac",
    severity: Severity::High,
    title: "Role can manage RBAC",
    description: "Creating or changing Roles, ClusterRoles and their bindings lets a subject grant itself (or anyone) any permission.",
    remediation: "Grant write access to RBAC objects only to cluster administrators.",
    references: &[
        "https://kubernetes.io/docs/concepts/security/rbac-good-practices/",
        "https://kubernetes.io/docs/reference/access-authn-authz/rbac/",
    ],
    controls: &["nsa-cisa-k8s/rbac", "cis-k8s-1.9/5.1.8"],
    peers: &["KSV-0050", "KSV-0051", "KSV-0052", "KSV-0055"],
    bad_example: r#"apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: app
  namespace: apps
rules:
  - apiGroups: [rbac.authorization.k8s.io]
    resources: [rolebindings]
    verbs: [create]
"#,
    good_example: r#"apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: app
  namespace: apps
rules:
  - apiGroups: [rbac.authorization.k8s.io]
    resources: [rolebindings]
    verbs: [get, list]
"#,
};

pub fn run(_ctx: &Ctx<'_>, obj: &Object<'_>, out: &mut Vec<Finding>) -> bool {
    util::each_rule(&META, obj, out, "can create or change RBAC roles and bindings", |rule| {
        util::grants(
            rule,
            Some(&["rbac.authorization.k8s.io"]),
            &["roles", "clusterroles", "rolebindings", "clusterrolebindings"],
            util::WRITE,
        )
    })
}
