//! One value tree with line spans for every configuration format.
//!
//! YAML (Kubernetes, CloudFormation), JSON, HCL (Terraform) and Terraform plans are all turned
//! into [`Node`]s, so checks and the cloud model read them the same way and every finding keeps the
//! lines it came from.

use serde_json::Map as JsonMap;

/// 1-based, inclusive line range in a file. `0` means unknown.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub const UNKNOWN: Span = Span { start: 0, end: 0 };

    pub fn new(start: u32, end: u32) -> Span {
        Span { start, end: end.max(start) }
    }

    pub fn line(line: u32) -> Span {
        Span { start: line, end: line }
    }

    pub fn is_known(&self) -> bool {
        self.start > 0
    }

    /// The smallest span covering both (an unknown span yields to a known one).
    pub fn join(self, other: Span) -> Span {
        match (self.is_known(), other.is_known()) {
            (false, _) => other,
            (_, false) => self,
            _ => Span { start: self.start.min(other.start), end: self.end.max(other.end) },
        }
    }
}

/// A value with the lines it spans.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub value: Value,
    pub span: Span,
}

/// A configuration value. Scalars keep their text where the format has no types (YAML scalars are
/// resolved with the YAML 1.2 core schema: `true`, `3`, `1.5`, `null`).
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    /// Keys in document order; duplicate keys keep the last (as Kubernetes and Terraform do).
    Map(Vec<(String, Node)>),
    /// A reference to another resource's attribute that cannot be evaluated statically
    /// (`aws_s3_bucket.data.id`, a CloudFormation `Ref` to a resource's logical id). Checks and
    /// the cloud model use it to link resources.
    Ref(String),
    /// An expression that cannot be evaluated statically (a function of unknown inputs, a data
    /// source). Checks must treat it as "could be anything": never a finding on its own.
    Unknown,
}

static NULL: Node = Node { value: Value::Null, span: Span::UNKNOWN };

impl Node {
    pub fn new(value: Value, span: Span) -> Node {
        Node { value, span }
    }

