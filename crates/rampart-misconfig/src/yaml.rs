//! YAML (and JSON, which YAML 1.2 reads) into [`Node`] trees with line spans, over `saphyr`'s
//! marked nodes. Multi-document streams give one tree per document.

use saphyr::{MarkedYaml, ScalarStyle, YamlData, YamlLoader};

use crate::value::{Node, Span, Value};

/// Lines whose block-structure prefix (indentation and `- `/`? `/`: ` markers) is longer than
/// this are refused: they would nest deeper than the stack can load and drop safely.
const MAX_PREFIX: usize = 512;
/// Deepest flow nesting (`[`/`{` not yet closed) accepted, counted over the whole text.
const MAX_FLOW: usize = 128;
/// Deepest nesting converted; deeper values become [`Value::Unknown`].
const MAX_DEPTH: usize = 200;

/// A YAML syntax error at a 1-based line (0 when unknown).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    pub line: u32,
    pub message: String,
}

impl std::fmt::Display for YamlError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.line > 0 {
            write!(f, "line {}: {}", self.line, self.message)
        } else {
            f.write_str(&self.message)
        }
    }
}

/// How local tags (`!Ref x`) are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Tags {
    /// Ignored: the tagged value is read as if untagged.
    #[default]
    Ignore,
    /// CloudFormation short forms: `!Ref X` → `{"Ref": X}`, `!Condition X` → `{"Condition": X}`,
    /// `!GetAtt A.B` → `{"Fn::GetAtt": ["A", "B"]}`, any other `!Name V` → `{"Fn::Name": V}`.
    CloudFormation,
}

/// Parses every document of `text`. Empty documents (a lone `---`) are left out.
pub fn load_all(text: &str, tags: Tags) -> Result<Vec<Node>, YamlError> {
    guard_depth(text)?;
    let mut parser = saphyr_parser::Parser::new_from_str(text);
    let mut loader: YamlLoader<'_, MarkedYaml<'_>> = YamlLoader::default();
    loader.early_parse(false);
    let scan = parser.load(&mut loader, true);
    let error = scan.err().or_else(|| loader.error().cloned());
    if let Some(e) = error {
        let line = u32::try_from(e.marker().line()).unwrap_or(0);
        return Err(YamlError { line, message: format!("invalid YAML: {}", e.info()) });
    }
    Ok(loader.into_documents().iter().map(|d| convert(d, tags, 0)).filter(|n| !n.is_null()).collect())
}

fn guard_depth(text: &str) -> Result<(), YamlError> {
    let mut line = 1u32;
    let mut flow = 0usize;
    let mut prefix = 0usize;
    let mut in_prefix = true;
    for b in text.bytes() {
        match b {
            b'\n' => {
                line = line.saturating_add(1);
                prefix = 0;
                in_prefix = true;
                continue;
            }
            b' ' | b'\t' | b'-' | b'?' | b':' if in_prefix => {
                prefix += 1;
                if prefix > MAX_PREFIX {
                    return Err(YamlError { line, message: "YAML nested too deeply".into() });
                }
                continue;
            }
            b'[' | b'{' => {
                flow += 1;
                if flow > MAX_FLOW {
                    return Err(YamlError { line, message: "YAML nested too deeply".into() });
                }
            }
            b']' | b'}' => flow = flow.saturating_sub(1),
            _ => {}
        }
        in_prefix = false;
    }
    Ok(())
}

fn start_line(node: &MarkedYaml<'_>) -> u32 {
    u32::try_from(node.span.start.line()).unwrap_or(u32::MAX).max(1)
}

/// The last line holding a character of a scalar (the end marker sits after it: at column 0 of
/// the next line for block scalars).
fn scalar_end(node: &MarkedYaml<'_>) -> u32 {
    let start = start_line(node);
    let end = u32::try_from(node.span.end.line()).unwrap_or(start);
    if node.span.end.col() == 0 && end > start { end - 1 } else { end.max(start) }
}

