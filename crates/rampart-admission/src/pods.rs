//! The pod spec inside a Pod or any pod-template kind, and its container images.

use serde_json::Value;

/// Kinds whose pod spec the webhook checks, and where the spec is.
pub const KINDS: &[&str] = &[
    "Pod",
    "Deployment",
    "StatefulSet",
    "DaemonSet",
    "ReplicaSet",
    "ReplicationController",
    "Job",
    "CronJob",
];

/// The pod spec of `object` of kind `kind` (`None`: not a kind with a pod spec, or no spec).
pub fn pod_spec<'a>(kind: &str, object: &'a Value) -> Option<&'a Value> {
    let spec = object.get("spec")?;
    match kind {
        "Pod" => Some(spec),
        "CronJob" => spec.get("jobTemplate")?.get("spec")?.get("template")?.get("spec"),
        k if KINDS.contains(&k) => spec.get("template")?.get("spec"),
        _ => None,
    }
}

/// (container name, image) of every container, init container and ephemeral container.
pub fn images(spec: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for list in ["initContainers", "containers", "ephemeralContainers"] {
        for c in spec.get(list).and_then(Value::as_array).into_iter().flatten() {
            let name = c.get("name").and_then(Value::as_str).unwrap_or_default().to_string();
            if let Some(image) = c.get("image").and_then(Value::as_str) {
                out.push((name, image.to_string()));
            }
        }
    }
    out
}
