//! RMP-K8S-0064: Secret stored in a ConfigMap.

use rampart_model::Severity;

use crate::check::{CheckMeta, Family, Finding};
use crate::k8s::manifest::Object;
use crate::k8s::util::{self, Ctx};
use crate::value::Node;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-K8S-0064",
    family: Family::Kubernetes,
    service: "secrets",
    severity: Severity::Medium,
    title: "Secret stored in a ConfigMap",
    description: "ConfigMaps are not meant for secrets: they are readable by anyone with read access to the namespace's configuration, are not encrypted at rest separately and show up in logs and dashboards. A key named like a secret (password, token, api_key, ...) with a value is a secret in the wrong place.",
    remediation: "Move the value into a Secret (or an external secret store) and reference it from there.",
    references: &[
        "https://kubernetes.io/docs/concepts/configuration/configmap/",
        "https://kubernetes.io/docs/concepts/configuration/secret/",
    ],
    controls: &["nsa-cisa-k8s/secrets"],
    peers: &["KSV-0109", "KSV-01010"],
    bad_example: r#"apiVersion: v1
kind: ConfigMap
metadata:
  name: app
  namespace: apps
data:
  db_password: hunter2
"#,
    good_example: r#"apiVersion: v1
kind: ConfigMap
metadata:
  name: app
  namespace: apps
data:
  log_level: info
"#,
};

pub fn run(_ctx: &Ctx<'_>, obj: &Object<'_>, out: &mut Vec<Finding>) -> bool {
    util::of_kind(&META, obj, out, "ConfigMap", |obj| {
        let data = obj.node.get("data").map(Node::entries).unwrap_or_default();
        data.iter()
            .filter(|(key, value)| {
                util::is_secret_name(key) && value.to_text().is_some_and(|v| !v.trim().is_empty())
            })
            .map(|(key, value)| (value.span, format!("stores the secret-looking key '{key}'")))
            .collect::<Vec<_>>()
    })
}
