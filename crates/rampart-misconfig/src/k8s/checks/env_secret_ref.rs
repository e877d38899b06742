//! RMP-K8S-0041: Secret exposed as an environment variable.

use rampart_model::Severity;

use crate::check::{CheckMeta, Family, Finding};
use crate::k8s::manifest::Object;
use crate::k8s::util::{self, Ctx, Which};
use crate::value::Node;

pub static META: CheckMeta = CheckMeta {
    id: "RMP-K8S-0041",
    family: Family::Kubernetes,
    service: "secrets",
    severity: Severity::Low,
    title: "Secret exposed as an environment variable",
    description: "Secrets passed as environment variables (`secretKeyRef`, `envFrom.secretRef`) leak easily: into logs, crash reports, child processes and `/proc/<pid>/environ`. Files from a secret volume are safer.",
    remediation: "Mount the Secret as a volume and read the value from the file.",
    references: &[
        "https://kubernetes.io/docs/concepts/configuration/secret/#using-secrets-as-files-from-a-pod",
    ],
    controls: &["nsa-cisa-k8s/secrets", "cis-k8s-1.9/5.4.1"],
    peers: &["CKV_K8S_35"],
    bad_example: r#"apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: apps
spec:
  containers:
    - name: web
      image: registry.example.com/web:1.0
      env:
        - name: DB_PASSWORD
          valueFrom:
            secretKeyRef: {name: db, key: password}
"#,
    good_example: r#"apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: apps
spec:
  volumes:
    - name: db
      secret: {secretName: db}
  containers:
    - name: web
      image: registry.example.com/web:1.0
      volumeMounts:
        - {name: db, mountPath: /run/secrets/db, readOnly: true}
"#,
};

pub fn run(_ctx: &Ctx<'_>, obj: &Object<'_>, out: &mut Vec<Finding>) -> bool {
    util::containers(&META, obj, out, Which::Run, |_, c| {
        let env = c.node.get("env").map(Node::items).unwrap_or_default();
        if let Some(r) = env.iter().find_map(|e| e.at(&["valueFrom", "secretKeyRef"])) {
            return Some((r.span, "reads a Secret into an environment variable (secretKeyRef)".to_string()));
        }
        let from = c.node.get("envFrom").map(Node::items).unwrap_or_default();
        let r = from.iter().find_map(|e| e.get("secretRef"))?;
        Some((r.span, "loads a Secret into environment variables (envFrom.secretRef)".to_string()))
    })
}
