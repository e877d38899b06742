//! RMP-K8S-0046: Role grants every verb.

use rampart_model::Severity;

use crate::check::{CheckMeta, Family, Finding};
use crate::k8s::manifest::Object;
use crate::k8s::util::{self, Ctx};

pub static META: CheckMeta = CheckMeta {
    id: "RMP-K8S-0046",
    family: Family::Kubernetes,
    service: "rbac",
    severity: Severity::High,
    title: "Role grants every verb",
    description: "A rule with `verbs: [\"*\"]` grants every current and future verb on its resources, including escalate, bind and impersonate.",
    remediation: "List the verbs the subject needs explicitly.",
    references: &[
        "https://kubernetes.io/docs/concepts/security/rbac-good-practices/",
        "https://kubernetes.io/docs/reference/access-authn-authz/rbac/",
    ],
    controls: &["nsa-cisa-k8s/rbac", "cis-k8s-1.9/5.1.3"],
    peers: &["KSV-0045", "KSV-0044", "CKV_K8S_49"],
    bad_example: r#"apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: app
  namespace: apps
rules:
  - apiGroups: [""]
    resources: [configmaps]
    verbs: ["*"]
"#,
    good_example: r#"apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: app
  namespace: apps
rules:
  - apiGroups: [""]
    resources: [configmaps]
    verbs: [get, list]
"#,
};

pub fn run(_ctx: &Ctx<'_>, obj: &Object<'_>, out: &mut Vec<Finding>) -> bool {
    util::each_rule(&META, obj, out, "grants every verb (*) in a rule", |rule| {
        util::rule_has(rule, "verbs", &["*"])
    })
}