fn convert(node: &MarkedYaml<'_>, tags: Tags, depth: usize) -> Node {
    let start = start_line(node);
    if depth > MAX_DEPTH {
        return Node::new(Value::Unknown, Span::line(start));
    }
    match &node.data {
        YamlData::Representation(text, style, tag) => {
            let value = scalar(text, *style, tag.as_deref());
            let span = Span::new(start, scalar_end(node));
            let local = tag.as_deref().filter(|t| t.handle == "!" && tags == Tags::CloudFormation);
            match local {
                Some(t) => cfn_short_form(&t.suffix, Node::new(value, span), span),
                None => Node::new(value, span),
            }
        }
        YamlData::Value(s) => {
            let value = match s {
                saphyr::Scalar::Null => Value::Null,
                saphyr::Scalar::Boolean(b) => Value::Bool(*b),
                saphyr::Scalar::Integer(i) => Value::Int(*i),
                saphyr::Scalar::FloatingPoint(f) => Value::Float(f.into_inner()),
                saphyr::Scalar::String(s) => Value::Str(s.to_string()),
            };
            Node::new(value, Span::new(start, scalar_end(node)))
        }
        YamlData::Sequence(items) => {
            let items: Vec<Node> = items.iter().map(|i| convert(i, tags, depth + 1)).collect();
            let end = items.iter().map(|i| i.span.end).max().unwrap_or(start).max(start);
            Node::new(Value::Seq(items), Span::new(start, end))
        }
        YamlData::Mapping(map) => {
            let mut entries: Vec<(String, Node)> = Vec::with_capacity(map.len());
            let mut first = u32::MAX;
            let mut end = start;
            for (k, v) in map.iter() {
                let key = match &k.data {
                    YamlData::Representation(s, _, _) => s.to_string(),
                    YamlData::Value(s) => format!("{s:?}"),
                    _ => continue,
                };
                let key_line = start_line(k);
                first = first.min(key_line);
                let mut value = convert(v, tags, depth + 1);
                // An empty value (`key:`) sits on its key's line.
                if !value.span.is_known() || (value.is_null() && value.span.start < key_line) {
                    value.span = Span::line(key_line);
                }
                // A block scalar (`key: |`) starts on its key's line.
                if !matches!(value.value, Value::Map(_) | Value::Seq(_)) && value.span.start > key_line {
                    value.span.start = key_line;
                }
                end = end.max(value.span.end).max(key_line);
                entries.retain(|(existing, _)| existing != &key);
                entries.push((key, value));
            }
            let start = if first == u32::MAX { start } else { first.min(start) };
            Node::new(Value::Map(entries), Span::new(start, end))
        }
        YamlData::Tagged(tag, inner) => {
            let inner = convert(inner, tags, depth + 1);
            if tags == Tags::CloudFormation && tag.handle == "!" {
                let span = inner.span;
                cfn_short_form(&tag.suffix, inner, span)
            } else {
                inner
            }
        }
        YamlData::Alias(_) | YamlData::BadValue => Node::new(Value::Unknown, Span::line(start)),
    }
}

/// YAML 1.2 core schema resolution of a scalar as written.
fn scalar(text: &str, style: ScalarStyle, tag: Option<&saphyr::Tag>) -> Value {
    if style != ScalarStyle::Plain {
        return Value::Str(text.to_string());
    }
    if let Some(t) = tag
        && t.handle == "tag:yaml.org,2002:"
        && t.suffix == "str"
    {
        return Value::Str(text.to_string());
    }
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        _ => {}
    }
    let first = text.as_bytes()[0];
    if first.is_ascii_digit() || first == b'-' || first == b'+' || first == b'.' {
        if let Ok(i) = text.parse::<i64>() {
            return Value::Int(i);
        }
        if let Some(hex) = text.strip_prefix("0x")
            && let Ok(i) = i64::from_str_radix(hex, 16)
        {
            return Value::Int(i);
        }
        if let Some(oct) = text.strip_prefix("0o")
            && let Ok(i) = i64::from_str_radix(oct, 8)
        {
            return Value::Int(i);
        }
        if text.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+' | b'e' | b'E'))
            && let Ok(f) = text.parse::<f64>()
        {
            return Value::Float(f);
        }
    }
    Value::Str(text.to_string())
}

