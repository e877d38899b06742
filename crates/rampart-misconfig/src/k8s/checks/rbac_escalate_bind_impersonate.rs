//! RMP-K8S-0049: Role grants escalate, bind or impersonate.

use rampart_model::Severity;

use crate::check::{CheckMeta, Family, Finding};
use crate::k8s::manifest::Object;
use crate::k8s::util::{self, Ctx};

pub static META: CheckMeta = CheckMeta {
    id: "RMP-K8S-0049",
    family: Family::Kubernetes,
    service: "rbac",
    severity: Severity::Critical,
    title: "Role grants escalate, bind or impersonate",
    description: "`escalate` lets a subject give roles more permissions than it has, `bind` lets it bind roles it does not hold, and `impersonate` lets it act as other users, groups or service accounts: each is a direct path to cluster-admin.",
    remediation: "Remove the escalate, bind and impersonate verbs; grant them only to cluster administrators.",
    references: &[
        "https://kubernetes.io/docs/concepts/security/rbac-good-practices/",
        "https://kubernetes.io/docs/reference/access-authn-authz/rbac/",
    ],
    controls: &["nsa-cisa-k8s/rbac", "cis-k8s-1.9/5.1.8"],
    peers: &["KSV-0043", "CKV_K8S_157", "CKV_K8S_158", "CKV2_K8S_3"],
    bad_example: r#"apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: app
  namespace: apps
rules:
  - apiGroups: [""]
    resources: [users, groups, serviceaccounts]
    verbs: [impersonate]
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

const DANGEROUS: &[&str] = &["escalate", "bind", "impersonate"];

pub fn run(_ctx: &Ctx<'_>, obj: &Object<'_>, out: &mut Vec<Finding>) -> bool {
    util::each_rule(&META, obj, out, "grants the escalate, bind or impersonate verb", |rule| {
        util::rule_has(rule, "verbs", DANGEROUS)
    })
}
