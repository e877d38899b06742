//! RMP-K8S-0065: Role can manage admission webhooks.

use rampart_model::Severity;

use crate::check::{CheckMeta, Family, Finding};
use crate::k8s::manifest::Object;
use crate::k8s::util::{self, Ctx};

pub static META: CheckMeta = CheckMeta {
    id: "RMP-K8S-0065",
    family: Family::Kubernetes,
    service: "rbac",
    severity: Severity::High,
    title: "Role can manage admission webhooks",
    description: "Creating or changing validating or mutating webhook configurations lets a subject intercept, rewrite or block every object sent to the API server, secrets included.",
    remediation: "Grant write access to admission webhook configurations only to cluster administrators.",
    references: &[
        "https://kubernetes.io/docs/concepts/security/rbac-good-practices/",
        "https://kubernetes.io/docs/reference/access-authn-authz/rbac/",
    ],
    controls: &["nsa-cisa-k8s/rbac", "cis-k8s-1.9/5.1.12"],
    peers: &["KSV-0114", "CKV_K8S_155"],
    bad_example: r#"apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: app
  namespace: apps
rules:
  - apiGroups: [admissionregistration.k8s.io]
    resources: [mutatingwebhookconfigurations]
    verbs: [create, update]
"#,
    good_example: r#"apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: app
  namespace: apps
rules:
  - apiGroups: [admissionregistration.k8s.io]
    resources: [mutatingwebhookconfigurations]
    verbs: [get, list]
"#,
};

pub fn run(_ctx: &Ctx<'_>, obj: &Object<'_>, out: &mut Vec<Finding>) -> bool {
    util::each_rule(&META, obj, out, "can create or change admission webhook configurations", |rule| {
        util::grants(
            rule,
            Some(&["admissionregistration.k8s.io"]),
            &["validatingwebhookconfigurations", "mutatingwebhookconfigurations"],
            util::WRITE,
        )
    })
}
