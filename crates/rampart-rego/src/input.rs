//! Building policy inputs in Trivy's shape from spanned documents.

use rampart_misconfig::value::{Node, Value};

/// A document as Trivy gives it to custom checks: the JSON of `node`, where every mapping with
/// known lines also carries `__defsec_metadata: {startline, endline, filepath}` (what Trivy's
/// YAML/JSON parsers add). `result.new(msg, obj)` then points at `obj`'s lines. Conftest's
/// shape is the plain [`Node::to_json`].
pub fn trivy_json(node: &Node, path: &str) -> serde_json::Value {
    match &node.value {
        Value::Seq(items) => serde_json::Value::Array(items.iter().map(|i| trivy_json(i, path)).collect()),
        Value::Map(entries) => {
            let mut m = serde_json::Map::new();
            for (k, v) in entries {
                m.insert(k.clone(), trivy_json(v, path));
            }
            if node.span.is_known() && !m.contains_key("__defsec_metadata") {
                m.insert(
                    "__defsec_metadata".into(),
                    serde_json::json!({"startline": node.span.start, "endline": node.span.end, "filepath": path}),
                );
            }
            serde_json::Value::Object(m)
        }
        _ => node.to_json(),
    }
}
