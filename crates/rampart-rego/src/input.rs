//! Building policy inputs in Trivy's shape from spanned documents.

use rampart_misconfig::value::Node;

/// A document as Trivy gives it to custom checks: the JSON of `node`, where every mapping with
/// known lines also carries `__defsec_metadata: {startline, endline, filepath}` (what Trivy's
/// YAML/JSON parsers add). `result.new(msg, obj)` then points at `obj`'s lines. Conftest's
/// shape is the plain [`Node::to_json`].
pub fn trivy_json(node: &Node, path: &str) -> serde_json::Value {
    node.to_trivy_json(path)
}
