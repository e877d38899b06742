//! RMP-K8S-0069: Role can create service account tokens.

use rampart_model::Severity;

use crate::check::{CheckMeta, Family, Finding};
use crate::k8s::manifest::Object;
use crate::k8s::util::{self, Ctx};

pub static META: CheckMeta = CheckMeta {
    id: "RMP-K8S-0069",
    family: Family::Kubernetes,
    service: "rbac",
    severity: Severity::High,
    title: "Role can create service account tokens",
    description: "`create` on `serviceaccounts/token` issues API tokens for any service account the role covers, so the subject can act with those accounts' permissions.",
    remediation: "Grant token creation only to the components that need it, for named service accounts (`resourceNames`).",
    references: &[
        "https://kubernetes.io/docs/concepts/security/rbac-good-practices/",
        "https://kubernetes.io/docs/reference/access-authn-authz/rbac/",
    ],
    controls: &["nsa-cisa-k8s/rbac", "cis-k8s-1.9/5.1.13"],
    peers: &[],
    bad_example: r#"apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: app
  namespace: apps
rules:
  - apiGroups: [""]
    resources: [serviceaccounts/token]
    verbs: [create]
"#,
    good_example: r#"apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: app
  namespace: apps
rules:
  - apiGroups: [""]
    resources: [serviceaccounts]
    verbs: [get]
"#,
};

pub fn run(_ctx: &Ctx<'_>, obj: &Object<'_>, out: &mut Vec<Finding>) -> bool {
    util::each_rule(&META, obj, out, "can create service account tokens", |rule| {
        util::grants(rule, util::CORE, &["serviceaccounts/token"], &["create"]) && util::all_names(rule)
    })
}
