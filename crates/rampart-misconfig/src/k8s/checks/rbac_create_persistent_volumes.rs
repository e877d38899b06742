//! RMP-K8S-0068: Role can create PersistentVolumes.

use rampart_model::Severity;

use crate::check::{CheckMeta, Family, Finding};
use crate::k8s::manifest::Object;
use crate::k8s::util::{self, Ctx};

pub static META: CheckMeta = CheckMeta {
    id: "RMP-K8S-0068",
    family: Family::Kubernetes,
    service: "rbac",
    severity: Severity::High,
    title: "Role can create PersistentVolumes",
    description: "A PersistentVolume can be a hostPath volume: a subject that creates PersistentVolumes (and a claim bound to one) mounts any node directory into its pods, bypassing the hostPath restrictions on pods.",
    remediation: "Grant PersistentVolume creation only to cluster administrators and storage provisioners.",
    references: &[
        "https://kubernetes.io/docs/concepts/security/rbac-good-practices/",
        "https://kubernetes.io/docs/reference/access-authn-authz/rbac/",
    ],
    controls: &["nsa-cisa-k8s/rbac", "cis-k8s-1.9/5.1.9"],
    peers: &[],
    bad_example: r#"apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: app
  namespace: apps
rules:
  - apiGroups: [""]
    resources: [persistentvolumes]
    verbs: [create]
"#,
    good_example: r#"apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: app
  namespace: apps
rules:
  - apiGroups: [""]
    resources: [persistentvolumeclaims]
    verbs: [create]
"#,
};

pub fn run(_ctx: &Ctx<'_>, obj: &Object<'_>, out: &mut Vec<Finding>) -> bool {
    util::each_rule(&META, obj, out, "can create PersistentVolumes", |rule| {
        util::grants(rule, util::CORE, &["persistentvolumes"], &["create"])
    })
}
