//! RMP-K8S-0051: Role can exec or attach into pods.

use rampart_model::Severity;

use crate::check::{CheckMeta, Family, Finding};
use crate::k8s::manifest::Object;
use crate::k8s::util::{self, Ctx};

pub static META: CheckMeta = CheckMeta {
    id: "RMP-K8S-0051",
    family: Family::Kubernetes,
    service: "rbac",
    severity: Severity::High,
    title: "Role can exec or attach into pods",
    description: "`pods/exec` and `pods/attach` run commands in, or attach to, any pod the role covers, with that pod's service account and mounted secrets.",
    remediation: "Remove pods/exec and pods/attach; grant them only for break-glass access.",
    references: &[
        "https://kubernetes.io/docs/concepts/security/rbac-good-practices/",
        "https://kubernetes.io/docs/reference/access-authn-authz/rbac/",
    ],
    controls: &["nsa-cisa-k8s/rbac", "cis-k8s-1.9/5.1.4"],
    peers: &["KSV-0053", "KSV-0054", "CKV2_K8S_2"],
    bad_example: r#"apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: app
  namespace: apps
rules:
  - apiGroups: [""]
    resources: [pods/exec]
    verbs: [create]
"#,
    good_example: r#"apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: app
  namespace: apps
rules:
  - apiGroups: [""]
    resources: [pods/log]
    verbs: [get]
"#,
};

pub fn run(_ctx: &Ctx<'_>, obj: &Object<'_>, out: &mut Vec<Finding>) -> bool {
    util::each_rule(&META, obj, out, "can exec or attach into pods", |rule| {
        util::grants(rule, util::CORE, &["pods/exec", "pods/attach"], &["create", "get"])
    })
}
