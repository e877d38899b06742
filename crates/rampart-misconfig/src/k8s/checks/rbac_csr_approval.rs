//! RMP-K8S-0066: Role can approve certificate signing requests.

use rampart_model::Severity;

use crate::check::{CheckMeta, Family, Finding};
use crate::k8s::manifest::Object;
use crate::k8s::util::{self, Ctx};

pub static META: CheckMeta = CheckMeta {
    id: "RMP-K8S-0066",
    family: Family::Kubernetes,
    service: "rbac",
    severity: Severity::High,
    title: "Role can approve certificate signing requests",
    description: "Approving CertificateSigningRequests lets a subject issue client certificates for any user or group, `system:masters` included, which is cluster-admin.",
    remediation: "Grant the approval subresource only to cluster administrators and controllers.",
    references: &[
        "https://kubernetes.io/docs/concepts/security/rbac-good-practices/",
        "https://kubernetes.io/docs/reference/access-authn-authz/rbac/",
    ],
    controls: &["nsa-cisa-k8s/rbac", "cis-k8s-1.9/5.1.11"],
    peers: &["CKV_K8S_156"],
    bad_example: r#"apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: app
  namespace: apps
rules:
  - apiGroups: [certificates.k8s.io]
    resources: [certificatesigningrequests/approval]
    verbs: [update]
"#,
    good_example: r#"apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: app
  namespace: apps
rules:
  - apiGroups: [certificates.k8s.io]
    resources: [certificatesigningrequests]
    verbs: [get, list]
"#,
};

pub fn run(_ctx: &Ctx<'_>, obj: &Object<'_>, out: &mut Vec<Finding>) -> bool {
    util::each_rule(&META, obj, out, "can approve certificate signing requests", |rule| {
        util::grants(
            rule,
            Some(&["certificates.k8s.io"]),
            &["certificatesigningrequests/approval"],
            &["update", "patch"],
        )
    })
}
