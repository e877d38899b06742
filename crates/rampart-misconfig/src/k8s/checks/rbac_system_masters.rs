//! RMP-K8S-0067: Binding to the system:masters group.

use rampart_model::Severity;

use crate::check::{CheckMeta, Family, Finding};
use crate::k8s::manifest::Object;
use crate::k8s::util::{self, Ctx};

pub static META: CheckMeta = CheckMeta {
    id: "RMP-K8S-0067",
    family: Family::Kubernetes,
    service: "rbac",
    severity: Severity::Critical,
    title: "Binding to the system:masters group",
    description: "`system:masters` is hard-wired to unrestricted access: the API server skips authorization for its members, and the membership cannot be revoked by RBAC. Roles bound to it are meaningless and signal that the group is in use.",
    remediation: "Do not use system:masters; bind a least-privilege role to a dedicated group instead.",
    references: &[
        "https://kubernetes.io/docs/concepts/security/rbac-good-practices/",
        "https://kubernetes.io/docs/concepts/security/rbac-good-practices/#least-privilege",
    ],
    controls: &["nsa-cisa-k8s/rbac", "cis-k8s-1.9/5.1.7"],
    peers: &["KSV-0123"],
    bad_example: r#"apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: app
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: view
subjects:
  - kind: Group
    name: system:masters
    apiGroup: rbac.authorization.k8s.io
"#,
    good_example: r#"apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: app
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: view
subjects:
  - kind: ServiceAccount
    name: ci
    namespace: apps
"#,
};

pub fn run(_ctx: &Ctx<'_>, obj: &Object<'_>, out: &mut Vec<Finding>) -> bool {
    util::each_subject(&META, obj, out, |s| {
        (util::str_field(s, "name") == Some("system:masters"))
            .then(|| "binds a role to the system:masters group".to_string())
    })
}