fn cfn_short_form(name: &str, value: Node, span: Span) -> Node {
    let (key, value) = match name {
        "Ref" => ("Ref".to_string(), value),
        "Condition" => ("Condition".to_string(), value),
        "GetAtt" => {
            // `!GetAtt Res.Attr` (a string) is `["Res", "Attr"]`; the list form stays a list.
            let value = match &value.value {
                Value::Str(s) => {
                    let (res, attr) = s.split_once('.').unwrap_or((s.as_str(), ""));
                    Node::new(
                        Value::Seq(vec![
                            Node::new(Value::Str(res.to_string()), span),
                            Node::new(Value::Str(attr.to_string()), span),
                        ]),
                        span,
                    )
                }
                _ => value,
            };
            ("Fn::GetAtt".to_string(), value)
        }
        other => (format!("Fn::{other}"), value),
    };
    Node::new(Value::Map(vec![(key, value)]), span)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_lines_and_scalars() {
        let text = "a: 1\nb:\n  c: true\n  d: [x, 'y']\n---\n---\n- e: 2.5\n  f:\n  g: |\n    one\n    two\n";
        let docs = load_all(text, Tags::Ignore).unwrap();
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[0].span, Span::new(1, 4));
        assert_eq!(docs[0].get("a").unwrap().value, Value::Int(1));
        assert_eq!(docs[0].at(&["b", "c"]).unwrap().value, Value::Bool(true));
        assert_eq!(docs[0].at(&["b", "c"]).unwrap().span, Span::line(3));
        assert_eq!(docs[0].at(&["b"]).unwrap().span, Span::new(3, 4));
        let item = &docs[1].items()[0];
        assert_eq!(item.get("e").unwrap().value, Value::Float(2.5));
        assert!(item.get("f").unwrap().is_null());
        assert_eq!(item.get("f").unwrap().span, Span::line(8));
        assert_eq!(item.get("g").unwrap().span, Span::new(9, 11));
        assert_eq!(docs[1].span, Span::new(7, 11));
    }

    #[test]
    fn cloudformation_tags() {
        let text =
            "A: !Ref Bucket\nB: !GetAtt Role.Arn\nC: !Sub\n  - '${x}'\n  - {x: 1}\nD: !Equals [a, b]\n";
        let doc = load_all(text, Tags::CloudFormation).unwrap().remove(0);
        assert_eq!(doc.at(&["A", "Ref"]).unwrap().as_str(), Some("Bucket"));
        assert_eq!(doc.at(&["B", "Fn::GetAtt"]).unwrap().items()[1].as_str(), Some("Arn"));
        assert_eq!(doc.at(&["C", "Fn::Sub"]).unwrap().items().len(), 2);
        assert_eq!(doc.at(&["D", "Fn::Equals"]).unwrap().items().len(), 2);
        let plain = load_all(text, Tags::Ignore).unwrap().remove(0);
        assert_eq!(plain.get("A").unwrap().as_str(), Some("Bucket"));
    }

    #[test]
    fn json_and_errors() {
        let doc = load_all("{\"a\": [1, {\"b\": \"c\"}],\n \"d\": null}", Tags::Ignore).unwrap().remove(0);
        assert_eq!(doc.at(&["a"]).unwrap().items()[1].get("b").unwrap().as_str(), Some("c"));
        let err = load_all("a: 1\nb: [\n", Tags::Ignore).unwrap_err();
        assert!(err.line >= 2, "{err}");
        assert!(load_all(&"- ".repeat(5000), Tags::Ignore).is_err());
        assert!(load_all(&"[".repeat(MAX_FLOW + 1), Tags::Ignore).is_err());
        assert!(load_all("", Tags::Ignore).unwrap().is_empty());
    }
}
