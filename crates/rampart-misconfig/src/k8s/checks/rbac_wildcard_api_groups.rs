//! RMP-K8S-0048: Role grants access to every API group.

use rampart_model::Severity;

use crate::check::{CheckMeta, Family, Finding};
use crate::k8s::manifest::Object;
use crate::k8s::util::{self, Ctx};

pub static META: CheckMeta = CheckMeta {
    id: "RMP-K8S-0048",
    family: Family::Kubernetes,
    service: "rbac",
    severity: Severity::Medium,
    title: "Role grants access to every API group",
    description: "A rule with `apiGroups: [\"*\"]` matches its resources in every current and future API group, including those added by CRDs.",
    remediation: "List the API groups the subject needs explicitly.",
    references: &[
        "https://kubernetes.io/docs/concepts/security/rbac-good-practices/",
        "https://kubernetes.io/docs/reference/access-authn-authz/rbac/",
    ],
    controls: &["nsa-cisa-k8s/rbac", "cis-k8s-1.9/5.1.3"],
    peers: &["CKV_K8S_49"],
    bad_example: r#"apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: app
  namespace: apps
rules:
  - apiGroups: ["*"]
    resources: [deployments]
    verbs: [get]
"#,
    good_example: r#"apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: app
  namespace: apps
rules:
  - apiGroups: [apps]
    resources: [deployments]
    verbs: [get]
"#,
};

pub fn run(_ctx: &Ctx<'_>, obj: &Object<'_>, out: &mut Vec<Finding>) -> bool {
    util::each_rule(&META, obj, out, "grants access in every API group (*) in a rule", |rule| {
        util::rule_has(rule, "apiGroups", &["*"])
    })
}
