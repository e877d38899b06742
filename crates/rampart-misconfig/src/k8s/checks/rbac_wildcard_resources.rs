//! RMP-K8S-0047: Role grants access to every resource.

use rampart_model::Severity;

use crate::check::{CheckMeta, Family, Finding};
use crate::k8s::manifest::Object;
use crate::k8s::util::{self, Ctx};

pub static META: CheckMeta = CheckMeta {
    id: "RMP-K8S-0047",
    family: Family::Kubernetes,
    service: "rbac",
    severity: Severity::High,
    title: "Role grants access to every resource",
    description: "A rule with `resources: [\"*\"]` covers every current and future resource of its API groups, secrets and RBAC objects included.",
    remediation: "List the resources the subject needs explicitly.",
    references: &[
        "https://kubernetes.io/docs/concepts/security/rbac-good-practices/",
        "https://kubernetes.io/docs/reference/access-authn-authz/rbac/",
    ],
    controls: &["nsa-cisa-k8s/rbac", "cis-k8s-1.9/5.1.3"],
    peers: &["KSV-0046", "KSV-0112", "CKV_K8S_49"],
    bad_example: r#"apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: app
  namespace: apps
rules:
  - apiGroups: [""]
    resources: ["*"]
    verbs: [get]
"#,
    good_example: r#"apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: app
  namespace: apps
rules:
  - apiGroups: [""]
    resources: [configmaps]
    verbs: [get]
"#,
};

pub fn run(_ctx: &Ctx<'_>, obj: &Object<'_>, out: &mut Vec<Finding>) -> bool {
    util::each_rule(&META, obj, out, "grants access to every resource (*) in a rule", |rule| {
        util::rule_has(rule, "resources", &["*"])
    })
}
