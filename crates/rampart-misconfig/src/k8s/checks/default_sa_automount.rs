//! RMP-K8S-0063: Default service account mounts its token.

use rampart_model::Severity;

use crate::check::{CheckMeta, Family, Finding};
use crate::k8s::manifest::Object;
use crate::k8s::util::{self, Ctx};

pub static META: CheckMeta = CheckMeta {
    id: "RMP-K8S-0063",
    family: Family::Kubernetes,
    service: "service-accounts",
    severity: Severity::Medium,
    title: "Default service account mounts its token",
    description: "The `default` ServiceAccount of a namespace is used by every pod without `serviceAccountName`; unless it sets `automountServiceAccountToken: false`, all of them get an API token.",
    remediation: "Set `automountServiceAccountToken: false` on the default ServiceAccount of each namespace.",
    references: &[
        "https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/#opt-out-of-api-credential-automounting",
    ],
    controls: &["nsa-cisa-k8s/service-account-tokens", "cis-k8s-1.9/5.1.5"],
    peers: &["CKV_K8S_41"],
    bad_example: r#"apiVersion: v1
kind: ServiceAccount
metadata:
  name: default
  namespace: apps
"#,
    good_example: r#"apiVersion: v1
kind: ServiceAccount
metadata:
  name: default
  namespace: apps
automountServiceAccountToken: false
"#,
};

pub fn run(_ctx: &Ctx<'_>, obj: &Object<'_>, out: &mut Vec<Finding>) -> bool {
    if !obj.is("ServiceAccount") || obj.name != "default" {
        return false;
    }
    if let Some((span, phrase)) = util::expect_bool(
        obj.node.get("automountServiceAccountToken"),
        false,
        obj.span,
        "mounts its token in pods (automountServiceAccountToken is not false)",
        "does not set automountServiceAccountToken to false",
    ) {
        util::push(&META, obj, out, span, &phrase);
    }
    true
}
