//! RMP-K8S-0050: Role can read secrets.

use rampart_model::Severity;

use crate::check::{CheckMeta, Family, Finding};
use crate::k8s::manifest::Object;
use crate::k8s::util::{self, Ctx};

pub static META: CheckMeta = CheckMeta {
    id: "RMP-K8S-0050",
    family: Family::Kubernetes,
    service: "rbac",
    severity: Severity::High,
    title: "Role can read secrets",
    description: "get, list or watch on secrets (without naming the secrets in `resourceNames`) reads every secret of the namespace, or of the cluster for a ClusterRole: service account tokens, TLS keys, passwords.",
    remediation: "Remove read access to secrets, or restrict it to named secrets with `resourceNames`.",
    references: &[
        "https://kubernetes.io/docs/concepts/security/rbac-good-practices/",
        "https://kubernetes.io/docs/reference/access-authn-authz/rbac/",
    ],
    controls: &["nsa-cisa-k8s/rbac", "nsa-cisa-k8s/secrets", "cis-k8s-1.9/5.1.2"],
    peers: &["KSV-0041", "KSV-0113", "CKV2_K8S_5"],
    bad_example: r#"apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: app
  namespace: apps
rules:
  - apiGroups: [""]
    resources: [secrets]
    verbs: [get, list]
"#,
    good_example: r#"apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: app
  namespace: apps
rules:
  - apiGroups: [""]
    resources: [secrets]
    resourceNames: [app-tls]
    verbs: [get]
"#,
};

pub fn run(_ctx: &Ctx<'_>, obj: &Object<'_>, out: &mut Vec<Finding>) -> bool {
    util::each_rule(&META, obj, out, "can read secrets", |rule| {
        util::grants(rule, util::CORE, &["secrets"], &["get", "list", "watch"]) && util::all_names(rule)
    })
}