    pub fn null() -> &'static Node {
        &NULL
    }

    /// The value of `key` when this is a map.
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.value {
            Value::Map(entries) => entries.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// Follows a path of map keys (`["spec", "template", "spec"]`).
    pub fn at(&self, path: &[&str]) -> Option<&Node> {
        let mut node = self;
        for key in path {
            node = node.get(key)?;
        }
        Some(node)
    }

    /// The entries of a map (nothing for other values).
    pub fn entries(&self) -> &[(String, Node)] {
        match &self.value {
            Value::Map(entries) => entries,
            _ => &[],
        }
    }

    /// The items of a sequence (nothing for other values). A single map where a list of blocks
    /// is expected (`ingress { ... }` once in HCL) is *not* wrapped: use [`Node::items_or_self`].
    pub fn items(&self) -> &[Node] {
        match &self.value {
            Value::Seq(items) => items,
            _ => &[],
        }
    }

    /// The items of a sequence, or the node itself when it is a single non-null value.
    pub fn items_or_self(&self) -> Vec<&Node> {
        match &self.value {
            Value::Seq(items) => items.iter().collect(),
            Value::Null => Vec::new(),
            _ => vec![self],
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self.value, Value::Null)
    }

    pub fn is_unknown(&self) -> bool {
        matches!(self.value, Value::Unknown | Value::Ref(_))
    }

    pub fn is_map(&self) -> bool {
        matches!(self.value, Value::Map(_))
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// A scalar as text (`true`, `3`, `1.5` are given as written by Display).
    pub fn to_text(&self) -> Option<String> {
        match &self.value {
            Value::Str(s) => Some(s.clone()),
            Value::Bool(b) => Some(b.to_string()),
            Value::Int(i) => Some(i.to_string()),
            Value::Float(f) => Some(f.to_string()),
            _ => None,
        }
    }

    /// A boolean, also from the strings `"true"` / `"false"` (any case), as Kubernetes,
    /// Terraform and CloudFormation all accept.
    pub fn as_bool(&self) -> Option<bool> {
        match &self.value {
            Value::Bool(b) => Some(*b),
            Value::Str(s) if s.eq_ignore_ascii_case("true") => Some(true),
            Value::Str(s) if s.eq_ignore_ascii_case("false") => Some(false),
            _ => None,
        }
    }

    /// An integer, also from a string holding one (`"22"`).
    pub fn as_i64(&self) -> Option<i64> {
        match &self.value {
            Value::Int(i) => Some(*i),
            Value::Float(f) if f.fract() == 0.0 => Some(*f as i64),
            Value::Str(s) => s.trim().parse().ok(),
            _ => None,
        }
    }

    /// The referenced address of a [`Value::Ref`].
    pub fn as_ref_target(&self) -> Option<&str> {
        match &self.value {
            Value::Ref(r) => Some(r),
            _ => None,
        }
    }

    /// Converts to JSON for Rego policies and the JSON renderings of inputs. References become
    /// their address string; unknown values become `null`.
    pub fn to_json(&self) -> serde_json::Value {
        match &self.value {
            Value::Null | Value::Unknown => serde_json::Value::Null,
            Value::Bool(b) => serde_json::Value::Bool(*b),
            Value::Int(i) => serde_json::Value::from(*i),
            Value::Float(f) => serde_json::Number::from_f64(*f)
                .map(serde_json::Value::Number)
                .unwrap_or(serde_json::Value::Null),
            Value::Str(s) => serde_json::Value::String(s.clone()),
            Value::Ref(r) => serde_json::Value::String(r.clone()),
            Value::Seq(items) => serde_json::Value::Array(items.iter().map(Node::to_json).collect()),
            Value::Map(entries) => {
                let mut m = JsonMap::new();
                for (k, v) in entries {
                    m.insert(k.clone(), v.to_json());
                }
                serde_json::Value::Object(m)
            }
        }
    }

    /// JSON as Trivy gives it to custom checks: every mapping carries
    /// `__defsec_metadata {startline, endline, filepath}`, so `result.new(msg, obj)` points at
    /// the object's lines.
    pub fn to_trivy_json(&self, path: &str) -> serde_json::Value {
        match &self.value {
            Value::Seq(items) => {
                serde_json::Value::Array(items.iter().map(|i| i.to_trivy_json(path)).collect())
            }
            Value::Map(entries) => {
                let mut m = JsonMap::new();
                for (k, v) in entries {
                    m.insert(k.clone(), v.to_trivy_json(path));
                }
                if self.span.is_known() && !m.contains_key("__defsec_metadata") {
                    m.insert(
                        "__defsec_metadata".into(),
                        serde_json::json!({"startline": self.span.start, "endline": self.span.end, "filepath": path}),
                    );
                }
                serde_json::Value::Object(m)
            }
            _ => self.to_json(),
        }
    }

    /// Builds a node tree from JSON with every span set to `span` (Terraform plans and other
    /// inputs without line information).
    pub fn from_json(value: &serde_json::Value, span: Span) -> Node {
        let v = match value {
            serde_json::Value::Null => Value::Null,
            serde_json::Value::Bool(b) => Value::Bool(*b),
            serde_json::Value::Number(n) => match n.as_i64() {
                Some(i) => Value::Int(i),
                None => Value::Float(n.as_f64().unwrap_or(0.0)),
            },
            serde_json::Value::String(s) => Value::Str(s.clone()),
            serde_json::Value::Array(a) => Value::Seq(a.iter().map(|v| Node::from_json(v, span)).collect()),
            serde_json::Value::Object(o) => {
                Value::Map(o.iter().map(|(k, v)| (k.clone(), Node::from_json(v, span))).collect())
            }
        };
        Node::new(v, span)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accessors() {
        let n = Node::from_json(
            &serde_json::json!({"a": {"b": [1, "2", true, "False"]}, "s": "x"}),
            Span::line(3),
        );
        let items = n.at(&["a", "b"]).unwrap().items();
        assert_eq!(items[0].as_i64(), Some(1));
        assert_eq!(items[1].as_i64(), Some(2));
        assert_eq!(items[2].as_bool(), Some(true));
        assert_eq!(items[3].as_bool(), Some(false));
        assert_eq!(n.get("s").unwrap().as_str(), Some("x"));
        assert!(n.get("missing").is_none());
        assert_eq!(n.to_json()["a"]["b"][1], "2");
        assert_eq!(Span::new(4, 2), Span::line(4));
        assert_eq!(Span::UNKNOWN.join(Span::new(2, 3)), Span::new(2, 3));
        assert_eq!(Span::new(5, 6).join(Span::new(2, 3)), Span::new(2, 6));
    }
}
