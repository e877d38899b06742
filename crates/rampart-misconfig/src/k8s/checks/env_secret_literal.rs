//! RMP-K8S-0040: Secret written in an environment variable.

use rampart_model::Severity;

use crate::check::{CheckMeta, Family, Finding};
use crate::k8s::manifest::Object;
use crate::k8s::util::{self, Ctx, Which};
use crate::value::{Node, Span};

pub static META: CheckMeta = CheckMeta {
    id: "RMP-K8S-0040",
    family: Family::Kubernetes,
    service: "secrets",
    severity: Severity::High,
    title: "Secret written in an environment variable",
    description: "An environment variable whose name says it holds a secret (PASSWORD, SECRET, TOKEN, API_KEY, ...) is given a literal value in the manifest: the secret is in version control and readable by anyone who can read the workload.",
    remediation: "Store the value in a Secret (or an external secret store) and mount it as a file; at the very least use `valueFrom.secretKeyRef`.",
    references: &["https://kubernetes.io/docs/concepts/configuration/secret/"],
    controls: &["nsa-cisa-k8s/secrets"],
    peers: &[],
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
          value: hunter2
"#,
    good_example: r#"apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: apps
spec:
  containers:
    - name: web
      image: registry.example.com/web:1.0
      env:
        - name: DB_HOST
          value: db.internal
"#,
};

pub fn run(_ctx: &Ctx<'_>, obj: &Object<'_>, out: &mut Vec<Finding>) -> bool {
    util::containers(&META, obj, out, Which::Run, |_, c| {
        let env = c.node.get("env").map(Node::items).unwrap_or_default();
        let hits: Vec<(Span, &str)> = env
            .iter()
            .filter_map(|e| {
                let name = e.get("name").and_then(Node::as_str)?;
                let value = e.get("value")?;
                let text = value.to_text()?;
                let literal = !text.trim().is_empty() && !text.starts_with("$(");
                (literal && util::is_secret_name(name)).then_some((value.span, name))
            })
            .collect();
        let span = hits.iter().fold(Span::UNKNOWN, |s, (h, _)| s.join(*h));
        let names: Vec<String> = hits.iter().map(|(_, n)| format!("'{n}'")).collect();
        (!hits.is_empty()).then(|| {
            (span, format!("sets the secret environment variable {} to a literal value", names.join(", ")))
        })
    })
}
