//! RMP-K8S-0053: Role can use the nodes/proxy subresource.

use rampart_model::Severity;

use crate::check::{CheckMeta, Family, Finding};
use crate::k8s::manifest::Object;
use crate::k8s::util::{self, Ctx};

pub static META: CheckMeta = CheckMeta {
    id: "RMP-K8S-0053",
    family: Family::Kubernetes,
    service: "rbac",
    severity: Severity::High,
    title: "Role can use the nodes/proxy subresource",
    description: "`nodes/proxy` reaches the kubelet API of every node, which runs commands in any pod on it, bypassing admission control and audit logging.",
    remediation: "Remove access to nodes/proxy.",
    references: &[
        "https://kubernetes.io/docs/concepts/security/rbac-good-practices/",
        "https://kubernetes.io/docs/reference/access-authn-authz/rbac/",
    ],
    controls: &["nsa-cisa-k8s/rbac", "cis-k8s-1.9/5.1.10"],
    peers: &["KSV-0047", "CKV2_K8S_2"],
    bad_example: r#"apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: app
  namespace: apps
rules:
  - apiGroups: [""]
    resources: [nodes/proxy]
    verbs: [get]
"#,
    good_example: r#"apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: app
  namespace: apps
rules:
  - apiGroups: [""]
    resources: [nodes]
    verbs: [get]
"#,
};

pub fn run(_ctx: &Ctx<'_>, obj: &Object<'_>, out: &mut Vec<Finding>) -> bool {
    util::each_rule(&META, obj, out, "can use the nodes/proxy subresource", |rule| {
        util::grants(rule, util::CORE, &["nodes/proxy"], &["get", "create", "update", "patch"])
    })
}
