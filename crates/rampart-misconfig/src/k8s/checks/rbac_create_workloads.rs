//! RMP-K8S-0052: Role can create pods or workloads.

use rampart_model::Severity;

use crate::check::{CheckMeta, Family, Finding};
use crate::k8s::manifest::Object;
use crate::k8s::util::{self, Ctx};

pub static META: CheckMeta = CheckMeta {
    id: "RMP-K8S-0052",
    family: Family::Kubernetes,
    service: "rbac",
    severity: Severity::High,
    title: "Role can create pods or workloads",
    description: "A subject that can create pods (directly or through Deployments, Jobs, DaemonSets, ...) can run any image with any service account of the namespace and mount its secrets, and escalate to the node where pod security admission is not enforced.",
    remediation: "Grant workload creation only to deployment pipelines and administrators.",
    references: &[
        "https://kubernetes.io/docs/concepts/security/rbac-good-practices/",
        "https://kubernetes.io/docs/reference/access-authn-authz/rbac/",
    ],
    controls: &["nsa-cisa-k8s/rbac", "cis-k8s-1.9/5.1.4"],
    peers: &["KSV-0048"],
    bad_example: r#"apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: app
  namespace: apps
rules:
  - apiGroups: [""]
    resources: [pods]
    verbs: [create]
"#,
    good_example: r#"apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: app
  namespace: apps
rules:
  - apiGroups: [""]
    resources: [pods]
    verbs: [get, list]
"#,
};

const WORKLOADS: &[&str] = &[
    "pods",
    "deployments",
    "daemonsets",
    "statefulsets",
    "replicasets",
    "replicationcontrollers",
    "jobs",
    "cronjobs",
];

pub fn run(_ctx: &Ctx<'_>, obj: &Object<'_>, out: &mut Vec<Finding>) -> bool {
    util::each_rule(&META, obj, out, "can create pods or workloads", |rule| {
        util::grants(rule, None, WORKLOADS, util::WRITE)
    })
}
