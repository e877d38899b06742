//! RMP-K8S-0014: Non-core volume type.

use rampart_model::Severity;

use crate::check::{CheckMeta, Family, Finding};
use crate::k8s::manifest::Object;
use crate::k8s::util::{self, Ctx};
use crate::value::Node;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-K8S-0014",
    family: Family::Kubernetes,
    service: "pod-security",
    severity: Severity::Low,
    title: "Non-core volume type",
    description: "The restricted profile allows only volume types that do not reach the node or external storage directly (configMap, csi, downwardAPI, emptyDir, ephemeral, persistentVolumeClaim, projected, secret); other types (hostPath, nfs, iscsi, ...) bypass storage policies.",
    remediation: "Use one of the allowed volume types, for example a PersistentVolumeClaim bound to a PersistentVolume that holds the driver-specific settings.",
    references: &["https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted"],
    controls: &["pss-restricted/volume-types", "nsa-cisa-k8s/host-isolation"],
    peers: &["KSV-0028"],
    bad_example: r#"apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: apps
spec:
  volumes:
    - name: share
      nfs: {server: nfs.example.com, path: /share}
  containers:
    - name: web
      image: registry.example.com/web:1.0
"#,
    good_example: r#"apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: apps
spec:
  volumes:
    - name: share
      persistentVolumeClaim: {claimName: share}
  containers:
    - name: web
      image: registry.example.com/web:1.0
"#,
};

const ALLOWED: &[&str] = &[
    "configMap",
    "csi",
    "downwardAPI",
    "emptyDir",
    "ephemeral",
    "persistentVolumeClaim",
    "projected",
    "secret",
];

pub fn run(_ctx: &Ctx<'_>, obj: &Object<'_>, out: &mut Vec<Finding>) -> bool {
    util::pod(&META, obj, out, |p| {
        let mut found = Vec::new();
        for v in p.volumes() {
            let name = v.get("name").and_then(Node::to_text).unwrap_or_default();
            for (key, node) in v.entries() {
                if key != "name" && !ALLOWED.contains(&key.as_str()) {
                    found.push((node.span, format!("uses the '{key}' volume type (volume '{name}')")));
                }
            }
        }
        found
    })
}
